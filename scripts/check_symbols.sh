#!/usr/bin/env bash
# The library exports only synack_* (public API) and sy_* (internal modules): DESIGN rule 9.
set -euo pipefail
lib="$1"
bad=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | grep -Ev '^(synack_|sy_)' || true)
if [ -n "$bad" ]; then
  echo "symbols outside synack_/sy_ exported by $lib:"
  echo "$bad"
  exit 1
fi
count=$(nm -g --defined-only "$lib" | awk 'NF == 3' | wc -l)
echo "ok: $count exported symbols, all synack_* or sy_*"
