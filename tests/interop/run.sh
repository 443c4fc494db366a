#!/usr/bin/env bash
# The interop tests: synack against the Linux kernel's TCP over a TUN device, in a network
# namespace of the test's own (lib.sh). One CTest test per CASE (tests/interop/CMakeLists.txt):
#
#   run.sh CASE SYNACK IMPAIR OUTDIR
#
# SYNACK is the synack binary, IMPAIR interop-impair (impair.c), OUTDIR where each case keeps its
# logs and pcaps (removed when it passes, unless INTEROP_KEEP is set). Exit 0 passed, 1 failed,
# 77 skipped (no /dev/net/tun or no CAP_NET_ADMIN; for ecn_ce_*, no iptables way to set CE).
#
# Cases:
#   listen_kernel_closes_first   a kernel client (socat) and `synack listen`: 16 MiB each way,
#   listen_synack_closes_first   checked by SHA-256; the kernel's FIN first, synack's first, or
#   listen_both_close            both at once (a simultaneous close: see t_transfer)
#   connect_kernel_closes_first  `synack connect` and a kernel server (socat): the same
#   connect_synack_closes_first
#   connect_both_close
#   connect_refused              synack connects to a kernel port with no listener
#   listen_refused               a kernel client connects to a synack port with no listener
#   connect_timed_out            the kernel drops synack's SYNs: "connection timed out"
#   listen_sequential            200 short connections, one after another, to listen --keep-open --echo
#   connect_sequential           200 `synack connect`s, one after another, to a kernel echo server
#   listen_concurrent            50 kernel clients at once against listen --keep-open --echo
#   connect_stdin_pipe           `printf hello | synack connect`: the pipe ends before the handshake
#   listen_stdin_pipe            4 MiB piped into synack listen: the pipe ends with input unsent
#   ping                         the kernel pings synack
#   ping_fragmented              ... with 4000-byte echoes: fragments both ways
#   tap                          synack on a TAP device (--tap): ARP, ping, 1 MiB echoed
#   netem_listen                 16 MiB each way through 5 % loss, 10 % reordering, 1 ms delay
#   netem_connect
#   ecn_listen                   ECN (RFC 3168): a kernel client with tcp_ecn=1 asks, synack listen
#                                (passive by default) agrees: ECE in its SYN,ACK, ECT(0) on its data
#   ecn_connect                  synack connect --ecn on asks, the kernel (tcp_ecn=2) agrees
#   ecn_listen_off               the kernel asks, synack listen --ecn off declines: no ECT either way
#   ecn_connect_passive          synack connect by default does not ask: no ECN
#   ecn_ce_listen                ECN agreed, and CE marks set on the way both ways (iptables):
#   ecn_ce_connect               each side echoes ECE, the other cuts its window and sends CWR
#   urgent_connect               urgent data (RFC 9293 §3.8.5): synack connect --urgent to a socat
#                                server, which reads the stream without the out-of-band octet
#   urgent_listen                the same from synack listen, and urgent data from the kernel
#                                (send MSG_OOB, urgent_peer.pl), in line at synack, both at once
# Every case checks synack's pcap with tshark (it_check_pcap).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

MiB=$((1 << 20))

# t_transfer listen|connect ORDER [impair]: 16 MiB from the kernel to synack and 16 MiB back over
# one connection, both checked by SHA-256, then the close in the given ORDER:
#   kernel   the kernel's input is a file; synack's input stays open until the kernel's FIN is
#            acknowledged (its socket is in FIN-WAIT-2) and synack's 16 MiB have arrived: the
#            kernel closes first, synack from CLOSE-WAIT
#   synack   synack's input is a file; the kernel's input stays open until synack's FIN has
#            arrived (CLOSE-WAIT): the reverse
#   both     both inputs stay open until all the data has arrived both ways; then every packet is
#            held 20 ms each way (so that the FINs cross on the wire) and both inputs end at once:
#            a simultaneous close (FIN-WAIT-1 -> CLOSING -> TIME-WAIT on both sides)
#   natural  both inputs are files: each side closes when it has sent its file
# An input held open is a FIFO written by it_feeder; one that ends with its data is the file itself.
# (A pipe whose writer closes while synack still holds unsent input loses data: the stdin_pipe
# cases show it, and these avoid it.)
# With `impair`, 5 % loss, 10 % reordering and 1 ms delay both ways (it_impair).
t_transfer() {
    local role=$1 order=$2 impair=${3:-}
    local secs=120
    [[ -n $impair ]] && secs=400
    T_SIZE=$((16 * MiB))
    local kdata=$IT_DIR/kernel.data sdata=$IT_DIR/synack.data
    it_random "$kdata" "$T_SIZE"
    it_random "$sdata" "$T_SIZE"
    local scond=() kcond=()
    case $order in
    kernel) scond=(t_kernel_closed) ;;
    synack) kcond=(it_kstate close-wait) ;;
    both) scond=(t_gate) kcond=(t_gate) ;;
    natural) ;;
    esac
    local sp kp src krc sin kin stats=()
    [[ -n $impair ]] && stats=(--stats) # the stack's counters on stderr at the end
    side_input kin kernel "$kdata" "${kcond[@]}"
    if [[ $role == listen ]]; then
        side_input sin synack "$sdata" "${scond[@]}"
        it_synack sp synack "$secs" "$sin" "$IT_DIR/synack.out" listen "$IT_PORT" "${stats[@]}"
        it_wait_stack "$sp" || it_die "synack listen did not come up: $(tail -5 "$IT_DIR/synack.err")"
        [[ -n $impair ]] && it_impair 5 10 1000
        it_kernel kp socat "$secs" "$kin" "$IT_DIR/kernel.out" \
            socat -t 60 -T 60 -b 65536 - "TCP:$IT_STACK:$IT_PORT"
    else
        it_kernel kp socat "$secs" "$kin" "$IT_DIR/kernel.out" \
            socat -t 60 -T 60 -b 65536 "TCP-LISTEN:$IT_PORT,reuseaddr" -
        it_until 10 "socat to listen on $IT_PORT" it_kernel_listening "$IT_PORT" || it_die "no kernel listener"
        # interop-impair works by device name, before the device exists (netem would need it).
        [[ -n $impair ]] && it_impair 5 10 1000
        side_input sin synack "$sdata" "${scond[@]}"
        it_synack sp synack "$secs" "$sin" "$IT_DIR/synack.out" connect "$IT_HOST" "$IT_PORT" "${stats[@]}"
    fi
    if [[ $order == both ]]; then
        if it_until "$secs" "16 MiB to arrive both ways" t_all_arrived; then
            it_impair 0 0 20000
            touch "$IT_DIR/gate"
        fi
    fi
    it_wait src "$sp" "$secs" "synack $role"
    it_wait krc "$kp" "$secs" socat
    it_impair_stop
    ((src == 0)) || it_error "synack $role exited $src, expected 0: $(tail -5 "$IT_DIR/synack.err")"
    ((krc == 0)) || it_error "socat exited $krc, expected 0: $(tail -5 "$IT_DIR/socat.err")"
    it_same "kernel -> synack" "$kdata" "$IT_DIR/synack.out"
    it_same "synack -> kernel" "$sdata" "$IT_DIR/kernel.out"
    it_check_pcap "$IT_DIR/synack.pcap" 1 "complete${impair:+-late-rst}"
    [[ -n $impair ]] && it_log "synack: $(grep -E '^stack: (retransmission|dropped)' "$IT_DIR/synack.err" | sed 's/^stack: //' | paste -sd ';')"
    if [[ $order == both ]]; then
        it_log "FINs crossed (simultaneous close): $(it_fins_crossed "$IT_DIR/synack.pcap")"
    fi
}

# side_input VAR NAME DATA [COND...]: a side's standard input: DATA itself when nothing holds it
# open, else the FIFO NAME.in, written by it_feeder and held open until COND.
side_input() {
    local _var=$1 _name=$2 _data=$3 _pid
    shift 3
    if (($# == 0)); then
        printf -v "$_var" '%s' "$_data"
        return
    fi
    mkfifo "$IT_DIR/$_name.in"
    it_feeder _pid "$IT_DIR/$_name.in" "$_data" "$@"
    printf -v "$_var" '%s' "$IT_DIR/$_name.in"
}

# shellcheck disable=SC2317 # called through it_until
t_gate() { [[ -e $IT_DIR/gate ]]; }
# shellcheck disable=SC2317
t_all_arrived() { it_size_is "$IT_DIR/synack.out" "$T_SIZE" && it_size_is "$IT_DIR/kernel.out" "$T_SIZE"; }
# shellcheck disable=SC2317
t_kernel_closed() { it_kstate fin-wait-2 && it_size_is "$IT_DIR/kernel.out" "$T_SIZE"; }

# synack connect to a kernel port nobody listens on: the kernel answers RST, synack says so.
t_connect_refused() {
    local sp rc
    it_synack sp synack 30 /dev/null "$IT_DIR/synack.out" connect "$IT_HOST" 5999
    it_wait rc "$sp" 30 "synack connect"
    ((rc == 1)) || it_error "synack connect to a closed port exited $rc, expected 1"
    grep -q "connection refused" "$IT_DIR/synack.err" ||
        it_error "synack connect did not say 'connection refused': $(cat "$IT_DIR/synack.err")"
    it_check_pcap "$IT_DIR/synack.pcap" 1 refused
}

# A kernel client to a synack port with no listener: synack answers RST.
t_listen_refused() {
    local sp kp rc krc
    it_synack sp synack 60 /dev/null "$IT_DIR/synack.out" listen "$IT_PORT" --keep-open
    it_wait_stack "$sp" || it_die "synack listen did not come up"
    it_kernel kp socat 20 /dev/null "$IT_DIR/socat.out" socat -T 10 - "TCP:$IT_STACK:$((IT_PORT + 1))"
    it_wait krc "$kp" 20 socat
    ((krc != 0)) || it_error "socat to a port synack does not listen on exited 0"
    grep -qi "connection refused" "$IT_DIR/socat.err" ||
        it_error "socat did not get 'Connection refused': $(cat "$IT_DIR/socat.err")"
    kill -TERM "$sp"
    it_wait rc "$sp" 10 "synack listen"
    ((rc == 0)) || it_error "synack listen --keep-open exited $rc after SIGTERM, expected 0"
    it_check_pcap "$IT_DIR/synack.pcap" 1 refused
}

# The kernel drops synack's SYNs (iptables, in the namespace): after --syn-retries 1 (1 s, then
# 2 s) synack gives up with "connection timed out".
t_connect_timed_out() {
    local sp rc
    ns iptables -w -A INPUT -i "$IT_TUN" -p tcp --dport 5998 -j DROP || it_die "iptables failed"
    it_synack sp synack 30 /dev/null "$IT_DIR/synack.out" connect "$IT_HOST" 5998 --syn-retries 1
    it_wait rc "$sp" 30 "synack connect"
    ((rc == 1)) || it_error "synack connect to a silent port exited $rc, expected 1"
    grep -q "connection timed out" "$IT_DIR/synack.err" ||
        it_error "synack connect did not say 'connection timed out': $(cat "$IT_DIR/synack.err")"
    it_check_pcap "$IT_DIR/synack.pcap" 1 syn-only
}

# 200 connections one after another from the kernel to listen --keep-open --echo.
t_listen_sequential() {
    local n=200 sp rc
    it_synack sp synack 300 /dev/null "$IT_DIR/synack.out" listen "$IT_PORT" --keep-open --echo
    it_wait_stack "$sp" || it_die "synack listen did not come up"
    # shellcheck disable=SC2016
    timeout 240 ip netns exec "$IT_NS" bash -c '
        for ((i = 1; i <= $1; i++)); do
            got=$(printf "hello %d\n" "$i" | timeout 10 socat -t 5 -T 5 - "TCP:$2:$3" 2>&1)
            [[ $got == "hello $i" ]] || { echo "connection $i: sent \"hello $i\", got \"$got\""; exit 1; }
        done' _ "$n" "$IT_STACK" "$IT_PORT" >"$IT_DIR/loop.log" 2>&1 ||
        it_error "sequential connections: $(tail -3 "$IT_DIR/loop.log")"
    it_log "$n connections done"
    kill -TERM "$sp"
    it_wait rc "$sp" 10 "synack listen"
    ((rc == 0)) || it_error "synack listen --keep-open exited $rc after SIGTERM, expected 0"
    it_check_pcap "$IT_DIR/synack.pcap" "$n" complete
}

# 200 synack connects one after another to a kernel echo server, on a device made beforehand and
# left alone (--no-config); each writes its own pcap, merged for tshark.
t_connect_sequential() {
    local n=200 kp krc
    it_make_tun
    it_kernel kp socat 300 /dev/null "$IT_DIR/socat.out" socat "TCP-LISTEN:$IT_PORT,reuseaddr,fork" PIPE
    it_until 10 "socat to listen on $IT_PORT" it_kernel_listening "$IT_PORT" || it_die "no kernel listener"
    mkdir -p "$IT_DIR/pcaps"
    # shellcheck disable=SC2016
    timeout 240 ip netns exec "$IT_NS" bash -c '
        for ((i = 1; i <= $1; i++)); do
            printf "hello %d\n" "$i" >"$6/in"
            got=$(timeout 10 "$2" connect "$3" "$4" --tun "$5" --no-config --pcap "$6/c$i.pcap" \
                  <"$6/in" 2>"$6/c$i.err")
            rc=$?
            [[ $rc == 0 && $got == "hello $i" ]] ||
                { echo "connection $i: exit $rc, sent \"hello $i\", got \"$got\": $(tail -3 "$6/c$i.err")"; exit 1; }
            rm -f "$6/c$i.err"
        done
        rm -f "$6/in"' _ "$n" "$IT_SYNACK" "$IT_HOST" "$IT_PORT" "$IT_TUN" "$IT_DIR/pcaps" >"$IT_DIR/loop.log" 2>&1 ||
        it_error "sequential connections: $(tail -3 "$IT_DIR/loop.log")"
    it_log "$n connections done"
    kill -TERM "$kp"
    it_wait krc "$kp" 10 socat
    mergecap -w "$IT_DIR/merged.pcap" "$IT_DIR"/pcaps/*.pcap || it_error "mergecap failed"
    it_check_pcap "$IT_DIR/merged.pcap" "$n" complete
}

# 50 kernel clients at once, 256 KiB each, against listen --keep-open --echo.
t_listen_concurrent() {
    local n=50 sp rc
    mkdir -p "$IT_DIR/c"
    for ((i = 1; i <= n; i++)); do it_random "$IT_DIR/c/$i.in" 256K; done
    it_synack sp synack 300 /dev/null "$IT_DIR/synack.out" listen "$IT_PORT" --keep-open --echo
    it_wait_stack "$sp" || it_die "synack listen did not come up"
    # shellcheck disable=SC2016
    timeout 120 ip netns exec "$IT_NS" bash -c '
        pids=()
        for ((i = 1; i <= $1; i++)); do
            timeout 100 socat -t 30 -T 30 - "TCP:$2:$3" <"$4/$i.in" >"$4/$i.out" 2>"$4/$i.err" &
            pids+=($!)
        done
        bad=0
        for ((i = 1; i <= $1; i++)); do
            wait "${pids[i - 1]}" || { echo "client $i: exit $?: $(cat "$4/$i.err")"; bad=1; }
        done
        exit $bad' _ "$n" "$IT_STACK" "$IT_PORT" "$IT_DIR/c" >"$IT_DIR/clients.log" 2>&1 ||
        it_error "concurrent clients: $(head -5 "$IT_DIR/clients.log")"
    local same=0
    for ((i = 1; i <= n; i++)); do
        it_same "client $i" "$IT_DIR/c/$i.in" "$IT_DIR/c/$i.out" && same=$((same + 1))
    done
    it_log "$same of $n echoes exact"
    kill -TERM "$sp"
    it_wait rc "$sp" 10 "synack listen"
    ((rc == 0)) || it_error "synack listen --keep-open exited $rc after SIGTERM, expected 0"
    it_check_pcap "$IT_DIR/synack.pcap" "$n" complete
}

# Standard input a pipe whose writer has gone while synack still holds what it read: nothing
# may be lost. connect: `printf hello | synack connect` with a 600 ms delay each way, so that the
# SYN's 1 s retransmission timer ends a turn of the event loop while the connection is still in
# SYN-SENT and the pipe has already ended. listen: 4 MiB through a pipe to a kernel reader 10 ms
# away, with a 16 KiB send buffer, so that synack holds unsent input when the pipe ends.
t_connect_stdin_pipe() {
    local kp krc rc got
    it_kernel kp socat 60 /dev/null "$IT_DIR/socat.out" socat "TCP-LISTEN:$IT_PORT,reuseaddr,fork" PIPE
    it_until 10 "socat to listen on $IT_PORT" it_kernel_listening "$IT_PORT" || it_die "no kernel listener"
    it_impair 0 0 600000
    # shellcheck disable=SC2016
    got=$(timeout 30 ip netns exec "$IT_NS" bash -c 'printf "hello\n" | "$1" connect "$2" "$3" --tun "$4" --pcap "$5"' \
        _ "$IT_SYNACK" "$IT_HOST" "$IT_PORT" "$IT_TUN" "$IT_DIR/synack.pcap" 2>"$IT_DIR/synack.err")
    rc=$?
    ((rc == 0)) || it_error "printf hello | synack connect exited $rc: $(tail -3 "$IT_DIR/synack.err")"
    [[ $got == hello ]] || it_error "printf hello | synack connect to an echo server: got \"$got\", expected \"hello\""
    it_impair_stop
    kill -TERM "$kp"
    it_wait krc "$kp" 10 socat
    it_check_pcap "$IT_DIR/synack.pcap" 1 complete
}

t_listen_stdin_pipe() {
    local sp kp rc krc _feeder
    T_SIZE=$((4 * MiB))
    it_random "$IT_DIR/synack.data" "$T_SIZE"
    mkfifo "$IT_DIR/synack.in"
    it_feeder _feeder "$IT_DIR/synack.in" "$IT_DIR/synack.data"
    # A send buffer of 16 KiB takes each 64 KiB chunk read from stdin in several goes.
    it_synack sp synack 60 "$IT_DIR/synack.in" "$IT_DIR/synack.out" listen "$IT_PORT" --sndbuf 16K
    it_wait_stack "$sp" || it_die "synack listen did not come up"
    it_impair 0 0 5000
    it_kernel kp socat 60 /dev/null "$IT_DIR/kernel.out" socat -t 60 -T 30 - "TCP:$IT_STACK:$IT_PORT"
    it_wait rc "$sp" 60 "synack listen"
    it_wait krc "$kp" 60 socat
    it_impair_stop
    ((rc == 0)) || it_error "synack listen exited $rc: $(tail -3 "$IT_DIR/synack.err")"
    ((krc == 0)) || it_error "socat exited $krc: $(tail -3 "$IT_DIR/socat.err")"
    it_same "4 MiB piped into synack listen, to the kernel" "$IT_DIR/synack.data" "$IT_DIR/kernel.out"
    it_check_pcap "$IT_DIR/synack.pcap" 1 complete
}

# t_ping SIZE COUNT [ping options]: the kernel pings synack; every echo answered.
t_ping() {
    local size=$1 count=$2 sp rc out
    shift 2
    it_synack sp synack 60 /dev/null "$IT_DIR/synack.out" listen "$IT_PORT" --keep-open
    it_wait_stack "$sp" || it_die "synack did not come up"
    out=$(ns timeout 30 ping -n -c "$count" -i 0.02 -W 2 -s "$size" "$@" "$IT_STACK" 2>&1)
    it_log "$(grep -E 'transmitted|rtt' <<<"$out" | tr '\n' ' ')"
    grep -q " $count received, 0% packet loss" <<<"$out" ||
        it_error "ping -s $size $*: not every echo answered: $(tail -2 <<<"$out")"
    kill -TERM "$sp"
    it_wait rc "$sp" 10 "synack listen"
    ((rc == 0)) || it_error "synack listen --keep-open exited $rc after SIGTERM, expected 0"
    it_check_pcap "$IT_DIR/synack.pcap" 0 none
}

# A TAP device (--tap): Ethernet frames, so the kernel must find synack by ARP (RFC 826) first;
# then pings, and 1 MiB echoed back exact. The pcap is Ethernet (LINKTYPE_ETHERNET).
t_tap() {
    local sp rc out
    it_synack sp synack 60 /dev/null "$IT_DIR/synack.out" listen "$IT_PORT" --keep-open --echo --tap
    it_wait_stack "$sp" || it_die "synack did not come up on a TAP device"
    out=$(ns timeout 30 ping -n -c 5 -i 0.02 -W 2 "$IT_STACK" 2>&1)
    grep -q " 5 received, 0% packet loss" <<<"$out" ||
        it_error "ping over TAP: not every echo answered: $(tail -2 <<<"$out")"
    ns ip neigh show "$IT_STACK" | grep -q lladdr ||
        it_error "the kernel learned no Ethernet address for $IT_STACK"
    it_random "$IT_DIR/in" $((1 << 20))
    ns timeout 60 socat -t 30 - "TCP:$IT_STACK:$IT_PORT" <"$IT_DIR/in" >"$IT_DIR/back" ||
        it_error "socat over TAP failed"
    it_same "1 MiB echoed over TAP" "$IT_DIR/in" "$IT_DIR/back"
    kill -TERM "$sp"
    it_wait rc "$sp" 10 "synack listen"
    ((rc == 0)) || it_error "synack listen --keep-open exited $rc after SIGTERM, expected 0"
    it_check_pcap "$IT_DIR/synack.pcap" 1 complete
}

# t_ecn ROLE ECN KERNEL_ECN AGREED [mark]: 1 MiB each way over one connection, synack with
# `--ecn ECN` (- for the default, passive) and the kernel with net.ipv4.tcp_ecn=KERNEL_ECN (in the
# test's namespace: 1 asks and answers, 2 only answers, Linux's default); AGREED (1 or 0) is
# whether ECN must come out of the handshake. `--stats` tells what synack made of it ("ECN used
# by 1 of 1 connections", CE marks received, window cuts for an ECN-Echo) and it_check_ecn what
# the capture shows. With `mark`, CE marks both ways (it_ce_mark): synack counts every CE-marked
# data segment the capture holds, and cuts its window at least once for the kernel's ECE.
t_ecn() {
    local role=$1 ecn=$2 kecn=$3 agreed=$4 mark=${5:-}
    local secs=60 size=$((1 * MiB)) sp kp src krc ecn_args=()
    local kdata=$IT_DIR/kernel.data sdata=$IT_DIR/synack.data
    [[ $ecn != - ]] && ecn_args=(--ecn "$ecn")
    ns sysctl -qw net.ipv4.tcp_ecn="$kecn" || it_die "sysctl net.ipv4.tcp_ecn=$kecn failed"
    [[ -n $mark ]] && it_ce_mark
    it_random "$kdata" "$size"
    it_random "$sdata" "$size"
    if [[ $role == listen ]]; then
        it_synack sp synack "$secs" "$sdata" "$IT_DIR/synack.out" listen "$IT_PORT" --stats "${ecn_args[@]}"
        it_wait_stack "$sp" || it_die "synack listen did not come up: $(tail -5 "$IT_DIR/synack.err")"
        it_kernel kp socat "$secs" "$kdata" "$IT_DIR/kernel.out" \
            socat -t 30 -T 30 -b 65536 - "TCP:$IT_STACK:$IT_PORT"
    else
        it_kernel kp socat "$secs" "$kdata" "$IT_DIR/kernel.out" \
            socat -t 30 -T 30 -b 65536 "TCP-LISTEN:$IT_PORT,reuseaddr" -
        it_until 10 "socat to listen on $IT_PORT" it_kernel_listening "$IT_PORT" || it_die "no kernel listener"
        it_synack sp synack "$secs" "$sdata" "$IT_DIR/synack.out" connect "$IT_HOST" "$IT_PORT" --stats "${ecn_args[@]}"
    fi
    it_wait src "$sp" "$secs" "synack $role"
    it_wait krc "$kp" "$secs" socat
    ((src == 0)) || it_error "synack $role exited $src, expected 0: $(tail -5 "$IT_DIR/synack.err")"
    ((krc == 0)) || it_error "socat exited $krc, expected 0: $(tail -5 "$IT_DIR/socat.err")"
    it_same "kernel -> synack" "$kdata" "$IT_DIR/synack.out"
    it_same "synack -> kernel" "$sdata" "$IT_DIR/kernel.out"
    it_check_pcap "$IT_DIR/synack.pcap" 1 complete
    local ask=0
    [[ $ecn == on ]] && ask=1
    ECN_KERNEL_CE=0 ECN_SYNACK_CWR=0
    it_check_ecn "$IT_DIR/synack.pcap" "$role" "$ask" "$agreed" "${mark:+1}"
    # "stack: ECN used by U of N connections, CE marks received C, window cuts for ECN-Echo R"
    local line used conns ce cuts
    line=$(grep '^stack: ECN used by' "$IT_DIR/synack.err")
    read -r used conns ce cuts < <(sed -E 's/^stack: ECN used by ([0-9]+) of ([0-9]+) connections, CE marks received ([0-9]+), window cuts for ECN-Echo ([0-9]+)$/\1 \2 \3 \4/' <<<"$line")
    [[ -n ${cuts:-} && $cuts =~ ^[0-9]+$ ]] || { it_error "no ECN line in synack --stats: $(tail -8 "$IT_DIR/synack.err")"; return; }
    it_log "synack --stats: ${line#stack: }"
    ((conns == 1 && used == agreed)) ||
        it_error "synack says ECN was used by $used of $conns connections, expected $agreed of 1"
    if [[ -z $mark ]]; then
        ((ce == 0 && cuts == 0)) || it_error "synack counted $ce CE marks and $cuts window cuts with nothing marking CE"
        return
    fi
    local to_kernel to_synack
    to_kernel=$(it_ce_marked PREROUTING)
    to_synack=$(it_ce_marked POSTROUTING)
    ((ce == ECN_KERNEL_CE)) ||
        it_error "synack counted $ce CE marks received; its capture holds $ECN_KERNEL_CE CE-marked data segments"
    ((ce > 0)) || it_error "no CE mark counted by synack (the kernel's side marked $to_synack bursts)"
    ((cuts > 0)) || it_error "synack never cut its window for an ECN-Echo ($to_kernel of its packets were marked CE)"
    it_log "CE marks set: $to_kernel on synack's data (each one segment), $to_synack kernel bursts; synack cut its window $cuts times and sent CWR on $ECN_SYNACK_CWR segments"
    # Once per window of data (RFC 3168 6.1.2): here, where nothing else signals congestion, at
    # most one cut per CE mark.
    ((cuts <= to_kernel)) ||
        it_error "synack cut its window $cuts times for $to_kernel CE marks on its data (RFC 3168 6.1.2: once per window)"
}

# t_urgent ROLE: urgent data (RFC 9293 §3.8.5, RFC 6093) between synack and the kernel. synack
# runs with `--urgent TEXT --stats` and "world" as its input: TEXT is urgent, ending in X, and
# synack's urgent pointer must point right after X. Linux (net.ipv4.tcp_stdurg=0, its default,
# without SO_OOBINLINE) takes the octet before the pointer, X, out of the stream, so its plain
# reader must get TEXT without X, then "world", exactly (a pointer one octet off would take out
# another octet).
#   connect  `synack connect --urgent helloX` to a socat server, the plain reader, which must get
#            "helloworld"; it sends 64 KiB back, nothing urgent: synack reports no urgent data
#   listen   `synack listen --urgent` with "hello" 600 times and X: 3001 octets over three
#            segments, each with URG and the pointer after X (past its own end for the first
#            two); the kernel's client, urgent_peer.pl, reads plainly and must see the urgent mark
#            after octet 3000 (SIOCATMARK). It sends too: 2000 octets, then 3000 with MSG_OOB
#            (its pointer too reaches past the first segments it marks), then 2000 more. synack
#            keeps urgent data in line (as SO_OOBINLINE): its output must be those 7000 octets,
#            in order, and it must report the urgent data once ("urgent data: N octets unread,
#            up to octet 5000 of the stream", N from 1 to 5000) and count it in --stats
# it_check_urgent then reads the urgent pointers in synack's capture, both ways.
t_urgent() {
    local role=$1 sp kp src krc stdurg kname kend=0
    stdurg=$(ns sysctl -n net.ipv4.tcp_stdurg) || it_die "cannot read net.ipv4.tcp_stdurg"
    [[ $stdurg == 0 ]] || it_die "net.ipv4.tcp_stdurg is $stdurg in the test's namespace, expected 0 (Linux's default)"
    local urgent=helloX
    [[ $role == listen ]] && urgent=$(printf 'hello%.0s' {1..600})X
    local want=${urgent%X}world
    printf world >"$IT_DIR/synack.in"
    if [[ $role == connect ]]; then
        kname=socat
        it_random "$IT_DIR/kernel.data" 64K
        it_kernel kp socat 30 "$IT_DIR/kernel.data" "$IT_DIR/kernel.out" \
            socat -t 10 -T 20 "TCP-LISTEN:$IT_PORT,reuseaddr" -
        it_until 10 "socat to listen on $IT_PORT" it_kernel_listening "$IT_PORT" || it_die "no kernel listener"
        it_synack sp synack 30 "$IT_DIR/synack.in" "$IT_DIR/synack.out" connect "$IT_HOST" "$IT_PORT" \
            --urgent "$urgent" --stats
    else
        kname=peer kend=5000
        it_random "$IT_DIR/before" 2000
        it_random "$IT_DIR/urgent" 3000
        it_random "$IT_DIR/after" 2000
        cat "$IT_DIR/before" "$IT_DIR/urgent" "$IT_DIR/after" >"$IT_DIR/kernel.data"
        it_synack sp synack 30 "$IT_DIR/synack.in" "$IT_DIR/synack.out" listen "$IT_PORT" \
            --urgent "$urgent" --stats
        it_wait_stack "$sp" || it_die "synack listen did not come up: $(tail -5 "$IT_DIR/synack.err")"
        it_kernel kp peer 30 /dev/null "$IT_DIR/kernel.out" \
            perl "$here/urgent_peer.pl" "$IT_STACK" "$IT_PORT" "$IT_DIR/before" "$IT_DIR/urgent" "$IT_DIR/after"
    fi
    it_wait src "$sp" 30 "synack $role"
    it_wait krc "$kp" 30 "$kname"
    ((src == 0)) || it_error "synack $role exited $src, expected 0: $(tail -5 "$IT_DIR/synack.err")"
    ((krc == 0)) || it_error "$kname exited $krc, expected 0: $(tail -5 "$IT_DIR/$kname.err")"
    [[ $(<"$IT_DIR/kernel.out") == "$want" ]] ||
        it_error "the kernel's reader got $(stat -c %s "$IT_DIR/kernel.out") octets ending \"$(tail -c 16 "$IT_DIR/kernel.out" | cat -v)\", expected ${#want} ending \"$(tail -c 16 <<<"$want")\" (X out of band)"
    it_same "kernel -> synack, in line" "$IT_DIR/kernel.data" "$IT_DIR/synack.out"
    # "synack ROLE: urgent data: N octets unread, up to octet M of the stream"
    local lines n m stats
    lines=$(grep -c 'urgent data: ' "$IT_DIR/synack.err")
    stats=$(grep '^stack: urgent data received' "$IT_DIR/synack.err")
    [[ -n $stats ]] || it_error "no urgent line in synack --stats: $(tail -8 "$IT_DIR/synack.err")"
    it_log "synack --stats: ${stats#stack: }"
    if ((kend == 0)); then
        ((lines == 0)) || it_error "synack reported urgent data the kernel never sent: $(grep 'urgent data: ' "$IT_DIR/synack.err")"
        [[ $stats == "stack: urgent data received 0 times, "* ]] || it_error "synack --stats counts urgent data that was never sent: $stats"
    else
        read -r n m < <(sed -nE "s/^synack $role: urgent data: ([0-9]+) octets unread, up to octet ([0-9]+) of the stream$/\1 \2/p" "$IT_DIR/synack.err")
        if ((lines != 1)) || [[ -z ${m:-} ]]; then
            it_error "synack reported urgent data $lines times, expected once: $(tail -8 "$IT_DIR/synack.err")"
        else
            it_log "synack: $(grep 'urgent data: ' "$IT_DIR/synack.err")"
            ((m == kend)) || it_error "synack says the urgent data ends at octet $m of the stream, expected $kend"
            ((n >= 1 && n <= kend)) || it_error "synack says $n octets of urgent data are unread, expected 1 to $kend"
        fi
        [[ $stats =~ ^stack:\ urgent\ data\ received\ 1\ times,\ urgent\ pointers\ that\ moved\ the\ mark\ [1-9][0-9]*$ ]] ||
            it_error "synack --stats: $stats, expected urgent data received once and at least one urgent pointer"
        local mark
        mark=$(cat "$IT_DIR/peer.err")
        [[ $mark == "urgent mark after octet $((${#urgent} - 1))" ]] ||
            it_error "the kernel's reader saw \"${mark:-no urgent mark}\", expected \"urgent mark after octet $((${#urgent} - 1))\" (before X)"
    fi
    it_check_pcap "$IT_DIR/synack.pcap" 1 complete
    it_check_urgent "$IT_DIR/synack.pcap" ${#urgent} "$kend"
}

it_init "$@"
case $IT_CASE in
listen_kernel_closes_first) t_transfer listen kernel ;;
listen_synack_closes_first) t_transfer listen synack ;;
listen_both_close) t_transfer listen both ;;
connect_kernel_closes_first) t_transfer connect kernel ;;
connect_synack_closes_first) t_transfer connect synack ;;
connect_both_close) t_transfer connect both ;;
connect_refused) t_connect_refused ;;
listen_refused) t_listen_refused ;;
connect_timed_out) t_connect_timed_out ;;
listen_sequential) t_listen_sequential ;;
connect_sequential) t_connect_sequential ;;
listen_concurrent) t_listen_concurrent ;;
ping) t_ping 56 20 ;;
ping_fragmented) t_ping 4000 5 -M dont ;;
tap) t_tap ;;
connect_stdin_pipe) t_connect_stdin_pipe ;;
listen_stdin_pipe) t_listen_stdin_pipe ;;
netem_listen) t_transfer listen natural impair ;;
netem_connect) t_transfer connect natural impair ;;
ecn_listen) t_ecn listen - 1 1 ;;
ecn_connect) t_ecn connect on 2 1 ;;
ecn_listen_off) t_ecn listen off 1 0 ;;
ecn_connect_passive) t_ecn connect - 1 0 ;;
ecn_ce_listen) t_ecn listen - 1 1 mark ;;
ecn_ce_connect) t_ecn connect on 2 1 mark ;;
urgent_connect) t_urgent connect ;;
urgent_listen) t_urgent listen ;;
*) it_die "no such case: $IT_CASE" ;;
esac
it_finish
