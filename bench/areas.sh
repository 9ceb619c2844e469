#!/usr/bin/env bash
# Check that every product area of the corpus SDK compiles alone:
# `cargo check --no-default-features --features AREA` for each area. Prints one line per
# area and a final count. Takes a while (about half a minute per area on 2 cores).
set -uo pipefail
cd "$(dirname "$0")/.."
CORPUS="${CORPUS:-../shared/corpus/graph-docs-beta-2021-07}"
OUT="${TMPDIR:-/tmp}/doc2rs-corpus-sdk"
cargo build -q --release -p doc2rs
./target/release/doc2rs generate --docs "$CORPUS" --out "$OUT" 2>&1 | tail -n 1
areas=$(sed -n 's/^full = \[\(.*\)\]$/\1/p' "$OUT/Cargo.toml" | tr -d '",')
ok=0; failed=0
for area in $areas; do
  start=$(date +%s)
  if (cd "$OUT" && cargo check -q --target-dir target-areas --no-default-features --features "$area" >/dev/null 2>"target-areas-$area.log"); then
    ok=$((ok + 1)); echo "ok     $area ($(( $(date +%s) - start ))s)"
  else
    failed=$((failed + 1)); echo "FAILED $area (see $OUT/target-areas-$area.log)"
  fi
done
echo "areas compiling alone: $ok passed, $failed failed"
[ "$failed" -eq 0 ]
