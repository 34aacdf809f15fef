#!/usr/bin/env bash
# Checks the shared library's ABI against the committed baseline tests/abi/libmonoquant.abi: no
# exported function may disappear or change its signature, and no public struct or enum may change its
# layout. New functions are allowed (--no-added-syms). The library must carry debug information (the
# asan preset builds RelWithDebInfo).
#   tests/abi/check-abi.sh build/asan/libmonoquant.so            check
#   tests/abi/check-abi.sh build/asan/libmonoquant.so --update   rewrite the baseline (an intended,
#                                                                reviewed addition to the ABI)
set -euo pipefail
cd "$(dirname "$0")/../.."
lib=$1
baseline=tests/abi/libmonoquant.abi
if [ "${2:-}" = --update ]; then
  abidw --headers-dir include/monoquant --drop-private-types --no-corpus-path "$lib" > "$baseline"
  echo "abi: baseline rewritten from $lib"
  exit 0
fi
report=$(mktemp)
trap 'rm -f "$report"' EXIT
if abidiff --no-added-syms --headers-dir2 include/monoquant "$baseline" "$lib" > "$report"; then
  echo "abi: no change against the baseline (additions allowed)"
else
  rc=$?
  cat "$report"
  # abidiff's exit code is a bit field: 4 = a change, 8 = an incompatible change.
  echo "abi: the library's ABI differs from tests/abi/libmonoquant.abi (abidiff exit $rc)" >&2
  exit 1
fi
