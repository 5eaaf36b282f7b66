#!/usr/bin/env bash
# Browser tests: the glossary and review pages plainly writes, opened in a
# real headless Chromium (Debian's) through playwright-core.
#
#   bash tests/browser/run.sh                      # as CI runs it
#   bash tests/browser/run.sh --update-screenshot  # also refresh docs/glossary.png
#
# Needs Rust, Node >= 20 and npm; installs Debian's chromium when
# /usr/bin/chromium is missing (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/../.."

update_screenshot=
for arg in "$@"; do
  case "$arg" in
    --update-screenshot) update_screenshot=docs/glossary.png; mkdir -p docs ;;
    *) echo "usage: $0 [--update-screenshot]" >&2; exit 2 ;;
  esac
done

if [ ! -x /usr/bin/chromium ]; then
  echo "browser tests: installing Debian's chromium" >&2
  if [ "$(id -u)" -eq 0 ]; then
    sudo=
  elif command -v sudo >/dev/null; then
    sudo=sudo
  else
    echo "browser tests: /usr/bin/chromium is missing; install Debian's chromium (apt-get install chromium) as root" >&2
    exit 1
  fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium
fi

(cd tests/browser && npm ci --no-audit --no-fund)

# The debug build `cargo test` already made is enough to write the pages
# (and saves CI a second, release build); PLAINLY_PROFILE=release for the other.
profile=${PLAINLY_PROFILE:-debug}
if [ "$profile" = release ]; then cargo build --release; else cargo build; fi
target_dir=$(cargo metadata --format-version 1 --no-deps |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
plainly="$target_dir/$profile/plainly"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$plainly" glossary --no-config --format html -o "$work/glossary.html"
"$plainly" glossary --no-config --format json -o "$work/glossary.json"

# A document that tries to inject markup, next to the invoice fixture.
cat >"$work/hostile-note.txt" <<'EOF'
Note <script>alert(1)</script> and "onmouseover="alert(2) x
<img src=x onerror=alert(3)> The restocking fee is waived; terms are DDP.
EOF
# review exits 1 when it finds something, which is the point here.
status=0
"$plainly" review --no-config --html -o "$work/review.html" \
  fixtures/invoices/INV-2026-0417.txt "$work/hostile-note.txt" || status=$?
if [ "$status" -gt 1 ]; then
  echo "browser tests: plainly review failed (exit $status)" >&2
  exit 1
fi

node tests/browser/test.mjs "$work" ${update_screenshot:+"$update_screenshot"}
