"""flask_peer.py ops for the Memcached interop tests (load with ``--ops ops_memcached``).

Drives the two Python clients cachelib can use directly, besides Flask-Caching's own
MemcachedCache/SASLMemcachedCache/SpreadSASLMemcachedCache (opened with the core ``open`` op):

  mc_open  name, lib:"pylibmc"|"memcache", servers:[addr], username?, password?  -> true
  mc_set   name, key, value(tagged), time? (memcached's expiry field as given),
           min_compress_len? (zlib-compress longer values, flag 8)              -> bool
  mc_get   name, key                                                             -> value (tagged) or null
  mc_raw   server:addr, key -> null or {flags, ttl (-1 = never), hex} read with the meta
           protocol (``mg key f t v``) from that one plain server
"""

import socket

import pylibmc
import memcache

import tagged

_clients = {}


def _open(peer, req):
    servers = req["servers"]
    if req["lib"] == "pylibmc":
        if req.get("username"):
            client = pylibmc.Client(servers, binary=True, username=req["username"], password=req["password"])
        else:
            client = pylibmc.Client(servers)
    else:
        client = memcache.Client(servers)
    _clients[req["name"]] = client
    return True


def _set(peer, req):
    value = tagged.decode(req["value"])
    return bool(_clients[req["name"]].set(req["key"], value, req.get("time") or 0, req.get("min_compress_len") or 0))


def _get(peer, req):
    return tagged.encode(_clients[req["name"]].get(req["key"]))


def _raw(peer, req):
    host, port = req["server"].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b"mg " + req["key"].encode() + b" f t v\r\n")
        data = b""
        while b"\r\n" not in data:
            data += s.recv(65536)
        head, _, rest = data.partition(b"\r\n")
        if head.startswith(b"EN"):
            return None
        parts = head.split()
        length = int(parts[1])
        while len(rest) < length + 2:
            rest += s.recv(1 << 20)
        fields = {p[:1]: p[1:] for p in parts[2:]}
        return {"flags": int(fields[b"f"]), "ttl": int(fields[b"t"]), "hex": rest[:length].hex()}


PEER_OPS = {"mc_open": _open, "mc_set": _set, "mc_get": _get, "mc_raw": _raw}

