# shellcheck shell=bash
# tests/interop/lib.sh - the harness of the interop tests, sourced by run.sh.
#
# Each test gets a network namespace of its own (synack-it-CASE-PID) with only `lo` in it; synack
# runs inside it on a TUN device (syitPID) whose kernel side is the peer: 10.7.0.1/24 for the
# kernel, 10.7.0.2 for synack. Nothing leaves the namespace. Everything the test starts is killed
# and the namespace removed on exit, whatever the outcome (it_cleanup, on the EXIT trap).
#
# Waiting is done by polling a condition with a deadline (it_until), never by sleeping for a
# guessed time, and every program runs under `timeout`, so a hung peer fails the test instead of
# hanging it.
#
# Globals set by it_init: IT_CASE IT_SYNACK IT_IMPAIR IT_DIR (artifacts: logs, pcaps) IT_NS IT_TUN.

IT_HOST=10.7.0.1 # the kernel side of the TUN device
IT_STACK=10.7.0.2 # synack
IT_PORT=5000 # synack's or the kernel's listening port
export IT_PORT
IT_ERRORS=0
IT_PIDS=()
IT_T0=$EPOCHREALTIME

it_elapsed() {
    local now=$EPOCHREALTIME us
    us=$((10#${now//[.,]/} - 10#${IT_T0//[.,]/}))
    printf '%d.%02d' $((us / 1000000)) $((us % 1000000 / 10000))
}

it_log() { printf '[%s %ss] %s\n' "$IT_CASE" "$(it_elapsed)" "$*" >&2; }

# A check failed: the test goes on (to report more) but will fail.
it_error() {
    printf '[%s] FAIL: %s\n' "$IT_CASE" "$*" >&2
    IT_ERRORS=$((IT_ERRORS + 1))
}

# A failure after which nothing more can be checked.
it_die() {
    it_error "$*"
    exit 1
}

it_skip() {
    printf '[%s] SKIP: %s\n' "$IT_CASE" "$*" >&2
    exit 77
}

# Skip without /dev/net/tun or CAP_NET_ADMIN; fail when a tool is missing (scripts/deps.sh
# installs them all).
it_check_machine() {
    [[ -c /dev/net/tun ]] || it_skip "no /dev/net/tun: this kernel has no TUN driver (or the node is missing)"
    local cap
    cap=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
    ((16#${cap:-0} >> 12 & 1)) || it_skip "no CAP_NET_ADMIN: run as root to create network namespaces and TUN devices"
    local tool missing=()
    for tool in ip ss tc socat tshark mergecap sha256sum iptables ping timeout perl; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    ((${#missing[@]} == 0)) || it_die "missing ${missing[*]}: install them with scripts/deps.sh"
}

# it_init CASE SYNACK IMPAIR OUTDIR: check the machine, make the namespace, trap the cleanup.
it_init() {
    IT_CASE=$1 IT_SYNACK=$2 IT_IMPAIR=$3
    IT_DIR=$4/$IT_CASE
    it_check_machine
    [[ -x $IT_SYNACK ]] || it_die "no synack binary at $IT_SYNACK"
    rm -rf "$IT_DIR"
    mkdir -p "$IT_DIR"
    it_remove_stale_namespaces
    IT_NS=synack-it-$IT_CASE-$$
    IT_TUN=syit$$
    trap it_cleanup EXIT
    trap 'exit 143' TERM
    trap 'exit 130' INT
    ip netns add "$IT_NS" || it_die "ip netns add $IT_NS failed"
    IT_NS_MADE=1
    ns ip link set lo up
    # No IPv6 on the TUN device: its router solicitations would only clutter the pcaps.
    ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
    it_log "namespace $IT_NS, device $IT_TUN, artifacts in $IT_DIR"
}

# A test killed outright (SIGKILL) cannot remove its namespace: the next one removes every
# synack-it-*-PID whose PID is gone (a live one belongs to a test still running).
it_remove_stale_namespaces() {
    local n
    for n in $(ip netns list 2>/dev/null | awk '$1 ~ /^synack-it-.*-[0-9]+$/ {print $1}'); do
        kill -0 "${n##*-}" 2>/dev/null && continue
        for pid in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
        ip netns del "$n" 2>/dev/null && echo "[$IT_CASE] removed $n, left by a test that was killed" >&2
    done
}

it_cleanup() {
    local rc=$? pid i
    trap - EXIT TERM INT
    for pid in "${IT_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for ((i = 0; i < 50; i++)); do
        local alive=0
        for pid in "${IT_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        ((alive)) || break
        sleep 0.1
    done
    for pid in "${IT_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    if [[ -n ${IT_NS_MADE:-} ]]; then
        # Whatever still runs in our own namespace was started by this test.
        for pid in $(ip netns pids "$IT_NS" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
        ip netns del "$IT_NS" 2>/dev/null || echo "[$IT_CASE] could not remove namespace $IT_NS" >&2
    fi
    wait 2>/dev/null
    ((rc == 0 && IT_ERRORS > 0)) && rc=1
    if ((rc == 0)) && [[ -z ${INTEROP_KEEP:-} ]]; then
        rm -rf "$IT_DIR"
    elif ((rc != 77)); then
        echo "[$IT_CASE] artifacts kept in $IT_DIR:" >&2
        ls -l "$IT_DIR" >&2 2>/dev/null
    fi
    local verdict=failed
    ((rc == 0)) && verdict=passed
    ((rc == 77)) && verdict=skipped
    echo "[$IT_CASE] $verdict in $(it_elapsed) s" >&2
    exit "$rc"
}

# it_finish: the exit status from the checks so far.
it_finish() {
    ((IT_ERRORS == 0)) || exit 1
    exit 0
}

# ns CMD...: CMD in the test's namespace.
ns() { ip netns exec "$IT_NS" "$@"; }

# it_bg VAR IN OUT ERR CMD...: the program CMD in the background with its standard streams
# redirected (in the child, so that a FIFO's open does not block the test); its pid (the program's
# own: the subshell execs it) in VAR. Killed at cleanup.
# (The helpers' locals start with _ so that they do not hide the caller's VAR.)
it_bg() {
    local _var=$1 _in=$2 _out=$3 _err=$4
    shift 4
    (exec "$@") <"$_in" >"$_out" 2>"$_err" &
    IT_PIDS+=($!)
    printf -v "$_var" '%s' "$!"
}

# it_synack VAR NAME SECS IN OUT ARGS...: synack ARGS in the namespace on the test's device, for at
# most SECS seconds, writing NAME.pcap and NAME.err in IT_DIR.
it_synack() {
    local _var=$1 _name=$2 _secs=$3 _in=$4 _out=$5
    shift 5
    it_bg "$_var" "$_in" "$_out" "$IT_DIR/$_name.err" timeout --foreground -k 5 "$_secs" \
        ip netns exec "$IT_NS" "$IT_SYNACK" "$@" --tun "$IT_TUN" --pcap "$IT_DIR/$_name.pcap"
}

# it_kernel VAR NAME SECS IN OUT CMD...: a kernel-side program (socat) in the namespace; its
# stderr in IT_DIR/NAME.err.
it_kernel() {
    local _var=$1 _name=$2 _secs=$3 _in=$4 _out=$5
    shift 5
    it_bg "$_var" "$_in" "$_out" "$IT_DIR/$_name.err" timeout --foreground -k 5 "$_secs" ip netns exec "$IT_NS" "$@"
}

# it_feeder VAR FIFO FILE [COND...]: write FILE into FIFO, then hold it open until COND (it_feed).
it_feeder() {
    local _var=$1 _fifo=$2
    shift 2
    it_feed "$@" >"$_fifo" &
    IT_PIDS+=($!)
    printf -v "$_var" '%s' "$!"
}

# it_until SECONDS WHAT CMD...: poll CMD until it succeeds; fail after SECONDS.
it_until() {
    local secs=$1 what=$2
    shift 2
    local deadline=$((SECONDS + secs)) delay=0.005
    until "$@"; do
        if ((SECONDS >= deadline)); then
            it_error "timed out after ${secs} s waiting for $what"
            return 1
        fi
        sleep "$delay"
        [[ $delay == 0.005 ]] && delay=0.02
    done
    return 0
}

# it_wait VAR PID SECONDS NAME: wait for a background job; its exit status in VAR (124 when
# `timeout` ended it).
it_wait() {
    local _var=$1 _pid=$2 _secs=$3 _name=$4 _rc
    if ! it_until "$_secs" "$_name to exit" it_exited "$_pid"; then
        kill -TERM "$_pid" 2>/dev/null
    fi
    wait "$_pid"
    _rc=$?
    printf -v "$_var" '%s' "$_rc"
}

it_exited() { ! kill -0 "$1" 2>/dev/null; }

# --- synack and the device ---------------------------------------------------------------------

it_dev_ready() {
    local link addr
    link=$(ns ip -o link show dev "$IT_TUN" 2>/dev/null) || return 1
    addr=$(ns ip -o -4 addr show dev "$IT_TUN" 2>/dev/null) || return 1
    [[ $link == *"<"*UP*LOWER_UP*">"* && $addr == *"inet $IT_HOST/"* ]]
}

it_pings() { ns ping -n -q -c 1 -W 1 "$IT_STACK" >/dev/null 2>&1; }

# it_wait_stack PID: the device is up with the kernel's address and synack answers ICMP echo
# (its event loop runs; listen sets its listener up before that).
it_wait_stack() {
    local pid=$1
    it_until 10 "device $IT_TUN to come up with $IT_HOST" it_dev_or_dead "$pid" || return 1
    it_exited "$pid" && { it_error "synack exited before the device came up: $(tail -3 "$IT_DIR"/*.err)"; return 1; }
    it_until 10 "synack to answer ping at $IT_STACK" it_pings
}

it_dev_or_dead() { it_dev_ready || it_exited "$1"; }

# it_make_tun: create the device ourselves (persistent), configure it, for --no-config.
it_make_tun() {
    ns ip tuntap add dev "$IT_TUN" mode tun || it_die "ip tuntap add $IT_TUN failed"
    ns ip addr add "$IT_HOST/24" dev "$IT_TUN"
    ns ip link set "$IT_TUN" up
}

# --- the kernel side ---------------------------------------------------------------------------

# it_kernel_listening PORT: a kernel socket listens on PORT in the namespace.
it_kernel_listening() { [[ -n $(ns ss -Hltn "sport = :$1") ]]; }

# it_kstate STATE: a kernel TCP socket talking to synack is in STATE (ss's names: fin-wait-2,
# close-wait, ...).
it_kstate() { [[ -n $(ns ss -Htn state "$1" "dst $IT_STACK") ]]; }

# --- data --------------------------------------------------------------------------------------

# it_random FILE SIZE: SIZE bytes of random data (SIZE as head -c takes it: 16M).
it_random() { head -c "$2" /dev/urandom >"$1"; }

# it_same WHAT EXPECTED ACTUAL: same SHA-256.
it_same() {
    local what=$1 want got
    want=$(sha256sum <"$2" | cut -c1-64)
    got=$(sha256sum <"$3" | cut -c1-64)
    if [[ $want != "$got" ]]; then
        it_error "$what: SHA-256 differs: sent $(stat -c %s "$2") bytes ($want), received $(stat -c %s "$3") bytes ($got); $(cmp "$2" "$3" 2>&1 | head -1)"
        return 1
    fi
    return 0
}

# it_size_is FILE SIZE
it_size_is() { [[ -f $1 && $(stat -c %s "$1") -ge $2 ]]; }

# it_feed FILE COND...: FILE, then hold the stream open until COND succeeds (the end of the input
# is the program's cue to shut its sending side down). No COND: EOF right after FILE.
it_feed() {
    local file=$1
    shift
    cat "$file" || return 1
    (($# == 0)) || it_until 120 "$*" "$@" || true
}

# --- impairment --------------------------------------------------------------------------------

# it_impair LOSS REORDER DELAY_US [SEED]: packets between the kernel and synack are lost
# (LOSS %), delayed (DELAY_US) and reordered (REORDER % go at once, overtaking the delayed ones),
# in both directions: `tc netem` on the device's egress when this kernel has sch_netem, and
# interop-impair on NFQUEUE for the rest (iptables mangle PREROUTING/POSTROUTING). The device
# must exist when netem is to be used: call after it is up.
it_impair() {
    local loss=$1 reorder=$2 delay=$3 seed=${4:-$$}
    local egress=nfqueue
    if ns tc qdisc add dev "$IT_TUN" root netem loss "$loss%" reorder "$reorder%" delay "${delay}us" 2>/dev/null; then
        egress=netem
    fi
    it_bg IT_IMPAIR_PID /dev/null "$IT_DIR/impair.out" "$IT_DIR/impair.err" \
        timeout --foreground -k 5 600 ip netns exec "$IT_NS" "$IT_IMPAIR" 0 "$loss" "$reorder" "$delay" "$seed"
    it_until 10 "interop-impair to bind its queue" grep -q ready "$IT_DIR/impair.out" || it_die "interop-impair: $(cat "$IT_DIR/impair.err")"
    ns iptables -w -t mangle -A PREROUTING -i "$IT_TUN" -j NFQUEUE --queue-num 0 --queue-bypass ||
        it_die "iptables NFQUEUE rule failed"
    if [[ $egress == nfqueue ]]; then
        ns iptables -w -t mangle -A POSTROUTING -o "$IT_TUN" -j NFQUEUE --queue-num 0 --queue-bypass ||
            it_die "iptables NFQUEUE rule failed"
    fi
    it_log "impairment: loss $loss %, reorder $reorder %, delay $delay us; kernel egress by $egress, ingress by NFQUEUE"
}

# it_impair_stop: interop-impair lets its held packets go and prints its counts.
it_impair_stop() {
    [[ -n ${IT_IMPAIR_PID:-} ]] || return 0
    kill -TERM "$IT_IMPAIR_PID" 2>/dev/null
    local _rc
    it_wait _rc "$IT_IMPAIR_PID" 10 interop-impair
    it_log "$(cat "$IT_DIR/impair.err")"
    IT_IMPAIR_PID=
}

# --- the pcap ----------------------------------------------------------------------------------

# it_check_pcap FILE STREAMS MODE: tshark reads FILE back with IP and TCP checksum validation on.
# No malformed packet, no bad IP/TCP/ICMP checksum, no expert-info error; STREAMS TCP
# connections (-1: any number), each one:
#   complete  Wireshark's tcp.completeness is 31: SYN, SYN-ACK, ACK, data and FIN, no RST
#             (Wireshark 4.0's bits: 1 SYN, 2 SYN-ACK, 4 ACK, 8 data, 16 FIN, 32 RST; read with
#             two passes, -2, so that every packet carries the connection's final value). One
#             RST is allowed (63): from the kernel after both FINs, when a late retransmission
#             of its FIN (a tail loss probe) drew a duplicate ACK from synack's TIME-WAIT after
#             the kernel's socket had closed: an ACK for a closed port (RFC 9293 §3.10.7.1)
#   complete-late-rst  also a RST from synack after both FINs: with reordering, ACKs that the
#             last ACK overtook reach a connection already closed
#   Any RST before both FINs fails.
#   refused   a SYN answered by a RST (with ACK), nothing else (1 + 4 + 32)
#   syn-only  SYNs and nothing back (1)
#   none      no TCP at all
# A TCP checksum of 0xffff where 0x0000 is due (RFC 1624 §3) is arithmetically right and comes
# from Linux's checksum offload path: tolerated from the kernel (and counted), a failure from
# synack. The fields tshark gave are kept in FILE.fields.
it_check_pcap() {
    local pcap=$1 want_streams=$2 mode=$3
    if [[ ! -s $pcap ]]; then
        it_error "no pcap written at $pcap"
        return 1
    fi
    # The payload is random bytes: shown as data, not guessed at by heuristic dissectors (which
    # take some of it for GSM signalling and call it malformed).
    tshark -2 -n -r "$pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
        -o tcp.analyze_sequence_numbers:TRUE -o tcp.desegment_tcp_streams:FALSE \
        -d tcp.port==1-65535,data -T fields -E separator='|' \
        -e frame.number -e frame.protocols -e tcp.stream -e tcp.completeness \
        -e ip.checksum.status -e tcp.checksum.status -e icmp.checksum.status \
        -e _ws.expert.severity -e _ws.expert.message \
        -e ip.src -e tcp.flags.fin -e tcp.flags.reset -e tcp.seq_raw -e tcp.ack_raw -e tcp.len \
        >"$pcap.fields" 2>"$pcap.tshark.err"
    local trc=$?
    if ((trc != 0)) || grep -qiE 'cut short|corrupt|appears to be damaged' "$pcap.tshark.err"; then
        it_error "tshark could not read $pcap (exit $trc): $(grep -v 'Running as user' "$pcap.tshark.err" | head -3)"
        return 1
    fi
    local out
    out=$(awk -F'|' -v want="$want_streams" -v mode="$mode" -v stack="$IT_STACK" '
        function bad(msg) { if (nbad < 10) print "  frame " $1 ": " msg; nbad++ }
        function bor(a, b,   r, bit) {
            for (bit = 1; bit <= 32; bit *= 2)
                if (a % (2 * bit) >= bit || b % (2 * bit) >= bit) r += bit
            return r + 0
        }
        function set(x) { return x == "1" || x == "True" }
        {
            frames++
            if ($2 ~ /_ws\.malformed/) bad("malformed packet")
            ffff = $9 ~ /0xffff instead of 0x0000/
            for (f = 5; f <= 7; f++) {
                n = split($f, v, ",")
                for (i = 1; i <= n; i++) {
                    if (v[i] != "0") continue
                    if (f == 6 && ffff && $10 != stack) { kernel_ffff++; continue }
                    bad("bad " (f == 5 ? "IP" : f == 6 ? "TCP" : "ICMP") " checksum from " $10 (ffff ? " (0xffff for 0x0000)" : ""))
                }
            }
            n = split($8, v, ",")
            split($9, m, ",")
            for (i = 1; i <= n; i++) if (v[i] + 0 >= 8388608) bad("expert error: " m[i])
            if ($3 != "") {
                s = $3 + 0
                if (!(s in comp)) { comp[s] = 0; nstreams++ }
                comp[s] = bor(comp[s], $4 + 0)
                if (set($11)) { if ($10 == stack) fin_s[s] = 1; else fin_k[s] = 1 }
                if (set($12)) {
                    if (!(fin_s[s] && fin_k[s])) early_rst[s] = $1
                    else if ($10 == stack) late_rst_stack[s] = $1
                    else late_rst_kernel[s] = $1
                }
            }
        }
        END {
            expect = mode ~ /^complete/ ? 31 : mode == "refused" ? 37 : mode == "syn-only" ? 1 : -1
            for (s in comp) {
                c = comp[s]
                if (c == expect) continue
                if (mode ~ /^complete/ && c == 63 && !(s in early_rst) && (mode == "complete-late-rst" || !(s in late_rst_stack))) {
                    late_rst++
                    continue
                }
                bad_stream = bad_stream sprintf(" stream %d=%d", s, c)
                if (s in early_rst) bad_stream = bad_stream sprintf(" (RST in frame %d, before both FINs)", early_rst[s])
                else if (s in late_rst_stack) bad_stream = bad_stream sprintf(" (RST from synack in frame %d)", late_rst_stack[s])
            }
            if (nbad > 10) print "  ... " nbad - 10 " more"
            if (mode == "none" && nstreams > 0) print "  " nstreams " TCP streams where none was expected"
            if (want >= 0 && nstreams != want) print "  " nstreams + 0 " TCP streams, expected " want
            if (bad_stream != "") {
                n = split(bad_stream, bs, " ")
                print "  tcp.completeness not " expect ":" (n > 20 ? " " n / 2 " streams, e.g." : "") substr(bad_stream, 1, 300)
            }
            printf "summary: %d frames, %d TCP streams", frames, nstreams
            if (late_rst) printf ", %d with a RST after both FINs", late_rst
            if (kernel_ffff) printf ", %d kernel segments with checksum 0xffff (RFC 1624)", kernel_ffff
            printf "\n"
        }' "$pcap.fields") || { it_error "awk failed on the tshark report of $pcap"; return 1; }
    grep -q '^summary:' <<<"$out" || { it_error "no summary from the tshark report of $pcap"; return 1; }
    local problems
    problems=$(grep -v '^summary:' <<<"$out")
    if [[ -n $problems ]]; then
        it_error "pcap $pcap:"$'\n'"$problems"
        return 1
    fi
    it_log "pcap $(basename "$pcap"): $(sed -n 's/^summary: //p' <<<"$out"); checksums good, nothing malformed, $mode"
    return 0
}

# it_fins_crossed PCAP: after it_check_pcap PCAP, for a single connection: each side's FIN left
# before the other's arrived (a simultaneous close, RFC 9293 §3.6 case 3), i.e. neither FIN's ACK
# field covers the other FIN. Prints yes or no.
it_fins_crossed() {
    awk -F'|' -v stack="$IT_STACK" '
        $11 != "1" && $11 != "True" { next }
        $10 == stack && !s { s = 1; sfin = $13 + $15; sack = $14 }
        $10 != stack && !k { k = 1; kfin = $13 + $15; kack = $14 }
        END { print (s && k && sack == kfin && kack == sfin) ? "yes" : "no" }' "$1.fields"
}

# --- ECN (RFC 3168) ----------------------------------------------------------------------------

# it_ce_mark: CE marks on the path, both ways, as an AQM would set them instead of dropping:
# iptables' TOS target rewrites the ECN field of every 20th ECT(0) packet that synack sends (mangle
# PREROUTING, as it enters the kernel, so synack's pcap still shows ECT(0)) and of every 4th the
# kernel sends (mangle POSTROUTING; the kernel hands the device segmentation-offload bursts, each
# one packet to netfilter, and all of a burst's segments get the mark). `--packet 0` marks the
# first of each. Not-ECT packets are never marked. Rules name the device, so they may come before
# it exists. A kernel without the ecn, statistic or TOS matches/targets skips the test.
# (Not `tc ... netem ecn` nor red/fq_codel: these kernels have none of those qdiscs.)
it_ce_mark() {
    local chain dir every
    for chain in PREROUTING POSTROUTING; do
        if [[ $chain == PREROUTING ]]; then dir=-i every=20; else dir=-o every=4; fi
        ns iptables -w -t mangle -A "$chain" "$dir" "$IT_TUN" -m ecn --ecn-ip-ect 2 \
            -m statistic --mode nth --every "$every" --packet 0 -j TOS --set-tos 0x03/0x03 \
            2>"$IT_DIR/iptables.err" ||
            it_skip "iptables cannot set CE (needs xt_ecn, xt_statistic and the TOS target): $(head -2 "$IT_DIR/iptables.err")"
    done
    it_log "CE marks: every 20th ECT(0) packet from synack, every 4th from the kernel (iptables TOS)"
}

# it_ce_marked CHAIN: packets the CHAIN's CE rule has marked.
it_ce_marked() {
    ns iptables -w -t mangle -nvxL "$1" | awk '/TOS/ { n += $1 } END { print n + 0 }'
}

# it_check_ecn PCAP ROLE ASK AGREED MARKED: what synack's capture shows of ECN, for one connection.
#   ROLE    listen or connect (which SYN is synack's)
#   ASK     1 when synack was told to ask (--ecn on): its SYN has ECE and CWR, else neither
#   AGREED  1 when ECN must be in use (RFC 3168 §6.1.1): synack's SYN,ACK (listen) has ECE and
#           not CWR; every data segment synack sends for the first time carries ECT(0), and the
#           kernel's carry ECT(0) or CE. 0: no ECE/CWR in synack's SYN,ACK, nothing ECT either way
#   MARKED  1 with it_ce_mark: CE reached synack, synack answered the first with ECE on its next
#           segment, and both sides sent ECE and CWR; 0: no CE, and no ECE or CWR after the SYNs
# Always: no SYN from synack is ECT (§6.1.1), nor a pure ACK (§6.1.4) nor a retransmission
# (§6.1.5: tshark's tcp.analysis.retransmission, with zero-window probes, §6.1.6); synack never
# sends CE or ECT(1); CWR only on data. Sets ECN_KERNEL_CE (CE-marked data segments that reached
# synack) and ECN_SYNACK_CWR (synack's segments with CWR), for the caller's cross-checks.
it_check_ecn() {
    local pcap=$1 role=$2 ask=$3 agreed=$4 marked=$5
    tshark -n -r "$pcap" -o tcp.analyze_sequence_numbers:TRUE -d tcp.port==1-65535,data \
        -Y 'tcp.analysis.retransmission || tcp.analysis.zero_window_probe' -T fields -e frame.number \
        >"$pcap.rtx" 2>"$pcap.rtx.err" || { it_error "tshark failed on $pcap: $(head -2 "$pcap.rtx.err")"; return 1; }
    tshark -n -r "$pcap" -o tcp.analyze_sequence_numbers:TRUE -d tcp.port==1-65535,data \
        -T fields -E separator='|' -e frame.number -e ip.src -e ip.dsfield.ecn -e tcp.flags.syn \
        -e tcp.flags.ack -e tcp.flags.ece -e tcp.flags.cwr -e tcp.len \
        >"$pcap.ecn" 2>"$pcap.ecn.err" || { it_error "tshark failed on $pcap: $(head -2 "$pcap.ecn.err")"; return 1; }
    local out
    out=$(awk -F'|' -v stack="$IT_STACK" -v role="$role" -v ask="$ask" -v agreed="$agreed" -v marked="$marked" '
        function set(x) { return x == "1" || x == "True" }
        function bad(msg) { if (nbad < 10) print "  frame " $1 ": " msg; nbad++ }
        function yn(x) { return x ? "set" : "clear" }
        FILENAME == ARGV[1] { rtx[$1] = 1; next }
        $4 == "" { next } # not TCP (the pings that wait for synack)
        {
            syn = set($4); ack = set($5); ece = set($6); cwr = set($7); len = $8 + 0; f = $3 + 0
            me = $2 == stack; first = len > 0 && !($1 in rtx)
        }
        syn && me {
            if (f) bad("synack SYN" (ack ? ",ACK" : "") " with ECN field " f ", not Not-ECT (RFC 3168 6.1.1)")
            if (!ack) {
                syn_s++
                if (ask ? !(ece && cwr) : ece || cwr) bad("synack SYN: ECE " yn(ece) ", CWR " yn(cwr) "; expected " (ask ? "both (an ECN-setup SYN)" : "neither"))
            } else {
                synack_s++
                if (agreed ? !(ece && !cwr) : ece || cwr) bad("synack SYN,ACK: ECE " yn(ece) ", CWR " yn(cwr) "; expected " (agreed ? "ECE alone (an ECN-setup SYN,ACK)" : "neither"))
            }
            next
        }
        syn { ksyn = ksyn (ack ? " SYN,ACK" : " SYN") (ece ? "+ECE" : "") (cwr ? "+CWR" : ""); next }
        me {
            if (f == 1 || f == 3) bad("synack sent ECN field " f)
            if (first) {
                sdata++
                if (f == 2) sect++
                if (f != (agreed ? 2 : 0)) bad("synack data with ECN field " f ", expected " (agreed ? "ECT(0) (2)" : "Not-ECT (0)"))
            } else if (len > 0) {
                srtx++
                if (f) bad("synack retransmission or window probe with ECN field " f " (RFC 3168 6.1.5, 6.1.6)")
            } else {
                sacks++
                if (f) bad("synack segment without data with ECN field " f " (RFC 3168 6.1.4)")
            }
            if (ece) { sece++; if (!kce) bad("synack ECE before any CE arrived") }
            if (cwr) { scwr++; if (!len) bad("synack CWR on a segment without data") }
            if (echo_due) { echo_due = 0; if (!ece) bad("synack segment after the first CE mark without ECE (RFC 3168 6.1.3)") }
            next
        }
        {
            if (first) {
                kdata++
                if (f == 3) { kce++; if (kce == 1) echo_due = 1 }
                if (agreed ? f < 2 : f != 0) bad("kernel data with ECN field " f ", expected " (agreed ? "ECT(0) or CE" : "Not-ECT"))
            }
            if (ece) kece++
            if (cwr) kcwr++
        }
        END {
            if (role == "connect" && syn_s == 0) print "  no SYN from synack"
            if (role == "listen" && synack_s == 0) print "  no SYN,ACK from synack"
            if (sdata == 0 || kdata == 0) print "  no data " (sdata ? "from the kernel" : "from synack")
            if (marked) {
                if (!kce) print "  no CE mark reached synack"
                if (!sece) print "  synack never sent ECE"
                if (!kece) print "  the kernel never sent ECE (for the CE marks on synack data)"
                if (!scwr) print "  synack never sent CWR"
                if (!kcwr) print "  the kernel never sent CWR"
            } else if (kce + sece + scwr + kece + kcwr) {
                printf "  ECN signals without CE marking: kernel CE %d ECE %d CWR %d, synack ECE %d CWR %d\n", kce, kece, kcwr, sece, scwr
            }
            if (nbad > 10) print "  ... " nbad - 10 " more"
            printf "summary: kernel%s; synack: %s%d/%d data segments ECT(0), %d retransmitted, %d without data, ECE on %d, CWR on %d; kernel: %d data segments, %d CE, ECE on %d, CWR on %d\n",
                ksyn, role == "listen" ? "SYN,ACK " (agreed ? "ECE, " : "plain, ") : "SYN " (ask ? "ECE+CWR, " : "plain, "),
                sect, sdata, srtx, sacks, sece, scwr, kdata, kce, kece, kcwr
            printf "counts: %d %d\n", kce, scwr
        }' "$pcap.rtx" "$pcap.ecn") || { it_error "awk failed on the ECN report of $pcap"; return 1; }
    # shellcheck disable=SC2034 # for the caller
    read -r ECN_KERNEL_CE ECN_SYNACK_CWR < <(sed -n 's/^counts: //p' <<<"$out")
    local problems
    problems=$(grep -vE '^(summary|counts):' <<<"$out")
    if [[ -n $problems ]]; then
        it_error "ECN in $pcap:"$'\n'"$problems"
        return 1
    fi
    it_log "ECN in $(basename "$pcap"): $(sed -n 's/^summary: //p' <<<"$out")"
    return 0
}

# --- urgent data (RFC 9293 §3.8.5, RFC 6093) ---------------------------------------------------

# it_check_urgent PCAP SYNACK_END KERNEL_END: the urgent pointers in synack's capture of one
# connection, at most one run of urgent data each way. END is how many octets of a side's stream
# go up to the end of its urgent data (0: it sends none): its last urgent octet has the relative
# sequence number END (the first data octet is 1) and the pointer must point to the octet after
# it, END + 1 (RFC 9293 §3.8.5 MUST-62, RFC 6093 §4; the kernel's urgent pointer too, whatever
# tcp_stdurg says, which is only how it reads one). Checked for each side:
#   - every segment with URG has seq + urgent pointer = END + 1, with a pointer above 0, and a
#     side with END 0 sends no URG
#   - the segment carrying octet END has URG
#   - synack (what RFC 9293 §3.8.5 asks of a sender): its urgent data is the first data it sends
#     (--urgent), so from its first segment with data or URG until the kernel acknowledges
#     END + 1, every segment it sends with seq <= END carries URG, pure ACKs and retransmissions
#     too
# tshark's relative sequence numbers (tcp.seq, tcp.ack); its urgent pointer is tcp.urgent_pointer.
it_check_urgent() {
    local pcap=$1 send=$2 kend=$3
    tshark -n -r "$pcap" -o tcp.relative_sequence_numbers:TRUE -d tcp.port==1-65535,data -Y tcp \
        -T fields -E separator='|' -e frame.number -e ip.src -e tcp.flags.syn -e tcp.seq -e tcp.ack \
        -e tcp.len -e tcp.flags.urg -e tcp.urgent_pointer \
        >"$pcap.urg" 2>"$pcap.urg.err" || { it_error "tshark failed on $pcap: $(head -2 "$pcap.urg.err")"; return 1; }
    local out
    out=$(awk -F'|' -v stack="$IT_STACK" -v send="$send" -v kend="$kend" '
        function set(x) { return x == "1" || x == "True" }
        function bad(msg) { if (nbad < 10) print "  frame " $1 ": " msg; nbad++ }
        {
            me = $2 == stack; who = me ? "synack" : "kernel"; end = me ? send : kend
            seq = $4 + 0; ack = $5 + 0; len = $6 + 0; urg = set($7); up = $8 + 0
        }
        !me && send && ack > send { acked = 1 }
        set($3) { if (urg) bad(who " SYN with URG"); next }
        urg {
            n[who]++
            if (!end) bad(who " sent URG (pointer " up ") with no urgent data to send")
            else if (up == 0 || seq + up != end + 1)
                bad(who " URG pointer " up " at seq " seq " points to " seq + up ", expected " end + 1 " (the octet after the urgent data)")
        }
        end && len && seq <= end && end < seq + len {
            carried[who]++
            if (!urg) bad(who " segment carrying the last urgent octet (seq " end ") without URG")
        }
        me && (urg || len) { started = 1 }
        me && started && !acked && seq <= send && !urg {
            bad("synack segment at seq " seq " (len " len ") before the end of its urgent data, not yet acknowledged, without URG")
        }
        END {
            if (send && !carried["synack"]) print "  no segment of synack carried its last urgent octet (seq " send ")"
            if (kend && !carried["kernel"]) print "  no segment of the kernel carried its last urgent octet (seq " kend ")"
            if (send && !acked) print "  the kernel never acknowledged synack urgent data"
            if (nbad > 10) print "  ... " nbad - 10 " more"
            printf "summary: synack %d segments with URG (urgent data ends at %d), kernel %d (ends at %d)\n", n["synack"], send, n["kernel"], kend
        }' "$pcap.urg") || { it_error "awk failed on the urgent report of $pcap"; return 1; }
    local problems
    problems=$(grep -v '^summary:' <<<"$out")
    if [[ -n $problems ]]; then
        it_error "urgent pointers in $pcap:"$'\n'"$problems"
        return 1
    fi
    it_log "urgent in $(basename "$pcap"): $(sed -n 's/^summary: //p' <<<"$out")"
    return 0
}
