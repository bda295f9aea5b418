#!/usr/bin/env python3
"""A numbered UDP stream for roaming tests.

  udp_stream.py recv PORT SECS          count what arrives for SECS seconds;
                                        print "recv N" and each gap in the
                                        sequence as "lost FIRST COUNT T" (T:
                                        the arrival time, epoch seconds, of
                                        the packet after the gap)
  udp_stream.py send HOST PORT PPS SECS send PPS packets a second (64 bytes,
                                        a sequence number) for SECS seconds;
                                        print "sent N"
"""
import socket
import struct
import sys
import time


def recv(port, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    end = time.monotonic() + secs
    expect = None
    n = 0
    dup = 0
    lost = []
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            d = s.recv(2048)
        except socket.timeout:
            break
        if len(d) < 8:
            continue
        (seq,) = struct.unpack("!Q", d[:8])
        n += 1
        if expect is None or seq == expect:
            expect = seq + 1
        elif seq > expect:
            lost.append((expect, seq - expect, time.time()))
            expect = seq + 1
        else:
            dup += 1  # late or duplicate: counted, not a loss
    print(f"recv {n} late {dup} last {expect}")
    for first, count, t in lost:
        print(f"lost {first} {count} {t:.3f}")
    return 0


def send(host, port, pps, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    step = 1.0 / pps
    t0 = time.monotonic()
    seq = 0
    pad = b"\0" * 56
    while True:
        due = t0 + seq * step
        if due - t0 >= secs:
            break
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        try:
            s.sendto(struct.pack("!Q", seq) + pad, (host, port))
        except OSError:
            pass  # no route or neighbour for a moment: the packet is lost
        seq += 1
    print(f"sent {seq}")
    return 0


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "recv":
        sys.exit(recv(int(a[2]), float(a[3])))
    sys.exit(send(a[2], int(a[3]), float(a[4]), float(a[5])))
