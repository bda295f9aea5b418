#!/usr/bin/env python3
"""A stand-in for webuid: serves webui/static/ and fakes the JSON API of
doc/webui.md for the browser tests, with a five-node cloud seen from
LiMe-000101 plus two layer-3 nodes of another cloud (one of them gone).

    mock_server.py PORT [--first-run] [--down DAEMON ...] [--static DIR]

Admin password "correct horse". Only loopback is listened on. Stdlib only.
"""
import argparse
import json
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
       "script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
PASSWORD = "correct horse"
MAX_BODY = 8192
EVENT_EVERY_S = 3
LOGIN_LIMIT = 5          # wrong passwords per minute before 429
RETRY_AFTER_S = 30
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
         ".ico": "image/x-icon", ".json": "application/json"}
DAEMONS = ("l2meshd", "l3routed", "anycastd", "leasesyncd")
HOSTNAME_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
RATE_RE = re.compile(r"^\d+(\.\d+)?[kmg]?bit$")

SELF = "02:5e:00:00:01:01"
L2 = [  # mac, hostname, ipv4, clients, state
    (SELF, None, "10.13.1.1", 2, "up"),
    ("02:5e:00:00:01:02", "LiMe-000102", "10.13.1.2", 1, "up"),
    ("02:5e:00:00:01:03", "LiMe-000103", "10.13.1.3", 0, "up"),
    ("02:5e:00:00:01:04", "LiMe-000104", "10.13.1.4", 1, "up"),
    ("02:5e:00:00:01:05", "LiMe-000105", "10.13.1.5", 1, "up"),
]
L3 = [  # id, hostname, ipv4, state
    ("l3:9ebb5cc5", "n7", "10.14.7.1", "up"),
    ("l3:4c2a77e1", "n8", "10.14.8.1", "gone"),
]
LINKS = [
    (SELF, "02:5e:00:00:01:02", 240, "l2"), (SELF, "02:5e:00:00:01:03", 90, "l2"),
    ("02:5e:00:00:01:02", "02:5e:00:00:01:04", 200, "l2"),
    ("02:5e:00:00:01:03", "02:5e:00:00:01:04", 120, "l2"),
    ("02:5e:00:00:01:04", "02:5e:00:00:01:05", 230, "l2"),
    ("02:5e:00:00:01:02", "02:5e:00:00:01:05", 90, "l2"),
    ("02:5e:00:00:01:03", "l3:9ebb5cc5", 200, "l3"),
    ("l3:9ebb5cc5", "l3:4c2a77e1", 60, "l3"),
]
GATEWAYS = [  # id, name, down, up, path, hops, score, path through these nodes
    ("5a1c0105", "LiMe-000105", 10000, 2000, 54000, 2, 9000,
     [SELF, "02:5e:00:00:01:02", "02:5e:00:00:01:05"]),
    ("9ebb5cc5", "n7", 50000, 10000, 6000, 2, 5400, [SELF, "02:5e:00:00:01:03", "l3:9ebb5cc5"]),
]
CLIENTS = [  # mac, ip, hostname, node mac, expires
    ("02:5e:00:01:00:01", "10.13.200.7", "c1", SELF, 3500),
    ("02:5e:00:01:00:02", "10.13.200.9", None, SELF, 2900),
    ("02:5e:00:01:00:03", "10.13.201.4", "maria-phone", "02:5e:00:00:01:02", 3100),
    ("02:5e:00:01:00:04", "10.13.202.12", "laptop-biblioteca", "02:5e:00:00:01:04", 1800),
    ("02:5e:00:01:00:05", "10.13.203.3", "printer", "02:5e:00:00:01:05", 600),
]


def kbit(rate):
    n, unit = re.match(r"^([\d.]+)([kmg]?)bit$", rate).groups()
    return int(float(n) * {"": 0.001, "k": 1, "m": 1000, "g": 1000000}[unit])


class Mesh:
    """The node's state; every method is called with the lock held."""

    def __init__(self, first_run, down):
        self.lock = threading.Condition()
        self.started = time.time() - 7500
        self.password = None if first_run else PASSWORD
        self.sessions = {}          # cookie -> csrf
        self.failures = []          # times of wrong passwords
        self.settings = {"hostname": "LiMe-000101", "ap_ssid": "LibreMesh.org", "gateway": False,
                         "gateway_bandwidth": "auto", "preferred_gateway": "auto"}
        self.preference, self.pref_source = "auto", "config"
        self.down = set(down)
        self.events = 0             # bumped on every change, for the SSE threads
        self.changed = []

    def name_of(self, node_id):
        if node_id == SELF:
            return self.settings["hostname"]
        for mac, host, *_ in L2:
            if mac == node_id:
                return host
        for i, host, *_ in L3:
            if i == node_id:
                return host
        return node_id

    def gateway_rows(self):
        rows = [dict(id=g[0], name=g[1], family="ipv4", down_kbit=g[2], up_kbit=g[3], path_kbit=g[4],
                     hops=g[5], score=g[6], self=False, why=None) for g in GATEWAYS]
        if self.settings["gateway"]:
            down, up = self.offer_kbit()
            rows.append(dict(id="5a1c0101", name=self.settings["hostname"], family="ipv4", down_kbit=down,
                             up_kbit=up, path_kbit=None, hops=0, score=down, self=True, why=None))
        rows.sort(key=lambda r: -r["score"])
        chosen = next((r for r in rows if r["name"] == self.preference), None)
        if chosen:
            chosen["why"] = "preferred by the user"
        else:
            chosen = rows[0]
            chosen["why"] = "best score"
        for rank, r in enumerate(rows, 1):
            r["rank"], r["selected"] = rank, r is chosen
        return rows

    def offer_kbit(self):
        bw = self.settings["gateway_bandwidth"]
        if bw == "auto":
            return 10000, 2000
        down, up = bw.split("/")
        return kbit(down), kbit(up)

    def chosen(self):
        return next(r for r in self.gateway_rows() if r["selected"])

    def daemon(self, name):
        if name in self.down:
            return {"running": False}
        return {"running": True, "uptime_s": int(time.time() - self.started)}

    def status(self, logged_in):
        gw = self.chosen()
        up = int(time.time() - self.started)
        return {
            "node": {"hostname": self.settings["hostname"], "version": "0.1.0", "mac": SELF,
                     "ipv4": "10.13.1.1", "ipv6": "fd0d:fe46:8ce8::101", "cloud": self.settings["ap_ssid"],
                     "domain": "thisnode.info", "uptime_s": up},
            "first_run": self.password is None, "logged_in": logged_in,
            "internet": {"ok": True, "gateway": gw["name"], "gateway_id": gw["id"], "self": gw["self"],
                         "down_kbit": gw["down_kbit"], "up_kbit": gw["up_kbit"], "why": gw["why"]},
            "counts": {"clients": 2, "cloud_clients": 5, "neighbours": 2, "nodes": 5,
                       "l3_nodes": None if "l3routed" in self.down else 7},
            "daemons": {d: self.daemon(d) for d in DAEMONS},
        }

    def neighbours(self):
        seen = int(time.time() * 1000) % 900 + 50
        return {"neighbours": [
            {"name": "LiMe-000102", "mac": "02:5e:00:00:01:02", "ifname": "m-n2", "tq": 240, "tq_pct": 94,
             "last_seen_ms": seen,
             "l3": {"rq": 255, "tq": 250, "rq_pct": 100, "tq_pct": 98, "rate_kbit": 54000}},
            {"name": "LiMe-000103", "mac": "02:5e:00:00:01:03", "ifname": "m-n3", "tq": 90, "tq_pct": 35,
             "last_seen_ms": seen + 400, "l3": None},
        ]}

    def map(self):
        gw = self.chosen()
        nodes = [{"id": mac, "name": self.name_of(mac), "layer": "l2", "state": state, "self": mac == SELF,
                  "gateway": mac == "02:5e:00:00:01:05" or (mac == SELF and self.settings["gateway"]),
                  "clients": clients, "ipv4": ip} for mac, _, ip, clients, state in L2]
        nodes += [{"id": i, "name": host, "layer": "l3", "state": state, "self": False,
                   "gateway": host == "n7", "clients": None, "ipv4": ip} for i, host, ip, state in L3]
        path = next((g[7] for g in GATEWAYS if g[1] == gw["name"]), [SELF])
        return {"self": SELF, "nodes": nodes,
                "links": [{"a": a, "b": b, "tq": tq, "layer": layer} for a, b, tq, layer in LINKS],
                "path": path}

    def gateways(self):
        down, up = self.offer_kbit()
        on = self.settings["gateway"]
        return {"preference": self.preference, "preference_source": self.pref_source,
                "offer": {"state": "on" if on else "off", "down_kbit": down if on else 0,
                          "up_kbit": up if on else 0},
                "gateways": self.gateway_rows()}

    def clients(self):
        return {"clients": [{"mac": mac, "ip": ip, "hostname": host, "node": self.name_of(node),
                             "here": node == SELF, "state": "bound", "expires_s": exp}
                            for mac, ip, host, node, exp in CLIENTS]}

    def get_settings(self):
        return dict(self.settings, password_set=self.password is not None)

    def notify(self, what):
        self.events += 1
        self.changed = what
        self.lock.notify_all()

    def check_settings(self, body, allowed):
        """Returns an error sentence in the config library's style, or None."""
        for k, v in body.items():
            if k not in allowed:
                return f"unknown field '{k}'"
            want = bool if k == "gateway" else str
            if not isinstance(v, want):
                return f"field '{k}' has the wrong type"
        h = body.get("hostname")
        if h is not None and not HOSTNAME_RE.match(h):
            return (f"node.conf:2: invalid value '{h}' for hostname: 1..63 letters, digits "
                    "and '-' (not first or last)")
        s = body.get("ap_ssid")
        if s is not None and not 1 <= len(s.encode()) <= 32:
            return f"community.conf:3: invalid value '{s}' for ap_ssid: 1..32 bytes"
        bw = body.get("gateway_bandwidth")
        if bw is not None and bw != "auto":
            parts = bw.split("/")
            if len(parts) != 2 or not all(RATE_RE.match(p) for p in parts):
                return (f"node.conf:5: invalid value '{bw}' for gateway_bandwidth: "
                        "DOWN/UP rates (10mbit/2mbit) or auto")
        pg = body.get("preferred_gateway")
        if pg is not None and pg != "auto" and pg not in [g[1] for g in GATEWAYS]:
            return f"node.conf:6: no node in the mesh is called '{pg}'"
        pw = body.get("password")
        if pw is not None and not 8 <= len(pw.encode()) <= 128:
            return "the password must be 8..128 bytes"
        return None

    def apply(self, body):
        applied, restarted = [], set()
        for k, v in body.items():
            if k == "password":
                self.password = v
                applied.append(k)
                continue
            if self.settings.get(k) == v:
                continue
            self.settings[k] = v
            applied.append(k)
            if k in ("hostname", "ap_ssid"):
                restarted.update(DAEMONS)
            elif k == "gateway":
                restarted.update(("l2meshd", "l3routed"))
            elif k == "preferred_gateway":     # resets a choice made live
                self.preference, self.pref_source = v, "config"
        return {"applied": applied, "restarted": sorted(restarted)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mock-webuid/1"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            super().log_message(fmt, *args)

    # ---- plumbing

    def head(self, code, ctype, length=None, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for k, v in extra:
            self.send_header(k, v)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def send_json(self, code, obj, extra=()):
        data = json.dumps(obj).encode()
        self.head(code, "application/json", len(data), extra)
        self.wfile.write(data)

    def error(self, code, msg, extra=()):
        self.send_json(code, {"error": msg}, extra)

    def session(self):
        cookie = self.headers.get("Cookie", "")
        for part in cookie.split(";"):
            k, _, v = part.strip().partition("=")
            if k == "sm_session" and v in self.server.mesh.sessions:
                return v
        return None

    def new_session(self):
        sid, csrf = secrets.token_hex(16), secrets.token_hex(16)
        self.server.mesh.sessions[sid] = csrf
        return csrf, ("Set-Cookie", f"sm_session={sid}; HttpOnly; SameSite=Strict; Path=/")

    # ---- GET

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        mesh = self.server.mesh
        if path == "/api/events":
            return self.do_events()
        if path.startswith("/api/"):
            name = path[5:]
            with mesh.lock:
                sid = self.session()
                reads = {"status": lambda: mesh.status(sid is not None), "neighbours": mesh.neighbours,
                         "map": mesh.map, "gateways": mesh.gateways, "clients": mesh.clients,
                         "settings": mesh.get_settings,
                         "session": lambda: ({"logged_in": True, "csrf": mesh.sessions[sid]}
                                             if sid else {"logged_in": False})}
                if name not in reads:
                    return self.error(404, "no such call")
                return self.send_json(200, reads[name]())
        if path == "/metrics":
            data = b"# TYPE softmesh_webui_up gauge\nsoftmesh_webui_up 1\n"
            self.head(200, "text/plain; version=0.0.4", len(data))
            return self.wfile.write(data)
        self.static(path)

    def static(self, path):
        root = self.server.static
        rel = "index.html" if path in ("/", "") else path.lstrip("/")
        f = (root / rel).resolve()
        if root not in f.parents or not f.is_file():
            return self.error(404, "not found")
        data = f.read_bytes()
        self.head(200, TYPES.get(f.suffix, "application/octet-stream"), len(data))
        self.wfile.write(data)

    def do_events(self):
        mesh = self.server.mesh
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", CSP)
        self.end_headers()
        self.close_connection = True
        seen = mesh.events
        last_ping = time.time()
        try:
            self.wfile.write(b"retry: 2000\n\n")
            self.wfile.flush()
            while not self.server.stopping:
                with mesh.lock:
                    mesh.lock.wait_for(lambda: mesh.events != seen or self.server.stopping,
                                       timeout=EVENT_EVERY_S)
                    if mesh.events != seen:
                        seen, what = mesh.events, mesh.changed
                    else:
                        what = ["status", "neighbours"]   # uptime and last_seen move
                msg = f"event: update\ndata: {json.dumps({'what': what})}\n\n"
                if time.time() - last_ping > 15:
                    msg = ": keepalive\n\n" + msg
                    last_ping = time.time()
                self.wfile.write(msg.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    # ---- POST

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            self.rfile.read(n)
            self.error(413, "body too large")
            return None
        raw = self.rfile.read(n)
        try:
            obj = json.loads(raw or b"null")
        except ValueError:
            obj = None
        if not isinstance(obj, dict):
            self.error(400, "the body must be a JSON object")
            return None
        return obj

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        body = self.body()
        if body is None:
            return
        mesh = self.server.mesh
        with mesh.lock:
            if path == "/api/login":
                return self.do_login(body)
            if path == "/api/setup":
                return self.do_setup(body)
            sid = self.session()
            if not sid or self.headers.get("X-CSRF-Token") != mesh.sessions[sid]:
                return self.error(403, "log in first (missing or wrong CSRF token)")
            if path == "/api/logout":
                del mesh.sessions[sid]
                return self.send_json(200, {}, [("Set-Cookie", "sm_session=; Max-Age=0; Path=/")])
            if path == "/api/settings":
                return self.do_settings(body)
            if path == "/api/gateway":
                return self.do_gateway(body)
            return self.error(404, "no such call")

    def do_login(self, body):
        mesh = self.server.mesh
        now = time.time()
        mesh.failures = [t for t in mesh.failures if now - t < 60]
        if len(mesh.failures) >= LOGIN_LIMIT:
            return self.error(429, "too many attempts", [("Retry-After", str(RETRY_AFTER_S))])
        if set(body) - {"password"} or not isinstance(body.get("password"), str):
            return self.error(400, "the body takes one field: password")
        if mesh.password is None or body["password"] != mesh.password:
            mesh.failures.append(now)
            return self.error(403, "wrong password")
        csrf, cookie = self.new_session()
        self.send_json(200, {"csrf": csrf}, [cookie])

    def do_setup(self, body):
        mesh = self.server.mesh
        if mesh.password is not None:
            return self.error(409, "this node is already set up")
        if "password" not in body:
            return self.error(400, "a password is needed")
        err = mesh.check_settings(body, {"hostname", "ap_ssid", "password"})
        if err:
            return self.error(400, err)
        answer = mesh.apply(body)
        csrf, cookie = self.new_session()
        mesh.notify(["status", "settings", "map", "gateways"])
        self.send_json(200, dict(answer, csrf=csrf), [cookie])

    def do_settings(self, body):
        mesh = self.server.mesh
        err = mesh.check_settings(body, {"hostname", "ap_ssid", "gateway", "gateway_bandwidth",
                                         "preferred_gateway", "password"})
        if err:
            return self.error(400, err)
        answer = mesh.apply(body)
        mesh.notify(["status", "settings", "map", "gateways", "clients"])
        self.send_json(200, answer)

    def do_gateway(self, body):
        mesh = self.server.mesh
        if set(body) != {"choice"} or not isinstance(body["choice"], str):
            return self.error(400, "the body takes one field: choice")
        who = body["choice"]
        names = [r["name"] for r in mesh.gateway_rows()]
        if who != "auto" and who not in names:
            return self.error(400, f"no node in the mesh is called '{who}'")
        mesh.preference, mesh.pref_source = who, "meshctl"
        mesh.notify(["gateways", "status", "map"])
        self.send_json(200, {"preference": who, "preference_source": "meshctl"})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("port", type=int)
    ap.add_argument("--first-run", action="store_true", help="no admin password set yet")
    ap.add_argument("--down", action="append", default=[], choices=DAEMONS, help="a daemon shown not running")
    ap.add_argument("--static", default=str(Path(__file__).resolve().parents[2] / "webui" / "static"))
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.mesh = Mesh(a.first_run, a.down)
    srv.static = Path(a.static).resolve()
    srv.verbose = a.verbose
    srv.stopping = False
    print(f"mock webuid on http://127.0.0.1:{srv.server_address[1]}/", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stopping = True
        with srv.mesh.lock:
            srv.mesh.lock.notify_all()
        srv.server_close()


if __name__ == "__main__":
    main()
