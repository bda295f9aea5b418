#!/usr/bin/env python3
"""meshlab web's forwarder (doc/meshlab.md).

One python3 process on the host: it listens on ADDR:PORT in the host's
namespace and opens each connection to 127.0.0.1:80 from inside the
node's namespace (setns around the connect; a socket keeps the
namespace it was made in), then copies bytes both ways.

  meshlab-webfwd.py NAMESPACE ADDRESS PORT
"""
import ctypes, os, socket, sys, threading
ns, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
libc = ctypes.CDLL(None, use_errno=True)
host = os.open("/proc/self/ns/net", os.O_RDONLY)
node = os.open("/run/netns/" + ns, os.O_RDONLY)
lock = threading.Lock()
def inside():
    with lock:
        if libc.setns(node, 0x40000000):
            raise OSError(ctypes.get_errno(), "setns")
        try:
            return socket.create_connection(("127.0.0.1", 80), timeout=5)
        finally:
            libc.setns(host, 0x40000000)
def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
def serve(c):
    try:
        u = inside()
    except OSError:
        c.close()
        return
    u.settimeout(None)
    threading.Thread(target=pump, args=(c, u), daemon=True).start()
    pump(u, c)
l = socket.create_server((addr, port), reuse_port=False)
while True:
    c, _ = l.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
