#!/usr/bin/env python3
"""Send hand-made gateway tunnel packets (doc/l3route-gateways.md).

A tunnel packet is a UDP/IPv6 datagram to the gateway's node address and
tunnel port whose payload is one IP packet. This tool builds an IPv4 ICMP
echo request (the inner packet) and sends it, COUNT times, from an outer
source of our choosing:

  gwspoof.py --dst GW_NODE_ADDR --port PORT --src OUTER_SRC
             --inner-src A --inner-dst B [--len N] [--count N] [--id N]
             [--header HEX]

--src may be an address this namespace does not own (a spoofed sender):
the socket is bound with IPV6_FREEBIND, so the kernel sends with it as is.
--src '' lets the kernel pick the source. --len is the ICMP payload size,
so a counter at the far end can tell one test case from another by the IP
length (20 + 8 + len). --header puts bytes before the inner packet, in
case the tunnel format carries one. Prints what it sent; exit 0 when every
datagram was handed to the kernel.
"""
import argparse
import socket
import struct
import sys
import time

IPV6_FREEBIND = 78  # linux/in6.h; not exported by every Python


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def icmp4_echo(src, dst, ident, seq, length):
    payload = bytes((i * 7 + seq) & 0xFF for i in range(length))
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    tot = 20 + len(icmp)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, (ident + seq) & 0xFFFF,
                      0x4000, 64, 1, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + icmp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dst", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--src", default="")
    ap.add_argument("--inner-src", required=True)
    ap.add_argument("--inner-dst", required=True)
    ap.add_argument("--len", type=int, default=100)
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--id", type=int, default=0x5e5e)
    ap.add_argument("--header", default="")
    ap.add_argument("--interval", type=float, default=0.02)
    a = ap.parse_args()

    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    if a.src:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
        s.bind((a.src, 0))
    head = bytes.fromhex(a.header)
    sent = 0
    for seq in range(1, a.count + 1):
        pkt = head + icmp4_echo(a.inner_src, a.inner_dst, a.id, seq, a.len)
        try:
            s.sendto(pkt, (a.dst, a.port))
            sent += 1
        except OSError as e:
            print(f"send {seq}: {e}", file=sys.stderr)
        time.sleep(a.interval)
    print(f"sent {sent}/{a.count} from [{a.src or 'auto'}] to [{a.dst}]:{a.port} "
          f"inner {a.inner_src} -> {a.inner_dst} ip length {28 + a.len}")
    return 0 if sent == a.count else 1


if __name__ == "__main__":
    sys.exit(main())
