#!/usr/bin/env python3
"""The memory of a set of processes, as one figure and per process.

  stackmem.py [--json] [--files] NAME=PID...

Per process: VmRSS, PSS and USS (private pages) from /proc/PID/smaps_rollup.
For the set: the sum of the RSS (shared library pages counted once per
process), the sum of the PSS, and the union: the distinct physical pages
resident in any of them (from /proc/PID/pagemap; needs root), which is the
RSS the set would have as one process. The union is split by what the pages
are: the programs and libraries (file-backed), heap and stacks (anonymous),
and AF_PACKET rings and other socket/device mappings; --files lists the
file-backed part by file.
"""
import json
import os
import struct
import sys

PAGE = os.sysconf("SC_PAGE_SIZE")


def rollup(pid):
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[2] == "kB":
                out[parts[0].rstrip(":")] = int(parts[1])
    return out


def kind_of(path):
    """What a mapping's pages are: anon, file, socket/dev, kernel."""
    if not path:
        return "anon"
    if path.startswith("[heap]") or path.startswith("[stack"):
        return "anon"
    if path.startswith("["):
        return "kernel"  # vdso, vvar: not counted by RSS as user pages
    if path.startswith("socket:") or path.startswith("/dev/") or path.startswith("anon_inode"):
        return "socket/dev"
    return "file"


def pages(pid):
    """(pfn, kind, path) of every resident page of pid."""
    res = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/pagemap", "rb") as pm:
        for line in maps:
            f = line.split(None, 5)
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            path = f[5].strip() if len(f) > 5 else ""
            kind = kind_of(path)
            if kind == "kernel":
                continue
            n = (hi - lo) // PAGE
            pm.seek(lo // PAGE * 8)
            data = pm.read(n * 8)
            for (e,) in struct.iter_unpack("<Q", data):
                if e >> 63 & 1:
                    pfn = e & ((1 << 55) - 1)
                    if pfn == 0:
                        raise PermissionError("pagemap without PFNs: needs root")
                    res.append((pfn, kind, path))
    return res


def main(argv):
    as_json = "--json" in argv
    files = "--files" in argv
    procs = [a.split("=", 1) for a in argv if not a.startswith("--")]
    rows, union = [], {}
    for name, pid in procs:
        r = rollup(pid)
        uss = r.get("Private_Clean", 0) + r.get("Private_Dirty", 0)
        rows.append({"name": name, "pid": int(pid), "rss_kb": r.get("Rss", 0),
                     "pss_kb": r.get("Pss", 0), "uss_kb": uss})
        for pfn, kind, path in pages(pid):
            union.setdefault(pfn, (kind, path))
    by_kind, by_file = {}, {}
    for kind, path in union.values():
        by_kind[kind] = by_kind.get(kind, 0) + PAGE // 1024
        if kind == "file":
            by_file[path] = by_file.get(path, 0) + PAGE // 1024
    total = {"sum_rss_kb": sum(r["rss_kb"] for r in rows),
             "sum_pss_kb": sum(r["pss_kb"] for r in rows),
             "sum_uss_kb": sum(r["uss_kb"] for r in rows),
             "union_kb": len(union) * PAGE // 1024,
             "union_by_kind_kb": by_kind}
    if as_json:
        print(json.dumps({"procs": rows, "total": total}))
        return 0
    print(f"{'daemon':<12} {'pid':>7} {'RSS kB':>8} {'PSS kB':>8} {'USS kB':>8}")
    for r in rows:
        print(f"{r['name']:<12} {r['pid']:>7} {r['rss_kb']:>8} {r['pss_kb']:>8} {r['uss_kb']:>8}")
    print(f"{'sum':<12} {'':>7} {total['sum_rss_kb']:>8} {total['sum_pss_kb']:>8} "
          f"{total['sum_uss_kb']:>8}")
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items()))
    print(f"union of resident pages: {total['union_kb']} kB ({kinds})")
    if files:
        for path, kb in sorted(by_file.items(), key=lambda x: -x[1]):
            print(f"  {kb:>6} kB  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
