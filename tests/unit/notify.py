#!/usr/bin/env python3
"""A daemon under systemd (issue 16): with NOTIFY_SOCKET it says READY=1
once running (with a STATUS=), RELOADING=1 (with MONOTONIC_USEC=) and
READY=1 around a SIGHUP reload, STOPPING=1 on SIGTERM; with stderr on the
journal (JOURNAL_STREAM = its device:inode) each log line is
"<level>text", without the time and name the journal adds itself.
NOTIFY_SOCKET as a path, then as "@name" (the abstract namespace).
webuid on an unprivileged port stands for every daemon (common/daemon.c).
  notify.py WEBUID"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time


def run(webuid, abstract):
    d = tempfile.mkdtemp()
    conf = os.path.join(d, "node.conf")
    with open(conf, "w") as f:
        f.write("config lime 'system'\n\toption primary_mac '02:00:00:00:00:01'\n"
                f"\toption user ''\nconfig lime 'network'\n\toption webui_port '{38000 + os.getpid() % 1000}'\n"
                f"\toption webui_state_dir '{d}'\n")
    sock_path = os.path.join(d, "notify")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if abstract:
        sock_path = f"@softmesh-notify-test-{os.getpid()}"
        s.bind("\0" + sock_path[1:])
    else:
        s.bind(sock_path)
    s.settimeout(10)
    err_path = os.path.join(d, "stderr")
    err = open(err_path, "w")
    st = os.fstat(err.fileno())
    env = dict(os.environ, NOTIFY_SOCKET=sock_path, SOFTMESH_RUNDIR=d,
               JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
    p = subprocess.Popen([webuid, "-c", conf], env=env, stderr=err, stdout=err)
    got = []

    def expect(word):
        while True:
            try:
                msg = s.recv(4096).decode()
            except socket.timeout:
                sys.exit(f"notify: no {word} (got {got}); stderr: {open(err_path).read()}")
            got.append(msg)
            if word in msg.split("\n"):
                return msg

    try:
        m = expect("READY=1")
        assert any(l.startswith("STATUS=running") for l in m.split("\n")), m
        p.send_signal(signal.SIGHUP)
        m = expect("RELOADING=1")
        assert any(l.startswith("MONOTONIC_USEC=") for l in m.split("\n")), m
        expect("READY=1")
        p.send_signal(signal.SIGTERM)
        expect("STOPPING=1")
        p.wait(10)
    finally:
        if p.poll() is None:
            p.kill()
    lines = open(err_path).read().splitlines()
    bad = [l for l in lines if not (l[:1] == "<" and l[2:3] == ">" and l[1].isdigit())]
    if not lines or bad:
        sys.exit(f"journal: lines without <level>: {bad or 'none logged'}")
    if not any(l.startswith("<5>running") for l in lines):
        sys.exit(f"journal: no '<5>running' notice: {lines}")
    print(f"sd_notify to {sock_path}: {[g.split(chr(10))[0] for g in got]}; journal lines: {len(lines)}, e.g. {lines[-1]!r}")


def main():
    run(sys.argv[1], False)
    run(sys.argv[1], True)


if __name__ == "__main__":
    main()
