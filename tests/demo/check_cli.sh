#!/usr/bin/env bash
# The synack CLI's help, listing and usage errors.
#
#   check_cli.sh SYNACK CASE EXPECT_DIR
#
# CASE: help | usage_errors | bad_option | bad_scenario | list | default | transfer |
# transfer_errors. EXPECT_DIR holds one
# expectation file per scenario (NAME.txt): --list must name exactly those.
set -u
synack=$1 case=$2 expect_dir=$3
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
out=/tmp/synack-cli-$$.out err=/tmp/synack-cli-$$.err
trap 'rm -f "$out" "$err"' EXIT

# run STATUS ARGS...: the command exits with STATUS; its stdout and stderr are kept.
run() {
    local want=$1 rc
    shift
    "$synack" "$@" >"$out" 2>"$err"
    rc=$?
    [[ $rc == "$want" ]] || fail "synack $* exited $rc, expected $want (stderr: $(head -c 300 "$err"))"
}

# usage_error ARGS...: exit 2, nothing on stdout, a message on stderr that names the culprit.
usage_error() {
    local culprit=$1
    shift
    run 2 "$@"
    [[ -s $out ]] && fail "synack $* wrote to stdout"
    grep -qF -- "$culprit" "$err" || fail "synack $*: stderr does not name '$culprit': $(cat "$err")"
}

scenarios() {
    local f
    for f in "$expect_dir"/*.txt; do basename "$f" .txt; done | sort
}

case $case in
help)
    run 0 --help
    grep -q 'synack demo' "$out" || fail "synack --help does not mention the demo"
    run 0 help
    run 0 demo --help
    for word in --scenario --list --format json text ladder 'exit status'; do
        grep -qF -- "$word" "$out" || fail "synack demo --help does not mention '$word'"
    done
    for sc in $(scenarios); do
        grep -qw -- "$sc" "$out" || fail "synack demo --help does not name scenario $sc"
    done
    run 0 demo -h
    run 0 help demo
    ;;
usage_errors)
    run 2
    [[ -s $err ]] || fail "synack with no command says nothing on stderr"
    usage_error frobnicate frobnicate
    usage_error --frobnicate --frobnicate
    usage_error xml demo --format xml
    usage_error --scenario demo --scenario
    usage_error --format demo --format
    usage_error extra demo --list extra
    ;;
bad_option)
    usage_error --frobnicate demo --frobnicate
    usage_error -x demo -x
    usage_error --frobnicate demo --scenario handshake --frobnicate
    ;;
bad_scenario)
    usage_error no-such-scenario demo --scenario no-such-scenario
    usage_error nope demo --scenario=nope --format json
    grep -qw handshake "$err" || fail "the error for an unknown scenario does not list the scenarios"
    ;;
list)
    run 0 demo --list
    listed=$(awk '{print $1}' "$out" | sort)
    [[ $listed == "$(scenarios)" ]] ||
        fail "--list names: $(echo $listed); scenarios with checks: $(echo $(scenarios))"
    for sc in handshake simultaneous-open simultaneous-close half-close refused syn-lost fin-lost \
        abort time-wait transfer; do
        grep -qw -- "$sc" <<<"$listed" || fail "--list does not name $sc"
    done
    ;;
transfer)
    # A lossy transfer: complete, checked, reproducible from its seed, and the losses show.
    args=(demo --scenario transfer --bytes 256K --loss 5 --reorder 2 --seed 7)
    run 0 "${args[@]}"
    cp "$out" "$out.first"
    run 0 "${args[@]}"
    cmp -s "$out" "$out.first" || fail "the transfer is not reproducible from its seed"
    grep -q 'data check: *262144 of 262144 bytes read by the server, each equal' "$out" ||
        fail "no data check line: $(grep 'data check' "$out")"
    again=$(sed -n 's/^loss recovery: *\([0-9]*\) segments sent again.*/\1/p' "$out")
    [[ -n $again && $again -gt 0 ]] || fail "5% loss but no segment sent again ($again)"
    grep -q 'lost [1-9][0-9]* client->server' "$out" || fail "the link lost nothing at 5%"
    grep -Eq '^  [0-9.]+ ms +client sends seq [0-9]+ len [0-9]+ again' "$out" ||
        fail "no retransmission listed"
    awk 'length > 100 { exit 1 }' "$out" || fail "a line is over 100 columns"
    run 0 demo --scenario transfer --bytes 256K --loss 5 --reorder 2 --seed 8
    cmp -s "$out" "$out.first" && fail "another seed gave the same run"
    run 0 demo --scenario transfer --bytes 64K --loss 3 --format json
    grep -q '"type":"transfer","bytes":65536,"received":65536,"data_ok":true' "$out" ||
        fail "json: no transfer line with data_ok"
    rm -f "$out.first"
    ;;
transfer_errors)
    usage_error --loss demo --scenario transfer --loss 60
    usage_error --loss demo --scenario transfer --loss abc
    usage_error --reorder demo --scenario transfer --reorder -1
    usage_error --bytes demo --scenario transfer --bytes 0
    usage_error --bytes demo --scenario transfer --bytes 2G
    usage_error --bytes demo --scenario transfer --bytes 12Q
    usage_error --seed demo --scenario transfer --seed -3
    usage_error --bytes demo --scenario transfer --bytes
    usage_error handshake demo --scenario handshake --loss 5
    usage_error handshake demo --bytes 1K
    ;;
default)
    run 0 demo
    cp "$out" "$out.default"
    run 0 demo --scenario handshake --format text
    cmp -s "$out" "$out.default" || fail "synack demo is not synack demo --scenario handshake"
    rm -f "$out.default"
    grep -q 'SYN,ACK' "$out" || fail "the default demo shows no SYN,ACK"
    ;;
*)
    fail "unknown case $case"
    ;;
esac
((failures)) && exit 1
echo "ok: $case"
