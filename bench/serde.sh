#!/usr/bin/env bash
# Run-time speed of the generated models: deserializes and serializes the same payloads (a
# page of 1,000 users, a mixed page of 1,000 directory objects read through
# `AnyDirectoryObject`, a page of 500 messages with HTML bodies) with the SDK generated from
# the corpus (doc2rs) and with the naive serde-derive crate of the same IR (`doc2rs
# baseline`), in one run, with `IgnoredAny` and `serde_json::Value` as floors. Prints MB/s,
# the ratio doc2rs/derive and allocations per operation. The bench crate is
# bench/serde-speed (its Cargo.toml.in gets the two crates' paths), built with --release.
# Usage: bench/serde.sh; SAMPLES=N sets the samples per figure (best of N, default 15).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CORPUS="${CORPUS:-../shared/corpus/graph-docs-beta-2021-07}"
OUT="${TMPDIR:-/tmp}/doc2rs-corpus-sdk"
NAIVE="${TMPDIR:-/tmp}/doc2rs-naive-sdk"
BENCH="${TMPDIR:-/tmp}/doc2rs-serde-speed"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cargo build -q --release -p doc2rs --target-dir "$TARGET"
"$TARGET"/release/doc2rs generate --docs "$CORPUS" --out "$OUT" 2>&1 | tail -n 1
"$TARGET"/release/doc2rs baseline --docs "$CORPUS" --out "$NAIVE" 2>&1 | tail -n 1
mkdir -p "$BENCH/src"
sed -e "s|@SDK@|$OUT|" -e "s|@NAIVE@|$NAIVE|" bench/serde-speed/Cargo.toml.in > "$BENCH/Cargo.toml"
cp bench/serde-speed/src/main.rs "$BENCH/src/main.rs"
# The workspace's lock file pins the shared dependencies to the versions tested here.
[ -f "$BENCH/Cargo.lock" ] || cp Cargo.lock "$BENCH/Cargo.lock"
echo "building the bench crate (release; the first build compiles both model crates' serde code)"
CARGO_INCREMENTAL=0 cargo build -q --release --manifest-path "$BENCH/Cargo.toml" --target-dir "$TARGET/serde-speed"
"$TARGET"/serde-speed/release/serde-speed
