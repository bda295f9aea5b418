#!/usr/bin/env python3
"""Growth trend of the soak's samples (churn.sh): per daemon, a least-squares
slope of memory and of the descriptor count against time, pooled within
each process lifetime (a restarted process is compared only with itself,
and its first sample, taken while it was still learning the mesh, is
left out). Growth over the run = slope x the run's span; it is growth when
it reaches the tolerance: memory max(256 kB, 5 % of the mean), descriptors
1 per process. Memory is judged on RssAnon (heap, stacks: what a leak
grows); VmRSS is shown too, but its file-backed part (the binary, libc)
comes and goes with the host's page reclaim. Exit 1 on growth.
   trend.py SAMPLES.tsv   (t round node daemon pid rss_kb anon_kb fds)"""
import sys
from collections import defaultdict

MEM_TOL_KB, MEM_TOL_FRAC, FD_TOL = 256, 0.05, 1.0


def pooled_slope(groups):
    """slope of y on t with one intercept per group (fixed effects)"""
    sxy = sxx = 0.0
    for pts in groups:
        mt = sum(t for t, _ in pts) / len(pts)
        my = sum(y for _, y in pts) / len(pts)
        sxy += sum((t - mt) * (y - my) for t, y in pts)
        sxx += sum((t - mt) ** 2 for t, _ in pts)
    return sxy / sxx if sxx > 0 else None


def load(path):
    life = defaultdict(list)  # (daemon, node, pid) -> [(t, round, rss, anon, fds)]
    with open(path) as f:
        next(f)
        for line in f:
            t, rnd, node, daemon, pid, rss, anon, fds = line.split("\t")
            life[(daemon, node, pid)].append((int(t), int(rnd), int(rss), int(anon), int(fds)))
    return life


def lifetimes(life, daemon):
    """the daemon's lifetimes with 2+ usable samples"""
    out = []
    for (d, node, pid), v in sorted(life.items()):
        if d != daemon:
            continue
        if v[0][1] > 0:  # started again during the run: first sample out
            v = v[1:]
        if len(v) >= 2:
            out.append((node, pid, v))
    return out


def report(daemon, lives, span):
    """prints one daemon's line; True if it grows"""
    col = lambda i: [[(s[0], s[i]) for s in v] for _, _, v in lives]
    rss, anon, fds = (pooled_slope(col(i)) for i in (2, 3, 4))
    n = sum(len(v) for _, _, v in lives)
    mean = sum(s[3] for _, _, v in lives for s in v) / n
    tol = max(MEM_TOL_KB, MEM_TOL_FRAC * mean)
    ag, fg = anon * span, fds * span
    bad_a, bad_f = ag >= tol, fg >= FD_TOL
    rise = max((v[-1][3] - v[0][3], node, pid) for node, pid, v in lives)
    print(f"  {daemon:9} {len(lives)} lifetimes, {n} samples: anon {anon * 3600:+.0f} kB/h "
          f"({ag:+.1f} kB over the run; mean {mean:.0f} kB, tolerance {tol:.0f}) "
          f"{'GROWTH' if bad_a else 'ok'}; fds {fds * 3600:+.2f}/h ({fg:+.2f} over the run) "
          f"{'GROWTH' if bad_f else 'ok'}; VmRSS {rss * 3600:+.0f} kB/h; "
          f"largest anon rise in one lifetime {rise[0]:+d} kB ({rise[1]} pid {rise[2]})")
    return bad_a or bad_f


def main():
    life = load(sys.argv[1])
    span = max((s[0] for v in life.values() for s in v), default=0)
    growth = False
    print(f"trend over {span} s (least squares within each process lifetime; tolerance: "
          f"anon max({MEM_TOL_KB} kB, {MEM_TOL_FRAC:.0%} of mean), fds {FD_TOL:g} per process):")
    for daemon in sorted({k[0] for k in life}):
        lives = lifetimes(life, daemon)
        if not lives:
            print(f"  {daemon:9} too few samples for a trend")
            continue
        growth |= report(daemon, lives, span)
    print("0 growth trend" if not growth else "growth found")
    return 1 if growth else 0


sys.exit(main())
