#!/usr/bin/env python3
"""Polls many alfred sockets (leasesyncd's or alfred's) for one record.

    alfred_poll.py TYPE SOURCE_MAC TEXT TIMEOUT_S SOCKET...

Asks every socket for TYPE (an alfred REQUEST, as `alfred -r` sends it)
until each has a record from SOURCE_MAC whose data contains TEXT, or until
TIMEOUT_S. Prints one line per socket, "SOCKET SECONDS" (when it first had
the record, from the start) or "SOCKET -" (never), then "max SECONDS" or
"max -". Exit status 0 when every socket had it. Unix sockets are reached
from any namespace, so one process sweeps a whole lab in milliseconds.
"""
import socket
import struct
import sys
import time


def records(path, rtype):
    """(source, data) of every record of rtype the socket answers."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2.0)
    try:
        s.connect(path)
        s.sendall(struct.pack(">BBHBH", 2, 0, 3, rtype, 0x4242))
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    except OSError:
        return []
    finally:
        s.close()
    out, off = [], 0
    while off + 4 <= len(buf):
        mtype, _, mlen = struct.unpack(">BBH", buf[off:off + 4])
        msg = buf[off:off + 4 + mlen]
        off += 4 + mlen
        if mtype != 0 or len(msg) < 18:
            continue
        src = msg[8:14]
        dlen = struct.unpack(">H", msg[16:18])[0]
        out.append((":".join("%02x" % b for b in src), msg[18:18 + dlen]))
    return out


def main():
    rtype, src, text, limit = int(sys.argv[1]), sys.argv[2].lower(), sys.argv[3].encode(), float(sys.argv[4])
    socks = sys.argv[5:]
    first = {p: None for p in socks}
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit and any(v is None for v in first.values()):
        for p in socks:
            if first[p] is None and any(s == src and text in d for s, d in records(p, rtype)):
                first[p] = time.monotonic() - t0
        time.sleep(0.02)
    for p in socks:
        print(p, "-" if first[p] is None else "%.2f" % first[p])
    done = [v for v in first.values() if v is not None]
    print("max", "%.2f" % max(done) if len(done) == len(socks) else "-")
    return 0 if len(done) == len(socks) else 1


if __name__ == "__main__":
    sys.exit(main())
