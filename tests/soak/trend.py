#!/usr/bin/env python3
"""Growth trend of the soak's samples (churn.sh): per daemon, a least-squares
slope of RSS and of the descriptor count against time, pooled within each
process lifetime (a restarted process is compared only with itself, and
its first sample, taken while it was still learning the mesh, is left
out). Growth over the run = slope x the run's span; it is growth when it
reaches the tolerance: RSS max(256 kB, 5 % of the mean), descriptors 1
per process. Exit 1 on growth.
   trend.py SAMPLES.tsv   (t round node daemon pid rss_kb fds)"""
import sys
from collections import defaultdict

RSS_TOL_KB, RSS_TOL_FRAC, FD_TOL = 256, 0.05, 1.0


def pooled_slope(groups):
    """slope of y on t with one intercept per group (fixed effects)"""
    sxy = sxx = 0.0
    for pts in groups:
        mt = sum(t for t, _ in pts) / len(pts)
        my = sum(y for _, y in pts) / len(pts)
        sxy += sum((t - mt) * (y - my) for t, y in pts)
        sxx += sum((t - mt) ** 2 for t, _ in pts)
    return sxy / sxx if sxx > 0 else None


def main():
    life = defaultdict(list)  # (daemon, node, pid) -> [(t, rss, fds)]
    with open(sys.argv[1]) as f:
        next(f)
        for line in f:
            t, rnd, node, daemon, pid, rss, fds = line.split("\t")
            life[(daemon, node, pid)].append((int(t), int(rnd), int(rss), int(fds)))
    span = max((s[0] for v in life.values() for s in v), default=0)
    growth = False
    print(f"trend over {span} s (least squares within each process lifetime; "
          f"tolerance: RSS max({RSS_TOL_KB} kB, {RSS_TOL_FRAC:.0%} of mean), fds {FD_TOL:g} per process):")
    for daemon in sorted({k[0] for k in life}):
        rss_g, fd_g, n_life, n_pts, rises = [], [], 0, 0, []
        for (d, node, pid), v in sorted(life.items()):
            if d != daemon:
                continue
            if v[0][1] > 0:  # restarted in the run: its first sample out
                v = v[1:]
            if len(v) < 2:
                continue
            n_life += 1
            n_pts += len(v)
            rss_g.append([(s[0], s[2]) for s in v])
            fd_g.append([(s[0], s[3]) for s in v])
            rises.append((v[-1][2] - v[0][2], node, pid))
        rs, fs = pooled_slope(rss_g), pooled_slope(fd_g)
        if rs is None:
            print(f"  {daemon:9} too few samples for a trend")
            continue
        mean = sum(y for g in rss_g for _, y in g) / n_pts
        tol = max(RSS_TOL_KB, RSS_TOL_FRAC * mean)
        rg, fg = rs * span, fs * span
        bad_r, bad_f = rg >= tol, fg >= FD_TOL
        growth |= bad_r or bad_f
        top = max(rises)
        print(f"  {daemon:9} {n_life} lifetimes, {n_pts} samples: RSS {rs * 3600:+.1f} kB/h "
              f"({rg:+.1f} kB over the run, mean {mean:.0f} kB, tolerance {tol:.0f}) "
              f"{'GROWTH' if bad_r else 'ok'}; fds {fs * 3600:+.2f}/h ({fg:+.2f} over the run) "
              f"{'GROWTH' if bad_f else 'ok'}; largest rise in one lifetime {top[0]:+d} kB ({top[1]} pid {top[2]})")
    print("0 growth trend" if not growth else "growth found")
    return 1 if growth else 0


sys.exit(main())
