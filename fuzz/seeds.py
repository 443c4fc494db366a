#!/usr/bin/env python3
"""Write the seed inputs of the fuzz targets into fuzz/corpus/: a few valid packets to start
from (the peer 10.0.0.2 talking to the stack at 10.0.0.1). Run from fuzz/: python3 seeds.py.
The files are committed; this shows how they were made."""
import os
import struct


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


PEER, US = b'\x0a\x00\x00\x02', b'\x0a\x00\x00\x01'


def ip(proto, payload, src=PEER, dst=US, frag=0x4000, ident=1):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0, src, dst)
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + payload


def tcp(sport, dport, seq, ack, flags, wnd, opts=b'', data=b'', src=PEER, dst=US):
    h = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, (20 + len(opts)) // 4 << 4, flags, wnd,
                    0, 0) + opts + data
    c = csum(src + dst + struct.pack('!BBH', 0, 6, len(h)) + h)
    return h[:16] + struct.pack('!H', c) + h[18:]


def icmp(type_, code, rest, payload):
    m = bytes([type_, code, 0, 0]) + rest + payload
    return m[:2] + struct.pack('!H', csum(m)) + m[4:]


def rec(flags, step, p):
    return bytes([flags, step]) + struct.pack('!H', len(p)) + p


opts = b'\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x00\x00\x64\x00\x00\x00\x00\x01\x03\x03\x07'
syn = ip(6, tcp(40000, 80, 1000, 0, 0x02, 65535, opts))
ack = ip(6, tcp(40000, 80, 1001, 1, 0x10, 65535))
data = ip(6, tcp(40000, 80, 1001, 1, 0x18, 65535, data=b'hello'))
fin = ip(6, tcp(40000, 80, 1006, 1, 0x11, 65535))
rst = ip(6, tcp(40000, 80, 1006, 0, 0x04, 0))
echo = ip(1, icmp(8, 0, b'\x00\x01\x00\x01', b'abcd'))
quote = ip(6, tcp(5000, 6000, 12345, 0, 0x02, 65535, src=US, dst=PEER), src=US, dst=PEER)[:28]
frag_needed = ip(1, icmp(3, 4, b'\x00\x00\x05\xdc', quote))
fragment = ip(1, (bytes([8, 0, 0, 0, 0, 1, 0, 2]) + b'x' * 40)[:24], frag=0x2000, ident=7)

os.makedirs('corpus/fuzz_wire', exist_ok=True)
os.makedirs('corpus/fuzz_stack', exist_ok=True)
for name, p in [('syn', syn), ('data', data), ('fin', fin), ('rst', rst), ('echo', echo),
                ('frag_needed', frag_needed), ('fragment', fragment)]:
    with open('corpus/fuzz_wire/' + name, 'wb') as f:
        f.write(p)
for name, recs in [
    ('handshake_data_close', [(7, 0, syn), (7, 1, ack), (7, 1, data), (7, 1, fin), (7, 200, b'')]),
    ('syn_then_rst', [(7, 0, syn), (7, 1, rst)]),
    ('echo_and_errors', [(7, 0, echo), (7, 1, frag_needed), (6, 1, fragment), (0, 255, b'')]),
    ('arp_request', [(8, 0, b'\xff' * 6 + b'\x02\x00\x00\x00\x00\x02\x08\x06' + struct.pack(
        '!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, b'\x02\x00\x00\x00\x00\x02', b'\x0a\x01\x00\x02',
        bytes(6), b'\x0a\x01\x00\x01'))]),
]:
    with open('corpus/fuzz_stack/' + name, 'wb') as f:
        f.write(b''.join(rec(*r) for r in recs))
