#!/usr/bin/env python3
"""webuid's API against a live lab (issue 14), run in a client's namespace
so every request goes to http://thisnode.info (anycastd's DNS, the anycast
address, the client's own node).

  webui_api.py HOST RUNDIR MESHCTL

RUNDIR is the node's run directory (node.conf, control sockets), MESHCTL
the meshctl to cross-check with. Prints one line per check; exits 1 on
the first failure.
"""
import hashlib
import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import time

HOST, RUNDIR, MESHCTL = sys.argv[1:4]
NODE_CONF = RUNDIR + "/node.conf"
PASSWORD = "correct horse battery"
checks = 0


def ok(what):
    global checks
    checks += 1
    print(f"ok {checks} - {what}", flush=True)


def fail(what):
    print(f"FAIL: {what}", flush=True)
    sys.exit(1)


def check(cond, what):
    if not cond:
        fail(what)
    ok(what)


def req(method, path, body=None, cookie=None, csrf=None, headers=None, raw=None):
    """(status, headers dict, body bytes)"""
    c = http.client.HTTPConnection(HOST, 80, timeout=10)
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = cookie
    if csrf:
        h["X-CSRF-Token"] = csrf
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None:
        h.setdefault("Content-Type", "application/json")
    c.putrequest(method, path, skip_accept_encoding=True)
    for k, v in h.items():
        c.putheader(k, v)
    if data is not None:
        c.putheader("Content-Length", str(len(data)))
    c.endheaders()
    if data is not None:
        c.send(data)
    r = c.getresponse()
    b = r.read()
    hd = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hd, b


def jreq(*a, **kw):
    st, hd, b = req(*a, **kw)
    try:
        return st, hd, json.loads(b) if b else None
    except ValueError:
        fail(f"{a[0]} {a[1]}: not JSON: {b[:200]!r}")


def cookie_of(hd):
    m = re.match(r"(sm_session=[0-9a-f]+);", hd.get("set-cookie", ""))
    return m.group(1) if m else None


def meshctl(*args):
    out = subprocess.run([MESHCTL, "--rundir", RUNDIR, *args], capture_output=True,
                         text=True, timeout=10)
    return out.stdout


def conf_md5():
    return hashlib.md5(open(NODE_CONF, "rb").read()).hexdigest()


def wait(cond, limit, what):
    t0 = time.time()
    while time.time() - t0 < limit:
        v = cond()
        if v:
            return v
        time.sleep(0.2)
    fail(f"{what} (waited {limit} s)")


# ------------------------------------------------------------------ reads
st = wait(lambda: (lambda r: r[2] if r[0] == 200 and all(
    d["running"] for d in r[2]["daemons"].values()) else None)(jreq("GET", "/api/status")),
    20, "status with every daemon connected")
ok(f"GET /api/status through http://{HOST}: node {st['node']['hostname']}, "
   f"{st['counts']['nodes']} nodes")
check(st["first_run"] is True, "a fresh node is in its first run")
hdrs = req("GET", "/")[1]
check("default-src 'self'" in hdrs.get("content-security-policy", "") and
      hdrs.get("x-frame-options") == "DENY", "pages carry CSP and X-Frame-Options")
for p in ("/api/neighbours", "/api/map", "/api/gateways", "/api/clients", "/api/settings",
          "/api/session"):
    s, _, b = jreq("GET", p)
    check(s == 200 and isinstance(b, dict), f"GET {p}")

# ------------------------------------------------------------- first run
s, _, b = jreq("POST", "/api/login", {"password": "whatever1"})
check(s == 409, f"login before any password is set: 409 ({b['error']})")
s, _, b = jreq("POST", "/api/setup", {"password": "short"})
check(s == 400, f"setup with a 5-character password: 400 ({b['error']})")
s, hd, b = jreq("POST", "/api/setup", {"password": PASSWORD})
cookie, csrf = cookie_of(hd), b.get("csrf")
check(s == 200 and cookie and csrf, "setup sets the password and logs in")
sc = hd.get("set-cookie", "")
check("HttpOnly" in sc and "SameSite=Strict" in sc, f"session cookie: {sc.split(';', 1)[1].strip()}")
s, _, b = jreq("POST", "/api/setup", {"password": "another password"})
check(s == 409, "setup a second time: 409")
check(jreq("GET", "/api/status")[2]["first_run"] is False, "first run is over")

# ---------------------------------------------------------- refusals
md5 = conf_md5()
s, _, b = jreq("POST", "/api/settings", {"hostname": "mallory"})
check(s == 401, f"a change without a session: 401 ({b['error']})")
s, _, b = jreq("POST", "/api/settings", {"hostname": "mallory"}, cookie=cookie)
check(s == 403, f"a change without the CSRF token: 403 ({b['error']})")
s, _, b = jreq("POST", "/api/settings", {"hostname": "mallory"}, cookie=cookie, csrf="0" * 64)
check(s == 403, "a change with a wrong CSRF token: 403")
s, _, b = jreq("POST", "/api/settings", {"hostname": "mallory"}, cookie=cookie, csrf=csrf,
               headers={"Origin": "http://evil.example"})
check(s == 403, f"a change from another origin: 403 ({b['error']})")
s, _, b = jreq("POST", "/api/settings", {"hostname": "mallory", "admin": True}, cookie=cookie,
               csrf=csrf)
check(s == 400 and "unknown field 'admin'" in b["error"], f"an unknown field: 400 ({b['error']})")
s, _, b = jreq("POST", "/api/settings", {"gateway": "yes"}, cookie=cookie, csrf=csrf)
check(s == 400, f"a field of the wrong type: 400 ({b['error']})")
s, _, b = jreq("POST", "/api/settings", raw=b"{\"hostname\":", cookie=cookie, csrf=csrf)
check(s == 400, f"a body that is not JSON: 400 ({b['error']})")
s, _, b = jreq("POST", "/api/settings", raw=b"[1,2]", cookie=cookie, csrf=csrf)
check(s == 400, "a body that is not an object: 400")
s, _, b = jreq("POST", "/api/settings", raw=b"{\"hostname\":\"" + b"a" * 20000 + b"\"}",
               cookie=cookie, csrf=csrf)
check(s == 413, f"a 20 kB body: 413 ({b['error']})")
# a body that grows past the limit without announcing its length
c = http.client.HTTPConnection(HOST, 80, timeout=10)
c.putrequest("POST", "/api/settings")
c.putheader("Cookie", cookie)
c.putheader("X-CSRF-Token", csrf)
c.putheader("Transfer-Encoding", "chunked")
c.endheaders()
try:
    for _ in range(20):
        c.send(b"400\r\n" + b"a" * 1024 + b"\r\n")
    c.send(b"0\r\n\r\n")
    r = c.getresponse()
    chunked = r.status
except (ConnectionError, http.client.HTTPException, socket.timeout):
    chunked = "closed"
check(chunked in (413, "closed"), f"a chunked body past 8 KiB: refused ({chunked})")
s, _, b = jreq("POST", "/api/settings", {"hostname": "bad name"}, cookie=cookie, csrf=csrf)
check(s == 400 and re.search(r"node\.conf:\d+: invalid value 'bad name' for hostname", b["error"]),
      f"a bad hostname is refused with the config library's message ({b['error']})")
s, _, b = jreq("POST", "/api/settings", {"gateway_bandwidth": "fast"}, cookie=cookie, csrf=csrf)
check(s == 400 and "gateway_bandwidth" in b["error"], f"a bad bandwidth: 400 ({b['error']})")
check(conf_md5() == md5, "node.conf is untouched by every refused change")
for p in ("/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/static/../../etc/shadow",
          "//etc/passwd", "/index.html/..", "/.%2e/webuid", "/app.js%00.html", "/..%2fetc%2fpasswd"):
    s, _, b = req("GET", p)
    check(s == 404 and b"root:" not in b, f"GET {p}: 404")
s, _, b = req("GET", "/index.html")
check(s == 200 and b.lstrip().lower().startswith(b"<!doctype html"), "GET /index.html: 200")
s, _, _ = req("DELETE", "/api/settings")
check(s == 405, "DELETE: 405")

# ------------------------------------------------------ event stream
events = []


def listen():
    c = http.client.HTTPConnection(HOST, 80, timeout=30)
    c.request("GET", "/api/events")
    r = c.getresponse()
    events.append(("status", r.status, r.getheader("Content-Type")))
    while len(events) < 50:
        line = r.fp.readline()
        if not line:
            break
        events.append(("line", line.decode().rstrip("\n")))


threading.Thread(target=listen, daemon=True).start()
wait(lambda: events, 5, "the event stream answers")
check(events[0][1] == 200 and events[0][2].startswith("text/event-stream"),
      "GET /api/events: text/event-stream")

# ------------------------------------------------------ gateway choice
gws = wait(lambda: (lambda g: g if len(g["gateways"]) >= 2 else None)(
    jreq("GET", "/api/gateways")[2]), 30, "two gateway offers")
sel = [g for g in gws["gateways"] if g["selected"]]
other = [g for g in gws["gateways"] if not g["selected"] and g["family"] == "ipv4"][0]
ok(f"gateways: {', '.join(g['name'] for g in gws['gateways'])}; selected {sel[0]['name']}")
n_events = len(events)
s, _, b = jreq("POST", "/api/gateway", {"choice": other["name"]}, cookie=cookie, csrf=csrf)
check(s == 200 and b["preference"] == other["name"], f"choose {other['name']}: 200")
gw = json.loads(meshctl("gw", "--json"))
check(gw["preference"] == other["name"] and gw["preference_source"] == "meshctl",
      f"meshctl gw reports the preference {gw['preference']} ({gw['preference_source']})")
wait(lambda: [g for g in json.loads(meshctl("gw", "--json"))["gateways"]
              if g["hostname"] == other["name"] and g["selected"]], 10,
     "meshctl gw shows the chosen gateway selected")
ok(f"meshctl gw: {other['name']} selected")
wait(lambda: any(e[0] == "line" and e[1].startswith("data:") and '"gateways"' in e[1]
                 for e in events[n_events:]), 10, "an update event names the gateways read")
ok("the event stream told of the change")
s, _, b = jreq("POST", "/api/gateway", {"choice": "nobody-here"}, cookie=cookie, csrf=csrf)
check(s == 400, f"choose a node that does not exist: 400 ({b['error']})")
s, _, b = jreq("POST", "/api/gateway", {"choice": "auto"}, cookie=cookie, csrf=csrf)
check(s == 200 and b["preference"] == "auto", "automatic choice again")

# ------------------------------------------------------ a real change
s, _, b = jreq("POST", "/api/settings", {"hostname": "alpha"}, cookie=cookie, csrf=csrf)
check(s == 200, f"hostname alpha: applied {b['applied']}, restarted {b['restarted']}")
check("hostname 'alpha'" in open(NODE_CONF).read(), "node.conf holds hostname 'alpha'")
wait(lambda: json.loads(meshctl("l3", "status", "--json") or "{}").get("hostname") == "alpha",
     20, "l3routed runs as alpha")
ok("l3routed restarted as alpha")


def settled():
    """the daemons restarted: the node answers again (its DNS too)"""
    try:
        st = jreq("GET", "/api/status")[2]
        return st if all(d["running"] for d in st["daemons"].values()) else None
    except OSError:
        return None


wait(settled, 20, "the node answers again after the restarts")
s, _, b = jreq("GET", "/api/settings")
check(b["hostname"] == "alpha", "GET /api/settings shows alpha")

# ------------------------------------------------------ /metrics
def metrics():
    s, hd, b = req("GET", "/metrics")
    return (s, hd, b.decode()) if b"softmesh_l3_routes" in b and b"softmesh_leasesync_records" in b else None


s, hd, text = wait(metrics, 15, "/metrics with every daemon's figures")
bad = [l for l in text.splitlines() if l and not l.startswith("#") and
       not re.match(r'^[a-z_][a-z0-9_]*(\{[a-z_]+="[^"\\]*"(,[a-z_]+="[^"\\]*")*\})? -?[0-9]+$', l)]
check(s == 200 and hd["content-type"].startswith("text/plain; version=0.0.4") and not bad,
      f"/metrics is Prometheus text ({len(text.splitlines())} lines){' bad: ' + repr(bad[:3]) if bad else ''}")
for m in ('softmesh_daemon_up{daemon="l2meshd"} 1', "softmesh_l2_originators ",
          "softmesh_l3_routes ", "softmesh_gateway_selected{", "softmesh_dhcp_leases ",
          "softmesh_l2_packets_total{name=", "softmesh_leasesync_records "):
    check(m in text, f"/metrics has {m.strip()}")

# ------------------------------------------------------ logout, login limits
s, _, _ = jreq("POST", "/api/logout", {}, cookie=cookie, csrf=csrf)
check(s == 200, "logout")
s, _, b = jreq("POST", "/api/settings", {"hostname": "mallory"}, cookie=cookie, csrf=csrf)
check(s == 401, "the session replayed after logout: 401")
s, hd, b = jreq("POST", "/api/login", {"password": PASSWORD})
cookie2 = cookie_of(hd)
check(s == 200 and cookie2 and cookie2 != cookie, "login with the right password: a new session")
codes = []
for i in range(8):
    s, hd, b = jreq("POST", "/api/login", {"password": f"guess{i:04d}"})
    codes.append(s)
    if s == 429:
        retry = hd.get("retry-after")
        break
check(codes[:4] == [403] * 4 and codes[-1] == 429 and retry and int(retry) > 0,
      f"wrong passwords: {codes}, then Retry-After {retry} s")
s, _, _ = jreq("POST", "/api/login", {"password": PASSWORD})
check(s == 429, "even the right password waits out the limit")
st = jreq("GET", "/api/status")[2]
check(all(d["running"] for d in st["daemons"].values()), "every daemon still runs")
print(f"{checks} checks passed")
