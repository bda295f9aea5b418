#!/usr/bin/env python3
"""How long a node took to forward each BATMAN IV OGM, from a capture of
all its interfaces (tcpdump -i any: Linux cooked v1 or v2 headers, which
say whether a frame came in or went out).

A forwarded OGM names in prev_sender the neighbour whose copy it repeats;
its delay is from when that copy came in (same originator and seqno, from
that neighbour's MAC) to when the repeat went out, once per port.

    ogm_delays.py PCAP      prints: count median p95 max (seconds)
"""
import struct
import sys

ETH_P_8021AD = 0x88A8
ETH_P_8021Q = 0x8100
ETH_P_BATMAN = 0x4305
OGM_HLEN = 24
PACKET_OUTGOING = 4


def frames(path):
    """(time, outgoing, source MAC, ethertype, payload) of each frame"""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = "<"
    else:
        e = ">"
        magic = struct.unpack_from(">I", data, 0)[0]
    nano = magic == 0xA1B23C4D
    linktype = struct.unpack_from(e + "I", data, 20)[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack_from(e + "IIII", data, off)
        pkt = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        t = sec + frac / (1e9 if nano else 1e6)
        if linktype == 113 and len(pkt) >= 16:    # LINUX_SLL
            pkttype, _, halen = struct.unpack_from(">HHH", pkt, 0)
            src = pkt[6:6 + min(halen, 6)]
            proto = struct.unpack_from(">H", pkt, 14)[0]
            rest = pkt[16:]
        elif linktype == 276 and len(pkt) >= 20:  # LINUX_SLL2
            proto = struct.unpack_from(">H", pkt, 0)[0]
            pkttype, halen = pkt[10], pkt[11]
            src = pkt[12:12 + min(halen, 6)]
            rest = pkt[20:]
        else:
            continue
        while proto in (ETH_P_8021AD, ETH_P_8021Q) and len(rest) >= 4:
            proto = struct.unpack_from(">H", rest, 2)[0]
            rest = rest[4:]
        yield t, pkttype == PACKET_OUTGOING, bytes(src), proto, rest


def ogms(payload):
    """(orig, seqno, prev_sender) of each OGM of an aggregate"""
    off = 0
    while off + OGM_HLEN <= len(payload) and payload[off] == 0:
        seqno = struct.unpack_from(">I", payload, off + 4)[0]
        orig = bytes(payload[off + 8:off + 14])
        prev = bytes(payload[off + 14:off + 20])
        tvlv_len = struct.unpack_from(">H", payload, off + 22)[0]
        yield orig, seqno, prev
        off += OGM_HLEN + tvlv_len


def main():
    heard = {}
    sent = []
    for t, out, src, proto, payload in frames(sys.argv[1]):
        if proto != ETH_P_BATMAN:
            continue
        for orig, seqno, prev in ogms(payload):
            if out:
                sent.append((t, orig, seqno, prev))
            else:
                heard.setdefault((orig, seqno, src), t)
    delays = sorted(t - heard[(o, s, p)] for t, o, s, p in sent if (o, s, p) in heard)
    if not delays:
        print("0 0 0 0")
        return
    n = len(delays)
    print("%d %.3f %.3f %.3f" % (n, delays[n // 2], delays[min(n - 1, n * 95 // 100)],
                                 delays[-1]))


if __name__ == "__main__":
    main()
