#!/usr/bin/env python3
"""Many DHCPv4 clients behind one relay address (tests/netns/ls_scale.sh).

    dhcp_relay.py RELAY_IP SERVER_IP STATE dora MACPREFIX COUNT [WANT_IP WANT_N]
    dhcp_relay.py RELAY_IP SERVER_IP STATE renew

Plays COUNT clients, MACs MACPREFIX:00:00 upwards (MACPREFIX is four
bytes, "02:77:00:01"), each with its own chaddr, through a relay (giaddr =
RELAY_IP, UDP port 67, as RFC 2131 4.1 has it): the server answers the
relay, so no raw sockets are needed. `dora` gets each client a lease
(the first WANT_N ask for WANT_IP, WANT_IP + 1, ... in their DISCOVER:
option 50, which a server gives when it is free)
(DISCOVER, OFFER, REQUEST SELECTING, ACK; retried) and writes "MAC IP"
lines to STATE. `renew` renews every lease in STATE (REQUEST with ciaddr);
a client NAKed starts over with a DISCOVER and gets a new address. Prints
one summary line: "leased N" / "renewed N nak N new N". Exit status 0
when every client ends with a lease.
"""
import os
import random
import select
import socket
import struct
import sys
import time

MAGIC = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK = 1, 2, 3, 4, 5, 6


def ip2b(s):
    return socket.inet_aton(s)


def msg(mtype, mac, xid, relay, server, ciaddr="0.0.0.0", req_ip=None, server_id=False):
    """A BOOTREQUEST of type mtype through the relay."""
    h = struct.pack(">BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 1, xid, 0, 0, ip2b(ciaddr),
                    b"\0" * 4, b"\0" * 4, ip2b(relay), mac + b"\0" * 10, b"", b"")
    o = bytes([53, 1, mtype])
    if req_ip:
        o += bytes([50, 4]) + ip2b(req_ip)
    if server_id:
        o += bytes([54, 4]) + ip2b(server)
    return h + MAGIC + o + b"\xff"


def parse(p):
    """(xid, chaddr, yiaddr, type) of a reply, or None."""
    if len(p) < 240 or p[0] != 2 or p[236:240] != MAGIC:
        return None
    xid = struct.unpack(">I", p[4:8])[0]
    yiaddr = socket.inet_ntoa(p[16:20])
    mac = p[28:34]
    i, mtype = 240, None
    while i < len(p) and p[i] != 255:
        if p[i] == 0:
            i += 1
            continue
        if i + 1 >= len(p):
            break
        code, ln = p[i], p[i + 1]
        if code == 53 and ln == 1:
            mtype = p[i + 2]
        i += 2 + ln
    return xid, mac, yiaddr, mtype


class Relay:
    def __init__(self, relay, server):
        self.relay, self.server = relay, server
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.s.bind((relay, 67))
        self.s.setblocking(False)

    def send(self, p):
        try:
            self.s.sendto(p, (self.server, 67))
        except OSError:
            pass

    def replies(self, wait):
        out = []
        end = time.monotonic() + wait
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return out
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                return out
            while True:
                try:
                    p, _ = self.s.recvfrom(2048)
                except BlockingIOError:
                    break
                m = parse(p)
                if m:
                    out.append(m)


def exchange(rl, clients, build, want, tries=5, pace=0.002):
    """Sends build(c) for each client until a reply of a type in want comes
    (xid-matched); returns {mac: (yiaddr, type)}."""
    got = {}
    todo = list(clients)
    for _ in range(tries):
        if not todo:
            break
        xids = {}
        for c in todo:
            xid = random.getrandbits(32)
            xids[xid] = c
            rl.send(build(c, xid))
            time.sleep(pace)
        for xid, mac, yi, t in rl.replies(2.0):
            c = xids.get(xid)
            if c is not None and t in want:
                got[c] = (yi, t)
        todo = [c for c in todo if c not in got]
    return got


def dora(rl, macs, wants=None):
    wants = wants or {}
    offers = exchange(rl, macs, lambda m, x: msg(DISCOVER, m, x, rl.relay, rl.server,
                                                 req_ip=wants.get(m)), (OFFER,))
    acks = exchange(rl, list(offers), lambda m, x: msg(REQUEST, m, x, rl.relay, rl.server,
                                                     req_ip=offers[m][0], server_id=True),
                    (ACK, NAK))
    return {m: v[0] for m, v in acks.items() if v[1] == ACK}


def main():
    relay, server, state, cmd = sys.argv[1:5]
    rl = Relay(relay, server)
    if cmd == "dora":
        prefix = bytes(int(x, 16) for x in sys.argv[5].split(":"))
        n = int(sys.argv[6])
        macs = [prefix + struct.pack(">H", i) for i in range(n)]
        wants = {}
        if len(sys.argv) > 8:
            base = struct.unpack(">I", socket.inet_aton(sys.argv[7]))[0]
            for i in range(int(sys.argv[8])):
                wants[macs[i]] = socket.inet_ntoa(struct.pack(">I", base + i))
        leases = dora(rl, macs, wants)
        with open(state, "w") as f:
            for m in macs:
                if m in leases:
                    f.write("%s %s\n" % (m.hex(":"), leases[m]))
        print("leased %d" % len(leases))
        return 0 if len(leases) == n else 1
    leases = {}
    with open(state) as f:
        for line in f:
            mac, ip = line.split()
            leases[bytes.fromhex(mac.replace(":", ""))] = ip
    res = exchange(rl, list(leases), lambda m, x: msg(REQUEST, m, x, rl.relay, rl.server,
                                                     ciaddr=leases[m]), (ACK, NAK))
    nak = [m for m, v in res.items() if v[1] == NAK]
    new = dora(rl, nak) if nak else {}
    for m in new:
        leases[m] = new[m]
    lost = [m for m in leases if m not in res or (m in nak and m not in new)]
    tmp = state + ".new"
    with open(tmp, "w") as f:
        for m, ip in leases.items():
            if m not in lost:
                f.write("%s %s\n" % (m.hex(":"), ip))
    os.replace(tmp, state)
    print("renewed %d nak %d new %d lost %d" % (len(res) - len(nak), len(nak), len(new), len(lost)))
    return 0 if not lost else 1


if __name__ == "__main__":
    sys.exit(main())
