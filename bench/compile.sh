#!/usr/bin/env bash
# Compile-cost figures for the SDK generated from the full corpus, against a naive baseline
# generated from the same IR in the same run (`doc2rs baseline`: one derived serde struct per
# type, every field an Option, inherited fields copied, a flattened map, derived enums, no
# requests). Prints `cargo check` and `cargo build` wall time and peak memory of both and
# their ratios, one typical area's `cargo check`, and lines of generated code. Dependencies
# are built first for each, so the figures are the generated crate's own cost.
# Usage: bench/compile.sh [AREA] (default: microsoft-teams); SKIP_BUILD=1 skips `cargo build`;
# COMPARE=DIR also checks another generated SDK (e.g. one written by an older doc2rs).
# Needs GNU time (/usr/bin/time). Takes a quarter of an hour or more on 2 cores.
# Incremental compilation is off (CARGO_INCREMENTAL=0): with it on, the dependency pass below
# would leave the naive crate (which has no features to turn off) in the incremental cache and
# its measured check would be a warm rerun, while ours was cold.
set -euo pipefail
export CARGO_INCREMENTAL=0
cd "$(dirname "$0")/.."
AREA="${1:-microsoft-teams}"
CORPUS="${CORPUS:-../shared/corpus/graph-docs-beta-2021-07}"
OUT="${TMPDIR:-/tmp}/doc2rs-corpus-sdk"
NAIVE="${TMPDIR:-/tmp}/doc2rs-naive-sdk"
cargo build -q --release -p doc2rs
./target/release/doc2rs generate --docs "$CORPUS" --out "$OUT" 2>&1 | tail -n 1
./target/release/doc2rs baseline --docs "$CORPUS" --out "$NAIVE" 2>&1 | tail -n 1
echo "lines of generated code (src/): doc2rs $(cat "$OUT"/src/*.rs | wc -l), naive $(cat "$NAIVE"/src/*.rs | wc -l)"

declare -A SECS CPU MIB
measure() { # label, crate dir, cargo args...
  local label="$1" dir="$2"; shift 2
  rm -rf "$dir/target-$label"
  # Dependencies first (with no area enabled where the crate has areas).
  (cd "$dir" && cargo "$1" --target-dir "target-$label" -q --no-default-features >/dev/null 2>&1 || true)
  # Touch the crate so only it is rebuilt.
  touch "$dir"/src/lib.rs
  local log; log=$(mktemp)
  (cd "$dir" && /usr/bin/time -v cargo "$@" --target-dir "target-$label" -q) 2> "$log" || { tail -n 20 "$log"; return 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')
  rss=$(( $(grep 'Maximum resident set size' "$log" | awk '{print $NF}') / 1024 ))
  SECS[$label]=$(echo "$wall" | awk -F: '{s=0; for(i=1;i<=NF;i++) s=s*60+$i; print s}')
  # CPU time (user + system) is the steadier figure on a loaded machine
  CPU[$label]=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$log")
  MIB[$label]=$rss
  printf '%-28s wall %8.1f s  cpu %8.1f s  peak RSS %6d MiB\n' "$label" "${SECS[$label]}" "${CPU[$label]}" "$rss"
  rm -rf "$dir/target-$label" "$log"
}
ratio() { # label, ours, naive
  awk -v l="$1" -v a="${SECS[$2]}" -v b="${SECS[$3]}" -v c="${MIB[$2]}" -v d="${MIB[$3]}" \
    -v e="${CPU[$2]}" -v f="${CPU[$3]}" \
    'BEGIN { printf "%-28s wall %.2f  cpu %.2f  memory %.2f  (doc2rs / naive)\n", l, a / b, e / f, c / d }'
}
measure check-naive "$NAIVE" check
measure check-full "$OUT" check
if [ -n "${COMPARE:-}" ]; then
  measure check-compare "$COMPARE" check
fi
measure check-"$AREA" "$OUT" check --no-default-features --features "$AREA"
if [ -z "${SKIP_BUILD:-}" ]; then
  measure build-naive "$NAIVE" build
  measure build-full "$OUT" build
fi
echo
ratio "cargo check, full SDK" check-full check-naive
if [ -n "${COMPARE:-}" ]; then
  ratio "cargo check, COMPARE SDK" check-compare check-naive
fi
if [ -z "${SKIP_BUILD:-}" ]; then
  ratio "cargo build, full SDK" build-full build-naive
fi
