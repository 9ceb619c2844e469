#!/usr/bin/env bash
# Compile-cost figures for the SDK generated from the full corpus: `cargo check` and
# `cargo build` time and peak memory, for the whole crate and for one typical area, and
# lines of generated code. Usage: bench/compile.sh [AREA] (default: microsoft-teams).
# Needs GNU time (/usr/bin/time). Takes several minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
AREA="${1:-microsoft-teams}"
CORPUS="${CORPUS:-../shared/corpus/graph-docs-beta-2021-07}"
OUT="${TMPDIR:-/tmp}/doc2rs-corpus-sdk"
cargo build -q --release -p doc2rs
./target/release/doc2rs generate --docs "$CORPUS" --out "$OUT" 2>&1 | tail -n 1
echo "lines of generated code:"
wc -l "$OUT"/src/*.rs | tail -n 1
measure() { # label, cargo args...
  local label="$1"; shift
  rm -rf "$OUT/target-$label"
  # Dependencies first (with no area enabled), so the figure is the generated crate's own cost.
  (cd "$OUT" && cargo "$1" --target-dir "target-$label" -q --no-default-features >/dev/null 2>&1 || true)
  local log; log=$(mktemp)
  (cd "$OUT" && /usr/bin/time -v cargo "$@" --target-dir "target-$label" -q) 2> "$log" || { tail -n 20 "$log"; return 1; }
  printf '%-28s wall %s  peak RSS %s MiB\n' "$label" \
    "$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')" \
    "$(( $(grep 'Maximum resident set size' "$log" | awk '{print $NF}') / 1024 ))"
}
measure check-full check
measure check-"$AREA" check --no-default-features --features "$AREA"
measure build-full build
measure build-"$AREA" build --no-default-features --features "$AREA"
