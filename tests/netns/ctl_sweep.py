#!/usr/bin/env python3
"""One control-socket request to many daemons, from one process.

    ctl_sweep.py JSON_REQUEST FIELD SOCKET...

Prints, per socket, the FIELD of the reply's data (or "-" when there is
none: no socket, no answer, an error). Unix sockets are reached from any
namespace, so a whole lab is swept in milliseconds (meshctl through
`meshlab exec` takes tens of ms per node).
"""
import json
import socket
import sys


def ask(path, req):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2.0)
    try:
        s.connect(path)
        s.sendall(req.encode() + b"\n")
        buf = b""
        while b"\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        return json.loads(buf.split(b"\n")[0])
    except (OSError, ValueError):
        return None
    finally:
        s.close()


def main():
    req, field = sys.argv[1], sys.argv[2]
    for path in sys.argv[3:]:
        rep = ask(path, req)
        data = rep.get("data") if isinstance(rep, dict) else None
        val = data.get(field) if isinstance(data, dict) else None
        print(path, "-" if val is None else val)


if __name__ == "__main__":
    main()
