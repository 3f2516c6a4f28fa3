#!/usr/bin/env bash
# Every binary answers --version with "NAME VERSION" (the CMake project version) and exit 0.
# Usage: version.sh VERSION BINARY...
set -euo pipefail
want=$1
shift
status=0
for bin in "$@"; do
  name=$(basename "$bin")
  if ! out=$("$bin" --version 2>&1); then
    echo "FAIL: $name --version exited non-zero: $out" >&2
    status=1
    continue
  fi
  if [ "$out" != "$name $want" ]; then
    echo "FAIL: $name --version printed '$out', expected '$name $want'" >&2
    status=1
    continue
  fi
  echo "ok: $out"
done
exit $status
