#!/usr/bin/env python3
"""N concurrent clients, each doing R requests of PATH on HOST:PORT, a new
TCP connection per request (a phone opening the page). Prints one line:
requests, errors, p50/p99/max latency in ms, requests per second.

  webui_load.py HOST PORT PATH CLIENTS REQUESTS_EACH
"""
import http.client
import sys
import threading
import time

host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
clients, each = int(sys.argv[4]), int(sys.argv[5])
lat, errors = [], [0]
lock = threading.Lock()
go = threading.Event()


def client():
    go.wait()
    mine = []
    for _ in range(each):
        t0 = time.perf_counter()
        try:
            c = http.client.HTTPConnection(host, port, timeout=10)
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            c.close()
            if r.status != 200:
                raise OSError(r.status)
            mine.append(time.perf_counter() - t0)
        except (OSError, http.client.HTTPException):
            with lock:
                errors[0] += 1
    with lock:
        lat.extend(mine)


ts = [threading.Thread(target=client) for _ in range(clients)]
for t in ts:
    t.start()
t0 = time.perf_counter()
go.set()
for t in ts:
    t.join()
wall = time.perf_counter() - t0
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")
print(f"requests {len(lat)} errors {errors[0]} p50_ms {q(0.50):.2f} p99_ms {q(0.99):.2f} "
      f"max_ms {q(1.0):.2f} rps {len(lat) / wall:.0f}")
