#!/usr/bin/env python3
"""ctljunk: a control-socket client that streams junk as fast as it can,
for tests/netns/ctl_junk.sh (issue 12).

    ctljunk.py SOCKET MODE SECONDS

MODE:
  random  random bytes (the odd newline ends a line: bad json)
  line    one endless line without a newline (too long, skipped)
  cmds    valid requests back to back ({"cmd":"statistics"})
  half    64 clients (every slot) each holding half a request, silent

It reads and drops whatever the daemon answers, so it is never cut off
as a client that stops reading; if the daemon closes the connection it
connects again. At the end it prints "MODE: sent N MiB, received N KiB,
N connections".
"""
import os
import selectors
import socket
import sys
import time

CHUNK = 65536
SO_SNDBUFFORCE = 32     # linux; root may pass net.core.wmem_max
SNDBUF = 16 << 20       # bytes in flight: a daemon that reads until it
                        # is drained finds this much every time it looks


def payload(mode):
    if mode == "random":
        return os.urandom(1 << 20)
    if mode == "line":
        return b"x" * (1 << 20)
    if mode == "cmds":
        line = b'{"cmd":"statistics"}\n'
        return line * ((1 << 20) // len(line))
    sys.exit("ctljunk: unknown mode %r (random, line, cmds)" % mode)


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, SNDBUF)
    except PermissionError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SNDBUF)
    s.connect(path)
    s.setblocking(False)
    return s


def half(path, secs):
    """Every slot taken by a client stuck in half a request."""
    held, closed = [], 0
    for _ in range(64):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            s.sendall(b'{"cmd":')
            held.append(s)
        except OSError:
            closed += 1
    time.sleep(secs)
    for s in held:
        # closed: EOF, after an error line or not (a client the daemon
        # refused because every slot was taken gets one before its EOF)
        try:
            s.setblocking(False)
            while True:
                chunk = s.recv(4096)
                if chunk == b"":
                    closed += 1
                    break
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    print("half: %d clients held half a request, %d of them closed by the daemon"
          % (len(held), closed))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    path, mode, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
    if mode == "half":
        half(path, secs)
        return
    data = payload(mode)
    sent = received = off = 0
    conns = 1
    s = connect(path)
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        for _key, ev in sel.select(timeout=0.1):
            try:
                if ev & selectors.EVENT_READ:
                    got = s.recv(CHUNK)
                    if not got:
                        raise ConnectionResetError
                    received += len(got)
                if ev & selectors.EVENT_WRITE:
                    n = s.send(data[off:off + CHUNK])
                    sent += n
                    off = (off + n) % (len(data) - CHUNK)
            except BlockingIOError:
                pass
            except (ConnectionResetError, BrokenPipeError):
                sel.unregister(s)
                s.close()
                s = connect(path)
                conns += 1
                sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
                break
    print("%s: sent %.1f MiB, received %.1f KiB, %d connections"
          % (mode, sent / 1048576, received / 1024, conns))


if __name__ == "__main__":
    main()
