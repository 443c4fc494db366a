#!/usr/bin/env bash
# Run synack-bench-bulk and lwip-bench-bulk side by side and print the medians and their ratio.
#
#   bash bench/run.sh [--build DIR] [--bytes N] [--runs R] [other options, passed to both]
#
# The runs alternate (synack, lwIP, synack, lwIP, ...), one transfer per process, so that the
# drift of a shared machine touches both stacks alike. Defaults: build/, 4G, 5 runs.
set -euo pipefail

build=build
bytes=4G
runs=5
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
  --build) build=$2; shift 2 ;;
  --bytes) bytes=$2; shift 2 ;;
  --runs) runs=$2; shift 2 ;;
  *) pass+=("$1"); shift ;;
  esac
done

syn=$build/bench/synack-bench-bulk
lw=$build/bench/lwip-bench-bulk
[ -x "$syn" ] || { echo "bench: $syn is missing (make build)" >&2; exit 1; }
stacks=(synack)
if [ -x "$lw" ]; then
  stacks+=(lwip)
else
  echo "bench: $lw is missing (bash scripts/deps.sh bench, then make bench): synack alone"
fi

out=$(mktemp)
trap 'rm -f "$out" "$out.all"' EXIT
echo "bench: $bytes per run, $runs runs each, alternating; options: ${pass[*]:-(none)}"
for ((i = 1; i <= runs; i++)); do
  for s in "${stacks[@]}"; do
    prog=$syn
    [ "$s" = lwip ] && prog=$lw
    # The header, verification cost and connection lines once; then one line per run.
    "$prog" --bytes "$bytes" --runs 1 ${pass[@]+"${pass[@]}"} >"$out"
    if [ "$i" = 1 ]; then grep -v -e '^run ' -e '^median ' "$out"; fi
    line=$(grep '^run 1:' "$out")
    echo "$s ${line/run 1:/run $i:}"
  done
done | tee "$out.all"

# Medians of each stack's runs, then the ratios: of the medians, and the median of the ratios of
# the runs made one after the other.
awk -v nstacks="${#stacks[@]}" '
  function median(a, n,    i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  $2 == "run" {
    s = $1; n[s]++; g[s, n[s]] = $4; c[s, n[s]] = $6
  }
  END {
    split("synack lwip", order, " ")
    for (o = 1; o <= 2; o++) {
      s = order[o]
      if (!(s in n)) continue
      for (i = 1; i <= n[s]; i++) { tg[i] = g[s, i]; tc[i] = c[s, i] }
      mg[s] = median(tg, n[s]); mc[s] = median(tc, n[s])
      printf "median %-6s %8.3f Gbit/s  %6.3f cpu-ns/byte  (%d runs)\n", s, mg[s], mc[s], n[s]
    }
    if (nstacks < 2) exit
    k = n["synack"] < n["lwip"] ? n["synack"] : n["lwip"]
    for (i = 1; i <= k; i++) { rg[i] = g["synack", i] / g["lwip", i]; rc[i] = c["synack", i] / c["lwip", i] }
    printf "ratio synack/lwip: Gbit/s %.3f (median of pairs %.3f), cpu-ns/byte %.3f (median of pairs %.3f)\n",
      mg["synack"] / mg["lwip"], median(rg, k), mc["synack"] / mc["lwip"], median(rc, k)
  }' "$out.all"
