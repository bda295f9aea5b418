#!/usr/bin/env python3
"""Host side of the VM command channel (init.sh serves the other side).

  vmctl.py exec SOCK TIMEOUT_S CMD   run CMD, copy its output, exit with its rc
  vmctl.py wait SOCK TIMEOUT_S PID   poll until the VM answers; print seconds;
                                     give up when process PID (qemu) exits
  vmctl.py send SOCK CMD             send CMD, do not wait (poweroff)

SOCK is qemu's unix socket for the VM's ttyS1. Exit 124: no answer in
time; 125: the channel itself failed (no socket, torn answer).
"""

import base64
import os
import re
import secrets
import socket
import sys
import time

# The VM's shell reads a request a byte at a time (about 25 KB/s under
# TCG) while qemu feeds the UART only as fast as the guest drains it;
# 46 KB commands (61 KB requests) were checked to arrive whole. The cap
# stays under the guest tty's 64 KB of buffering.
MAX_REQUEST = 60000
# time for the answer to cross the serial line after the VM-side timeout
ANSWER_SLACK_S = 5
# how often a booting VM is asked whether it listens yet
PROBE_S = 0.25


class ChannelError(Exception):
    pass


def request(marker, timeout_s, cmd):
    b64 = base64.b64encode(cmd.encode()).decode()
    # the leading newline ends whatever torn line an earlier client left
    line = f"\nSMK {marker} {timeout_s} {b64}\n".encode()
    if len(line) > MAX_REQUEST:
        raise ChannelError(f"command too long ({len(cmd)} bytes); send a file in pieces")
    return line


def parse(buf, marker):
    """(output, rc) once buf holds the whole answer to marker, else None."""
    m = re.search(re.escape(marker).encode() + rb" out (\d+)\n", buf)
    if not m:
        return None
    start = m.end()
    end = start + int(m.group(1))
    tail = buf[end:]
    want = f"{marker} rc=".encode()
    nl = tail.find(b"\n")
    if nl < 0:
        return None
    if not tail.startswith(want):
        raise ChannelError("answer torn: no rc line after the output")
    return buf[start:end], int(tail[len(want):nl])


def run(sock_path, timeout_s, cmd, deadline):
    marker = "smk-" + secrets.token_hex(8)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(sock_path)
        s.sendall(request(marker, timeout_s, cmd))
        buf = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            s.settimeout(left)
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                return None
            if not chunk:
                raise ChannelError("qemu closed the channel")
            buf += chunk
            done = parse(buf, marker)
            if done:
                return done
    finally:
        s.close()


def cmd_exec(sock_path, timeout_s, cmd):
    deadline = time.monotonic() + timeout_s + ANSWER_SLACK_S
    done = run(sock_path, timeout_s, cmd, deadline)
    if done is None:
        print(f"vmctl: no answer within {timeout_s} s", file=sys.stderr)
        return 124
    out, rc = done
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    return rc


def cmd_wait(sock_path, timeout_s, pid):
    t0 = time.monotonic()
    end = t0 + timeout_s
    while time.monotonic() < end:
        if not os.path.exists(f"/proc/{pid}"):
            print("vmctl: qemu exited before the VM answered", file=sys.stderr)
            return 1
        try:
            # one connection for the whole wait: a new one every second
            # lost what the VM had begun to answer on the old one
            if probe(sock_path, end, pid):
                print(f"{time.monotonic() - t0:.1f}")
                return 0
        except (OSError, ChannelError):
            pass
        # qemu makes the socket a moment after it starts
        time.sleep(0.1)
    print(f"vmctl: no answer within {timeout_s:g} s", file=sys.stderr)
    return 124


def probe(sock_path, end, pid):
    """True once the VM answers one of the probes sent every PROBE_S on
    one connection. Probes sent before the VM reads its serial port are
    lost or torn; the VM skips those and answers a later one. False when
    the connection closes, qemu exits or the time is up."""
    markers = []
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(sock_path)
        buf = b""
        while time.monotonic() < end and os.path.exists(f"/proc/{pid}"):
            markers.append("smk-" + secrets.token_hex(8))
            s.sendall(request(markers[-1], 2, "true"))
            s.settimeout(PROBE_S)
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                return False
            buf += chunk
            if any(parse(buf, m) for m in markers):
                return True
            del markers[:-64]	# the VM answers a recent one
        return False
    finally:
        s.close()


def cmd_send(sock_path, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.sendall(request("smk-send", 5, cmd))
    # give qemu the bytes before the close drops what it has not read
    time.sleep(0.5)
    s.close()
    return 0


def main(argv):
    try:
        if len(argv) == 5 and argv[1] == "exec":
            return cmd_exec(argv[2], int(argv[3]), argv[4])
        if len(argv) == 5 and argv[1] == "wait":
            return cmd_wait(argv[2], float(argv[3]), int(argv[4]))
        if len(argv) == 4 and argv[1] == "send":
            return cmd_send(argv[2], argv[3])
    except (OSError, ChannelError) as e:
        print(f"vmctl: {e}", file=sys.stderr)
        return 125
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
