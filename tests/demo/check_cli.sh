#!/usr/bin/env bash
# The synack CLI's help, listing and usage errors.
#
#   check_cli.sh SYNACK CASE EXPECT_DIR
#
# CASE: help | usage_errors | bad_option | bad_scenario | list | default. EXPECT_DIR holds one
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
        abort time-wait; do
        grep -qw -- "$sc" <<<"$listed" || fail "--list does not name $sc"
    done
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
