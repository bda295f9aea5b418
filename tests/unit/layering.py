#!/usr/bin/env python3
"""The house's structure, checked on the built objects and the tree:

* the files of each pure core form no loop (strongly connected components
  of the file graph "calls a function defined in"), so modules stay
  layered (issue 10: the l2mesh core's files were one loop of eleven);
* a core calls nothing of libev, libnl, json-c or the socket API
  (DESIGN.md: cores are pure, time and effects come through the env);
* no source file outside tests/ is over 1,500 lines (STYLE.md).

Usage: layering.py SOURCE_ROOT NAME=ARCHIVE...
"""
import os
import subprocess
import sys

MAX_LINES = 1500
# what a pure core may not call: event loop, netlink, JSON, sockets, files
FORBIDDEN = ("ev_", "nl_", "rtnl_", "json_", "socket", "bind", "connect",
             "sendto", "recvfrom", "sendmsg", "recvmsg", "open", "fopen",
             "ioctl", "poll", "epoll_", "pcap_")


def nm(archive):
    """(defined symbol -> object, object -> undefined symbols) of an archive."""
    out = subprocess.run(["nm", "-A", archive], capture_output=True, text=True,
                         check=True).stdout
    defs, uses = {}, {}
    for line in out.splitlines():
        loc, _, rest = line.rpartition(":")
        obj = os.path.basename(loc.split(":")[-1]).replace(".c.o", "")
        parts = rest.split()
        uses.setdefault(obj, set())
        if len(parts) == 3 and parts[1] in "TDBR":
            defs[parts[2]] = obj
        elif len(parts) == 2 and parts[0] == "U":
            uses[obj].add(parts[1])
    return defs, uses


def loops(defs, uses):
    """The strongly connected components of more than one file (Tarjan)."""
    graph = {f: {defs[s] for s in us if s in defs and defs[s] != f}
             for f, us in uses.items()}
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def impure(defs, uses):
    bad = []
    for obj, us in sorted(uses.items()):
        for s in sorted(us):
            if s not in defs and s.startswith(FORBIDDEN):
                bad.append(f"{obj} calls {s}")
    return bad


def long_files(root):
    bad = []
    for d, subdirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        # subprojects/: libraries fetched at setup (libmicrohttpd), not ours
        subdirs[:] = [s for s in subdirs if not s.startswith((".", "build"))
                      and not (rel == "." and s in ("tests", "subprojects"))]
        for f in files:
            if f.endswith((".c", ".h", ".in", ".sh", ".py")):
                with open(os.path.join(d, f), errors="replace") as fh:
                    n = sum(1 for _ in fh)
                if n > MAX_LINES:
                    bad.append(f"{os.path.join(rel, f)}: {n} lines")
    return bad


def main():
    root, cores = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
    fails = []
    for name, archive in cores:
        defs, uses = nm(archive)
        for comp in loops(defs, uses):
            fails.append(f"{name}: files in a loop: {' '.join(comp)}")
        fails += [f"{name}: {b}" for b in impure(defs, uses)]
        print(f"{name}: {len(uses)} files, no loop" if not loops(defs, uses)
              else f"{name}: loops", file=sys.stderr)
    fails += long_files(root)
    for f in fails:
        print("FAIL:", f, file=sys.stderr)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
