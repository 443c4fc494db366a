#!/usr/bin/env bash
# The synack CLI's help, listing and usage errors.
#
#   check_cli.sh SYNACK CASE EXPECT_DIR
#
# CASE: help | usage_errors | bad_option | bad_scenario | list | default | transfer |
# transfer_errors | nc_help | nc_usage_errors | nc_device_errors. EXPECT_DIR holds one
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
nc_help)
    run 0 --help
    for word in 'listen PORT' 'connect HOST PORT'; do
        grep -qF -- "$word" "$out" || fail "synack --help does not mention '$word'"
    done
    for cmd in "listen --help" "connect --help" "listen -h" "help listen" "help connect" \
        "listen 5000 --help" "connect 10.7.0.1 80 --help"; do
        run 0 $cmd
        for word in --keep-open --echo --tun synack0 --addr 10.7.0.2 --host-addr 10.7.0.1/24 \
            --no-config --pcap --trace --mss --msl --sndbuf --rcvbuf --cc --nodelay --syn-retries \
            --seed --urgent CAP_NET_ADMIN /dev/net/tun half-close 'exit status' SIGINT SIGTERM; do
            grep -qF -- "$word" "$out" || fail "synack $cmd does not mention '$word'"
        done
    done
    awk 'length > 100 { exit 1 }' "$out" || fail "a help line is over 100 columns"
    ;;
nc_usage_errors)
    # Each wrong use exits 2 before any device is touched, naming what is wrong.
    usage_error 'PORT is missing' listen
    usage_error 'HOST and PORT are missing' connect
    usage_error 'HOST and PORT are missing' connect 10.7.0.1
    usage_error abc listen abc
    usage_error "'0'" listen 0
    usage_error 70000 listen 70000
    usage_error example.org connect example.org 80
    usage_error extra listen 5000 extra
    usage_error extra connect 10.7.0.1 80 extra
    usage_error --keep-open connect 10.7.0.1 80 --keep-open
    usage_error --frobnicate listen 5000 --frobnicate
    usage_error -x connect 10.7.0.1 80 -x
    usage_error --tun listen 5000 --tun
    usage_error --addr listen 5000 --addr 10.7.0
    usage_error --host-addr listen 5000 --host-addr 10.7.0.1
    usage_error --host-addr listen 5000 --host-addr 10.7.0.1/33
    usage_error --host-addr listen 5000 --host-addr=10.7.0.1/0
    usage_error --mtu listen 5000 --mtu 50
    usage_error --mss listen 5000 --mss 10
    usage_error --mss listen 5000 --mss 1461
    usage_error --msl listen 5000 --msl abc
    usage_error --msl listen 5000 --msl 5parsecs
    usage_error --msl listen 5000 --msl=-1s
    usage_error --delack listen 5000 --delack 600ms
    usage_error --msl listen 5000 --msl 0
    usage_error --sndbuf listen 5000 --sndbuf 0
    usage_error --rcvbuf listen 5000 --rcvbuf 2G
    usage_error --cc listen 5000 --cc bbr
    usage_error --syn-retries connect 10.7.0.1 80 --syn-retries many
    usage_error --seed listen 5000 --seed -1
    usage_error --backlog listen 5000 --backlog 0
    usage_error --source-port connect 10.7.0.1 80 --source-port 65536
    usage_error --pcap listen 5000 --pcap
    usage_error --urgent listen 5000 --urgent
    usage_error --urgent connect 10.7.0.1 80 --urgent ''
    usage_error --urgent listen 5000 --urgent=
    usage_error --urgent connect 10.7.0.1 80 --urgent helloX --sndbuf 4
    ;;
nc_device_errors)
    # Errors of the device or the capture file: exit 1 with a sentence, never a crash. "lo" is
    # in every network namespace and is no TUN device, so it is refused (name in use) or, where
    # there is no TUN driver or no permission, refused for that.
    run 1 listen 5000 --pcap /nonexistent-dir/x.pcap </dev/null
    grep -qF '/nonexistent-dir/x.pcap: No such file or directory' "$err" ||
        fail "no message for an unwritable capture file: $(cat "$err")"
    run 1 listen 5000 --tun lo </dev/null
    grep -Eq 'cannot open the TUN device lo: (the name is in use by another device|no /dev/net/tun|operation not permitted|permission denied)' \
        "$err" || fail "no clear message for --tun lo: $(cat "$err")"
    run 1 connect 10.7.0.1 80 --tun lo </dev/null
    run 1 listen 5000 --tun 'a/b' </dev/null
    grep -qF 'interface name' "$err" || fail "no message for a bad name: $(cat "$err")"
    run 1 listen 5000 --tun 0123456789abcdefXYZ </dev/null
    grep -qF 'longer than 15 bytes' "$err" || fail "no message for a long name: $(cat "$err")"
    # Without CAP_NET_ADMIN (root here can drop it), creating a device is refused.
    if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null && [[ -e /dev/net/tun ]]; then
        setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
            "$synack" listen 5000 --tun synack-noperm </dev/null >"$out" 2>"$err"
        rc=$?
        [[ $rc == 1 ]] || fail "without CAP_NET_ADMIN: exit $rc, expected 1"
        grep -Eq 'needs CAP_NET_ADMIN|permission denied opening /dev/net/tun' "$err" ||
            fail "without CAP_NET_ADMIN: $(cat "$err")"
    fi
    ;;
*)
    fail "unknown case $case"
    ;;
esac
((failures)) && exit 1
echo "ok: $case"
