#!/usr/bin/env bash
# Paired comparison of two plainly builds on the bench tree: alternating
# runs (the order flipped each round, so that neither build always runs
# first), then the median ratio B/A of wall and CPU time. Drift on a shared
# machine moves both runs of a pair alike; a ratio of medians over separate
# runs does not resolve a few percent.
#
#   bash bench/ab.sh PLAINLY_A PLAINLY_B [ROUNDS] [SIZE_MB]   (21 rounds, 100 MB)
#
# Run bench/compare.sh once first: it makes the tree and its phrasebook.
set -euo pipefail
a=$(realpath "$1")
b=$(realpath "$2")
rounds=${3:-21}
size=${4:-100}
work=${BENCH_DIR:-${TMPDIR:-/tmp}/plainly-bench-v2-$size}
[ -f "$work/phrasebook.yaml" ] || { echo "no bench tree in $work: run bash bench/compare.sh $size first" >&2; exit 2; }
cd "$work"
run() {
  # plainly exits 1 when it finds something, as here; anything else (a
  # crash, a bad argument) would make a build look fast, so it stops the run.
  local status=0
  /usr/bin/time -f "%e %U %S" -o ab.one "$1" check --no-config --no-default-phrasebooks \
    --phrasebook phrasebook.yaml --format json docs >/dev/null 2>ab.err || status=$?
  if [ "$status" != 1 ]; then
    echo "$1 exited with $status, not 1 (findings):" >&2
    cat ab.err >&2
    exit 2
  fi
  tail -n 1 ab.one
}
: >ab.a
: >ab.b
for i in $(seq "$rounds"); do
  if [ $((i % 2)) = 0 ]; then run "$a" >>ab.a; run "$b" >>ab.b; else run "$b" >>ab.b; run "$a" >>ab.a; fi
done
paste ab.a ab.b | awk '{ wa += $1; wb += $4; ca += $2 + $3; cb += $5 + $6;
  if ($5 + $6 < $2 + $3) cpu++; if ($4 < $1) wall++ }
  END { printf "A: %.3f s wall, %.3f s CPU | B: %.3f s wall, %.3f s CPU (means); B less CPU in %d/%d, less wall in %d/%d\n",
    wa / NR, ca / NR, wb / NR, cb / NR, cpu, NR, wall, NR }'
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf 'median ratio B/A: wall %s, CPU %s\n' \
  "$(paste ab.a ab.b | awk '{ printf "%.3f\n", $4 / $1 }' | median)" \
  "$(paste ab.a ab.b | awk '{ printf "%.3f\n", ($5 + $6) / ($2 + $3) }' | median)"
