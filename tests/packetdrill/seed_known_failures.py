#!/usr/bin/env python3
"""Write known-failures.txt from an actual run of synack-packetdrill over the corpus.

    seed_known_failures.py RUNNER CORPUS > tests/packetdrill/known-failures.txt

Each failing script gets one line, "path  reason", the reason being the category of its first
failure (the rules below: the RFC rule or FreeBSD choice involved, or what synack lacks) followed
by the runner's own words. Edit a line by hand when you know better; run again after a change to
the stack and review the diff.
"""
import re
import subprocess
import sys

# (pattern on the runner's reason, category) - first match wins.
RULES = [
    (r"IPv6 not yet", "IPv6 not yet"),
    (r"TCP MD5", "TCP MD5 (RFC 2385) not supported"),
    (r"UDP encapsulation", "TCP over UDP (RFC 6951) not supported"),
    (r"wscale 6.*actual: .*wscale \d.*option kind 3",
     "window scale: FreeBSD offers 6 (kern.ipc.maxsockbuf 2 MiB), synack less (its buffer): "
     "no maxsockbuf knob yet"),
    (r"flags: expected S?E", "ECN (RFC 3168) not yet"),
    (r"window: expected 65535",
     "receive window: FreeBSD rounds the buffer up to a multiple of the MSS (65700) and so still "
     "announces 65535 with data held; synack announces its free space"),
    (r"expected value 65700, actual",
     "SO_RCVBUF: FreeBSD rounds the receive buffer up to a multiple of the MSS (65700)"),
    (r"expected: \. .* but the stack sent nothing",
     "delayed ACK: FreeBSD ACKs every second segment of any size; synack every second "
     "full-sized one (RFC 5681 §4.2)"),
    (r"expected: S .*timing",
     "SYN retransmission timing: FreeBSD adds rexmit_slop (200 ms) to the backed-off RTO; "
     "synack doubles it exactly"),
    (r"unexpected packet: R .* at 0\.1",
     "SYN,ACK at a listener: FreeBSD drops it; synack resets it (RFC 9293 §3.10.7.2)"),
    (r"drop_synfin=1", "net.inet.tcp.drop_synfin=1 not yet: synack processes SYN+FIN"),
    (r"setsockopt\(\) = -1 ENOPROTOOPT",
     "IP_TOS / IP_TTL socket options not yet"),
    (r"TCP_KEEPINIT", "TCP_KEEPINIT (connection-establishment timer) not yet"),
    (r"after the stack started",
     "a sysctl changed mid-script needs a runtime stack knob (not yet)"),
    (r"ECONNREFUSED\), actual 0|EHOSTUNREACH\), actual 0|ECONNREFUSED\), actual 92",
     "ICMP error in SYN-SENT: FreeBSD aborts with ECONNREFUSED/EHOSTUNREACH, synack does not "
     "(or with another errno)"),
    (r"read\(\) = -1 EAGAIN, expected 3",
     "data on a SYN in SYN-SENT: FreeBSD keeps it for after the handshake, synack drops it"),
]


def category(reason):
    for pattern, text in RULES:
        if re.search(pattern, reason):
            return text
    return "uncategorized"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    runner, corpus = sys.argv[1], sys.argv[2].rstrip("/")
    out = subprocess.run([runner, "--opt-layout", "bsd", corpus], capture_output=True, text=True)
    print("# Scripts of ../shared/packetdrill/tcp-testsuite known to fail, and why (the first")
    print("# failure). Written by seed_known_failures.py from a real run; see README.md.")
    for line in out.stdout.splitlines():
        m = re.match(r"FAIL (\S+): (.*)", line)
        if not m:
            continue
        path = m.group(1)[len(corpus) + 1:]
        reason = m.group(2)
        cat = category(reason)
        detail = re.sub(r"^script line \d+: ", "", reason)
        if cat in ("IPv6 not yet", "TCP MD5 (RFC 2385) not supported",
                   "TCP over UDP (RFC 6951) not supported"):
            print(f"{path}  {cat}")
        else:
            line_no = re.match(r"script line (\d+)", reason)
            where = f"line {line_no.group(1)}: " if line_no else ""
            print(f"{path}  {cat} ({where}{detail[:160]})")


if __name__ == "__main__":
    main()
