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
    (r"ECN: expected 2, actual 0",
     "ECN in a simultaneous open after our plain SYN: RFC 3168 6.1.1 says a host that sent a "
     "non-ECN-setup SYN MUST NOT set ECT on data; FreeBSD does"),
    (r"after the stack started",
     "a sysctl changed mid-script needs a runtime stack knob (not yet)"),
    (r"\((tos|ttl): expected",
     "a RST for a bound socket that is not listening: FreeBSD sends it with the socket's "
     "IP_TOS / IP_TTL; synack's bound sockets have no TCB, so the stack's defaults go"),
    (r"ECONNREFUSED\), actual 0|EHOSTUNREACH\), actual 0|ECONNREFUSED\), actual 92",
     "ICMP errors in SYN-SENT: FreeBSD takes prohibited and TTL-exceeded as hard errors "
     "(RFC 1122 4.2.3.9 and RFC 5461 make them soft) and reports protocol unreachable as "
     "ECONNREFUSED (synack, as Linux: ENOPROTOOPT)"),
    (r"unexpected packet: \. 2:2\(0\) ack 2",
     "FreeBSD sends no ACK for the duplicate FIN whose ACK moves CLOSING to TIME-WAIT (the ACK "
     "it owes goes with the freed TCB); RFC 9293 3.10.7.4 says to acknowledge it"),
    (r"unexpected packet: R 34:34",
     "a SYN,ACK at a listener: FreeBSD drops it silently; RFC 9293 3.10.7.2 says to answer "
     "<SEQ=SEG.ACK><CTL=RST>, as synack does"),
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
    out = subprocess.run([runner, "--profile", "freebsd", corpus], capture_output=True, text=True)
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
