#!/usr/bin/env bash
# Fuzz every target for SECONDS each (default 10) and print executions and findings per
# target and in total; exit 1 on any finding (each is saved under fuzz/findings/ and
# printed). Usage: bench/fuzz.sh [SECONDS] [SEED]. The seed defaults to today's date, so a
# day's runs repeat and another day explores other inputs; any finding replays with
# `target/release/doc2rs-fuzz TARGET --seconds N --seed SEED`.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
SEED="${2:-$(date -u +%Y%m%d)}"
cargo build -q --release -p doc2rs-fuzz
exec ./target/release/doc2rs-fuzz all --seconds "$SECS" --seed "$SEED"
