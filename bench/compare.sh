#!/usr/bin/env bash
# Whole-process comparison of plainly with ripgrep's plain multi-literal
# search on the same deterministic Markdown tree and 2,000 terms.
#
#   bash bench/compare.sh [SIZE_MB] [RUNS]     (defaults: 100 MB, 3 runs)
#
# Not part of the test suite. Needs python3; installs ripgrep and GNU time
# (Debian packages) if missing. Prints median wall time, the ratio, MB/s and
# peak RSS for each, plus plainly's start-up time on a one-line file.
#
#   PLAINLY_BIN=path/to/plainly bash bench/compare.sh ...   (another build;
#   a path, not a command name)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-100}
runs=${2:-3}
# The folder name carries the generator's version, so that a tree made by an
# older generator is not reused.
work=${BENCH_DIR:-${TMPDIR:-/tmp}/plainly-bench-v2-$size}

need() { command -v "$1" >/dev/null 2>&1; }
if ! [ -x /usr/bin/time ] && need apt-get; then
  apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi
# The reference is a current ripgrep (14+; Debian's 13 is much slower with
# -w over many literals): RG=/path/to/rg, else one on PATH if new enough,
# else `cargo install ripgrep` into target/bench-tools.
rg=${RG:-}
if [ -z "$rg" ]; then
  if need rg && [ "$(rg --version | head -1 | awk '{split($2, v, "."); print v[1]}')" -ge 14 ]; then
    rg=$(command -v rg)
  else
    [ -x target/bench-tools/bin/rg ] || cargo install ripgrep --locked --quiet --root target/bench-tools
    rg=$PWD/target/bench-tools/bin/rg
  fi
fi

# PLAINLY_BIN runs another build of plainly (an older commit's, to compare)
# instead of building this one.
if [ -n "${PLAINLY_BIN:-}" ]; then
  bin=$(realpath "$PLAINLY_BIN")
else
  cargo build --release --quiet
  bin=$PWD/target/release/plainly
fi
[ -f "$work/terms.txt" ] || python3 bench/gen_corpus.py "$work" "$size" 2000 >&2
# The same terms with every policy `allow`: the same reading, folding and
# scan, with no finding to make. Shows what the findings cost.
awk '{print} /^    replacement:/ {print "    policy: allow"}' "$work/phrasebook.yaml" >"$work/allow.yaml"
bytes=$(find "$work/docs" -type f -name '*.md' -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$work/docs" -type f -name '*.md' | wc -l)

# measure NAME CMD...: appends "wall_seconds peak_kb" per run to $work/NAME.times
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.one" "$@" >/dev/null 2>"$work/$name.err" || true
  # GNU time puts "Command exited with non-zero status 1" (plainly's exit
  # code when it finds something) before the figures: keep the last line.
  tail -n 1 "$work/$name.one" >>"$work/$name.times"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

rm -f "$work"/*.times "$work"/*.one
cd "$work"
for _ in $(seq "$runs"); do
  measure plainly "$bin" check --no-config --no-default-phrasebooks --phrasebook phrasebook.yaml --format json docs
  measure rg "$rg" --no-unicode -F -i -w -o --column -j2 -f terms.txt docs
  measure plainly_allow "$bin" check --no-config --no-default-phrasebooks --phrasebook allow.yaml --format json docs
done
cd - >/dev/null

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "ripgrep: $("$rg" --version | head -1)"
echo "corpus: $files Markdown files, $(awk -v b="$bytes" 'BEGIN {printf "%.1f MB", b/1e6}'), 2,000 terms (10% multi-word); medians of $runs runs"
echo
header() {
  printf '| %-52s | %8s | %10s | %9s |\n' tool wall throughput "peak RSS"
  printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" "----------" "------------" "-----------"
}
header
row() {
  local label=$1 name=$2
  local wall rss
  wall=$(awk '{print $1}' "$work/$name.times" | median)
  rss=$(awk '{print $2}' "$work/$name.times" | median)
  printf '| %-52s | %6.2f s | %5.1f MB/s | %6.0f MB |\n' "$label" "$wall" "$(awk -v b="$bytes" -v w="$wall" 'BEGIN {print b/1e6/w}')" "$(awk -v k="$rss" 'BEGIN {print k/1024}')"
}
row "plainly check --format json" plainly
row "rg --no-unicode -F -i -w -o --column -j2 -f" rg
row "plainly, every policy allow (no findings)" plainly_allow

# ripgrep doing what plainly does, Unicode case folding and word boundaries,
# is far slower on text with any non-ASCII letter: once, on the first five
# sections only.
subset=$(cd "$work" && ls -d docs/section-00[0-4])
sub_bytes=$(cd "$work" && find $subset -type f -name '*.md' -printf '%s\n' | awk '{s+=$1} END {print s}')
cd "$work"
measure rg_unicode "$rg" -F -i -w -o --column -j2 -f terms.txt $subset
measure plainly_subset "$bin" check --no-config --no-default-phrasebooks --phrasebook phrasebook.yaml --format json $subset
cd - >/dev/null
echo
echo "first five sections only ($(awk -v b="$sub_bytes" 'BEGIN {printf "%.1f MB", b/1e6}'), one run):"
echo
header
bytes=$sub_bytes row "plainly check --format json" plainly_subset
bytes=$sub_bytes row "rg -F -i -w -o --column -j2 -f (Unicode)" rg_unicode
echo

# Sanity: both really searched (plainly skips code, front matter and URLs).
echo "plainly findings: $(cd "$work" && "$bin" check --no-config --no-default-phrasebooks --phrasebook phrasebook.yaml --format json docs | tail -1 | grep -o '"findings":[0-9]*' | cut -d: -f2)"
echo "rg matches: $(cd "$work" && "$rg" --no-unicode -F -i -w -o --column -j2 -f terms.txt docs | wc -l)"
pw=$(awk '{print $1}' "$work/plainly.times" | median)
rw=$(awk '{print $1}' "$work/rg.times" | median)
echo
aw=$(awk '{print $1}' "$work/plainly_allow.times" | median)
echo "ratio plainly / rg: $(awk -v p="$pw" -v r="$rw" 'BEGIN {printf "%.2f", p/r}')x"
echo "ratio plainly with no findings / rg: $(awk -v p="$aw" -v r="$rw" 'BEGIN {printf "%.2f", p/r}')x"
# The machine's speed drifts from minute to minute; each run of plainly
# and the ripgrep run of the same round (right after it, or for the
# `allow` run right before it) saw about the same machine, so the median
# of those pairs' ratios drifts less than the ratio of medians.
paired() { paste -d' ' "$work/$1.times" "$work/rg.times" | awk '$3 > 0 {print $1 / $3}' | median; }
echo "paired ratio plainly / rg (median of $runs pairs): $(paired plainly | awk '{printf "%.2f", $1}')x"
echo "paired ratio plainly with no findings / rg: $(paired plainly_allow | awk '{printf "%.2f", $1}')x"

# Start-up: a one-line file with the bundled phrasebooks, alternating with
# /bin/true, whose time is what starting any process costs here (3 to 3.5 ms
# on this project's VM in a slow hour): the difference is plainly's own.
echo "Our price is DDP Göteborg." >"$work/one.md"
: >"$work/startup.times"
: >"$work/true.times"
for _ in $(seq 41); do
  s=$(date +%s%N); "$bin" check --no-config --format json "$work/one.md" >/dev/null || true; e=$(date +%s%N)
  echo $(( (e - s) / 1000 )) >>"$work/startup.times"
  s=$(date +%s%N); /bin/true; e=$(date +%s%N)
  echo $(( (e - s) / 1000 )) >>"$work/true.times"
done
st=$(median <"$work/startup.times")
tt=$(median <"$work/true.times")
awk -v s="$st" -v t="$tt" 'BEGIN {printf "start-up (one-line file, bundled phrasebooks, median of 41): %.1f ms; /bin/true: %.1f ms\n", s/1000, t/1000}'
