#!/usr/bin/env bash
# ctest runs each doctest case by name, and CMake splits a name at ';': a case whose name holds
# one becomes two ctest tests that each match no case, run nothing, and pass. Fails on any.
# Usage: check_test_names.sh TESTS_DIR
set -euo pipefail
found=$(find "$1" -name '*.cpp' -print0 |
  xargs -0 perl -0777 -ne 'while (/TEST_CASE\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)/g) {
      my $name = $1; print "$ARGV: $name\n" if $name =~ /;/ }')
if [ -n "$found" ]; then
  echo "test names with ';' (ctest would run none of them; write ',' instead):" >&2
  echo "$found" >&2
  exit 1
fi
echo "no test name holds a ';'"
