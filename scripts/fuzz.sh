#!/usr/bin/env bash
# Fuzz with libFuzzer for SECONDS per target (default 60): the request path (fuzz_request: whole
# requests through the parser and the routes) and a connection's incremental read (fuzz_connection:
# byte streams cut at arbitrary points, the bytes a connection holds checked against its bound).
# Builds the fuzz preset (clang, ASan; clang 14 cannot compile these coroutines with UBSan) in
# build/fuzz, grows build/fuzz/corpus-TARGET from tests/fuzz/corpus, fails on a crash (the
# reproducer is left in build/fuzz/crash-*).
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
seconds=${1:-60}
cd "$(dirname "$0")/.."
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
cd build/fuzz
for target in fuzz_request fuzz_connection; do
  mkdir -p "corpus-$target"
  cp -n ../../tests/fuzz/corpus/* "corpus-$target/"
  status=0
  "./tests/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 "corpus-$target" >"$target.log" 2>&1 || status=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)' "$target.log" || true
  [ "$status" -eq 0 ] || { echo "fuzz: $target: libFuzzer exited $status; see build/fuzz/$target.log" >&2; exit 1; }
  echo "fuzz: $target: ${seconds} s, corpus $(ls "corpus-$target" | wc -l) inputs, no crash"
done
