#!/usr/bin/env bash
# Fuzz the request path with libFuzzer for SECONDS (default 60): builds the fuzz preset (clang,
# ASan; clang 14 cannot compile these coroutines with UBSan) in build/fuzz, grows build/fuzz/corpus from tests/fuzz/corpus, fails on a crash
# (the reproducer is left in build/fuzz/crash-*).
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
seconds=${1:-60}
cd "$(dirname "$0")/.."
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
mkdir -p build/fuzz/corpus
cp -n tests/fuzz/corpus/* build/fuzz/corpus/
cd build/fuzz
status=0
./tests/fuzz_request -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 corpus >fuzz.log 2>&1 || status=$?
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)' fuzz.log || true
[ "$status" -eq 0 ] || { echo "fuzz: libFuzzer exited $status; see build/fuzz/fuzz.log" >&2; exit 1; }
echo "fuzz: ${seconds} s, corpus $(ls corpus | wc -l) inputs, no crash"
