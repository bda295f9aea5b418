#!/usr/bin/env python3
"""A TCP echo stream for roaming tests.

  tcp_echo.py serve PORT            echo every byte back, one connection
  tcp_echo.py stream HOST PORT SECS send 64 bytes every 20 ms, read the echo,
                                    print the longest gap and the count
Exits non-zero if the stream breaks (reset, timeout of 30 s, short echo).
"""
import socket
import sys
import time


def serve(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(1)
    c, _ = s.accept()
    while True:
        d = c.recv(65536)
        if not d:
            return 0
        c.sendall(d)


def stream(host, port, secs):
    c = socket.create_connection((host, port), timeout=30)
    c.settimeout(30)
    msg = b"x" * 64
    end = time.monotonic() + secs
    last = time.monotonic()
    gap = 0.0
    n = 0
    while time.monotonic() < end:
        c.sendall(msg)
        got = b""
        while len(got) < len(msg):
            d = c.recv(len(msg) - len(got))
            if not d:
                print("stream closed by peer")
                return 1
            got += d
        now = time.monotonic()
        gap = max(gap, now - last)
        last = now
        n += 1
        time.sleep(0.02)
    print(f"echoes {n} max_gap_ms {gap * 1000:.0f}")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        sys.exit(serve(int(sys.argv[2])))
    sys.exit(stream(sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
