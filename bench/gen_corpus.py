#!/usr/bin/env python3
"""Deterministic benchmark material for bench/compare.sh.

Writes a tree of realistic Markdown files (headings, lists, tables, code
blocks, links; the typography of edited prose: curly quotes around UI
labels, em dashes, names with accents) totalling about SIZE_MB megabytes, and a list of 2,000 terms
(10% multi-word) mixing real B2B jargon with rare filler words, as
terms.txt (one per line, for `rg -f`) and phrasebook.yaml (for plainly).
Everything comes from a fixed seed, so two runs give the same bytes.
"""
import os
import random
import sys

out = sys.argv[1]
size_mb = float(sys.argv[2]) if len(sys.argv) > 2 else 100
n_terms = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
rng = random.Random(20261201)

JARGON = """restocking fee|MOQ|minimum order quantity|DDP|EXW|FCA|DAP|CIF|FOB|C62|H87|LS|KWH|HUR
net 30|2/10 net 30|EOM|COD|pro forma|credit memo|dunning|remittance advice|drop shipment|backorder
SLA|true-up|proration|lead time|RMA|SKU|ASN|bill of lading|accrual|three-way match|chargeback
GRN|EDI|net 60|consignment stock|blanket order|landed cost|call-off|incoterms|purchase order""".replace("\n", "|").split("|")

WORDS = """the a to of and for in on with your our we you is are this that it be can will order
invoice delivery customer account payment team product service page data report update support
please send check price number item list date time week month review process system change
available include provide receive request contact information before after during about more
shipping returns warehouse pallet quote discount balance statement portal login settings export
import user admin release version feature install configure document policy terms agreement""".split()

def filler(k):
    letters = "bcdfghjklmnpqrstvwxz"
    vowels = "aeiou"
    w = "".join(rng.choice(letters) + rng.choice(vowels) for _ in range(3 + k % 3))
    return w + "ite"

terms = list(dict.fromkeys(JARGON))
seen = set(terms)
while len(terms) < n_terms:
    if rng.random() < 0.1:
        term = filler(len(terms)) + " " + filler(len(terms) + 1)
    else:
        term = filler(len(terms))
    # Large lists draw some filler twice; a phrasebook lists a term once.
    if term not in seen:
        seen.add(term)
        terms.append(term)
# Terms that occur in the text: all jargon and a few fillers.
used = terms[: len(JARGON)] + rng.sample(terms[len(JARGON):], 40)

# Edited documentation is not pure ASCII: about one sentence in five has a
# quoted UI label, an em dash or a name with an accent.
LABELS = ["Export", "Save", "Invoices", "Send reminder", "Settings"]
NAMES = ["Göteborg", "Zürich", "São Paulo", "Müller GmbH", "Café Noir", "Malmö", "Łódź"]

def typography(ws):
    pick = rng.random()
    at = rng.randrange(len(ws))
    if pick < 0.08:
        ws.insert(at, "“" + rng.choice(LABELS) + "”")
    elif pick < 0.14:
        ws.insert(at, "—")
    elif pick < 0.2:
        ws.insert(at, rng.choice(NAMES))

def sentence():
    n = rng.randint(6, 18)
    ws = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.35:
        ws.insert(rng.randrange(len(ws)), rng.choice(used))
    typography(ws)
    s = " ".join(ws)
    return s[0].upper() + s[1:] + rng.choice([".", ".", ".", "?", "!"])

def paragraph():
    return " ".join(sentence() for _ in range(rng.randint(2, 6)))

def document():
    parts = ["---", "title: " + sentence(), "---", "", "# " + sentence()[:-1], ""]
    for _ in range(rng.randint(4, 14)):
        kind = rng.random()
        if kind < 0.45:
            parts += [paragraph(), ""]
        elif kind < 0.6:
            parts += ["## " + sentence()[:-1], ""]
        elif kind < 0.72:
            parts += ["- " + sentence() for _ in range(rng.randint(2, 6))] + [""]
        elif kind < 0.8:
            parts += ["| Item | Terms | Note |", "|---|---|---|"]
            parts += [f"| {rng.choice(WORDS)} | {rng.choice(used)} | {sentence()} |" for _ in range(rng.randint(2, 5))]
            parts += [""]
        elif kind < 0.88:
            parts += ["```yaml", f"terms: {rng.choice(used)}", f"net: {rng.randint(1, 90)}", "```", ""]
        elif kind < 0.95:
            parts += [f"See [{sentence()[:-1]}](https://example.com/{rng.choice(WORDS)}) and `{rng.choice(used)}`.", ""]
        else:
            parts += ["> " + paragraph(), ""]
    return "\n".join(parts) + "\n"

os.makedirs(out, exist_ok=True)
docs = os.path.join(out, "docs")
target = int(size_mb * 1_000_000)
written = 0
i = 0
while written < target:
    folder = os.path.join(docs, f"section-{i // 200:03d}")
    os.makedirs(folder, exist_ok=True)
    text = document()
    with open(os.path.join(folder, f"page-{i:05d}.md"), "w") as f:
        f.write(text)
    written += len(text.encode())
    i += 1

with open(os.path.join(out, "terms.txt"), "w") as f:
    f.write("\n".join(terms) + "\n")
with open(os.path.join(out, "phrasebook.yaml"), "w") as f:
    f.write("role: bench\nlanguage: en\nterms:\n")
    for t in terms:
        f.write(f"  - term: {t!r}\n    replacement: plain words\n".replace("'", '"'))
print(f"{i} files, {written / 1e6:.1f} MB, {len(terms)} terms in {out}")
