#!/usr/bin/env bash
# Fuzz smoke run: builds every cargo-fuzz target and runs each for
# ${FUZZ_SECONDS:-60} seconds, seeded from fixtures/ and ../shared/corpus/.
# Fails if any target crashes (a panic, a violated invariant, a hang, or
# running out of memory); the input that did it is kept under
# fuzz/artifacts/<target>/ and printed.
#
# Works with the stable toolchain: cargo-fuzz passes nightly-only `-Z`
# flags to rustc, which stable accepts when RUSTC_BOOTSTRAP=1 is set.
# Seeds are copied into a temporary corpus, never into the repository.
#
# Environment:
#   FUZZ_SECONDS    seconds per target (default 60)
#   FUZZ_TARGETS    space-separated targets to run (default: all)
#   FUZZ_SANITIZER  address (default), leak, memory, thread or none
set -euo pipefail
cd "$(dirname "$0")"
fuzz_dir=$(pwd)
repo=$(cd .. && pwd)
seconds=${FUZZ_SECONDS:-60}
sanitizer=${FUZZ_SANITIZER:-address}
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

command -v cargo >/dev/null || { echo "fuzz: cargo is required" >&2; exit 1; }
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

targets=${FUZZ_TARGETS:-$(cargo fuzz list)}
work=$(mktemp -d "${TMPDIR:-/tmp}/plainly-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Copies the files under the seed folders whose names end in one of the
# given suffixes into the corpus of target $1.
seed() {
    local target=$1
    shift
    mkdir -p "$work/$target"
    local dir
    for dir in "$repo/fixtures" "$repo/../shared/corpus" "$repo/phrasebooks"; do
        [ -d "$dir" ] || continue
        local suffix
        for suffix in "$@"; do
            find "$dir" -type f -name "*.$suffix" -size -256k -print0 |
                while IFS= read -r -d '' f; do
                    # Flatten the path into a unique name.
                    cp "$f" "$work/$target/$(printf '%s' "${f#"$repo"/}" | tr '/.' '__')"
                done
        done
    done
}

seed markdown md txt
seed text txt md eml
seed html html htm md
seed email eml raw
seed invoice_xml xml
seed csv csv txt
seed phrasebook yaml yml
mkdir -p "$work/matcher_fixer"
# matcher_fixer reads terms separated by `|` on the first line, then text.
printf 'net 30|DDP|restocking fee\nTerms: net 30, DDP. A Restocking\nFee applies.\n' \
    >"$work/matcher_fixer/terms"
printf 'ß|İ|σοφος\nSTRASSE İstanbul ΣΟΦΟΣ σοφος ß\n' >"$work/matcher_fixer/unicode"

echo "fuzz: building the targets (sanitizer: $sanitizer)"
cargo fuzz build --sanitizer "$sanitizer"
# Run the built binaries directly: `cargo fuzz run` would rebuild whenever
# the sources changed, which in a shared working tree is every time.
host=$(rustc -vV | sed -n 's/^host: //p')
bin_dir="$fuzz_dir/target/$host/release"

failed=()
for t in $targets; do
    mkdir -p "$work/$t" "$fuzz_dir/artifacts/$t"
    echo "fuzz: $t for ${seconds}s ($(find "$work/$t" -type f | wc -l) seeds)"
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: memory
    # must stay bounded.
    if ! "$bin_dir/$t" "$work/$t" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$fuzz_dir/artifacts/$t/" >"$work/$t.log" 2>&1; then
        failed+=("$t")
        echo "fuzz: $t FAILED; the end of its log:"
        tail -n 60 "$work/$t.log"
    else
        grep -E '^Done ' "$work/$t.log" | sed "s/^/fuzz: $t: /" || true
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in: ${failed[*]}; inputs are under $fuzz_dir/artifacts/" >&2
    echo "fuzz: reproduce with: RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <artifact>" >&2
    exit 1
fi
echo "fuzz: no crashes in $(echo "$targets" | wc -w) targets"
