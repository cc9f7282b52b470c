"""flask_peer.py plug-in (``--ops ops_auth``): the Python side of the superset-cache/auth tests.

Everything here is the real library or a line-by-line copy of what Superset and Flask-Session
0.8 do, so the tests compare Node against Python:

  auth_versions                                   -> versions of the libraries below
  auth_set_time now|null                          -> itsdangerous' and PyJWT's clock (float SECONDS)
  cookie_dumps secret_key data                    -> Flask 2.2 SecureCookieSessionInterface.save_session cookie
  cookie_loads secret_key fallbacks? cookie max_age?
                                                  -> {status: ok|bad_signature|bad_payload, data?}
                                                     (serializer as Flask 3.1.1 builds it: [*fallbacks, key])
  b64_decode_many texts                           -> itsdangerous base64_decode of each (hex or null)
  fs03_write port secret_key use_signer prefix data -> Flask-Session 0.3.2 (pickle, SETEX, uuid4) cookie
  fs03_read  port secret_key use_signer prefix cookie -> {sid, data} as its open_session loads it
  fs08_write port secret_key use_signer prefix data lifetime
                                                  -> Flask-Session 0.8's save path: msgspec-style msgpack,
                                                     SET .. EX, token_urlsafe(32) sid
  fs08_read  port secret_key use_signer prefix cookie -> {sid, data, format} or null (0.8's decode chain)
  msgspec_encode data                             -> hex of the bytes msgspec writes for data
  jwt_encode claims secret algorithm              -> PyJWT token (claims in the given order)
  jwt_decode token secret algorithms audience? leeway?
                                                  -> {claims} or {error: <exception class>}
  guest_token_encode user resources rls secret algorithm audience now exp_seconds
                                                  -> create_guest_access_token's token
  guest_rls token secret algorithm audience dataset_id -> get_guest_rls_filters_str for the token's guest
  async_token_encode channel user_id secret       -> validate_session's async-token
  hashids_encode_many cases:[[salt, id]]          -> keys (Hashids(salt, min_length=11))
  hashids_decode_many cases:[[salt, key]]         -> id lists
  permalink_create dialect db kind value user_id algorithm fallbacks -> key (Superset's create commands)
  permalink_get    dialect db kind key algorithm fallbacks          -> value or null

Values travel as tagged JSON (tagged.py) plus two tags of Flask's own: {"$uuid": hex} and
{"$markup": text}.
"""

import calendar
import datetime as _dt
import decimal
import json
import pickle
import secrets
import time
import uuid
from uuid import uuid3, uuid4

import flask
import flask_session
import hashids
import itsdangerous
import itsdangerous.timed
import jwt
import jwt.api_jwt
import msgpack
import redis
import simplejson
from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadPayload, BadSignature, Signer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode
from markupsafe import Markup

import meta_peer
import tagged

_fixed_now = None


def _now():
    return _fixed_now if _fixed_now is not None else time.time()


itsdangerous.timed.TimestampSigner.get_timestamp = lambda self: int(_now())


class _PeerDatetime(_dt.datetime):
    """PyJWT reads `datetime.now(tz=timezone.utc)`; this follows the peer's clock."""

    @classmethod
    def now(cls, tz=None):
        return _dt.datetime.fromtimestamp(_now(), tz)


jwt.api_jwt.datetime = _PeerDatetime


def encode(v):
    if isinstance(v, uuid.UUID):
        return {"$uuid": v.hex}
    if isinstance(v, Markup):
        return {"$markup": str(v)}
    if isinstance(v, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in v):
            return {k: encode(x) for k, x in v.items()}
        return {"$dict": [[encode(k), encode(x)] for k, x in v.items()]}
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, tuple):
        return {"$tuple": [encode(x) for x in v]}
    return tagged.encode(v)


def decode(v):
    if isinstance(v, dict) and len(v) == 1:
        (tag, arg), = v.items()
        if tag == "$uuid":
            return uuid.UUID(arg)
        if tag == "$markup":
            return Markup(arg)
        if tag == "$tuple":
            return tuple(decode(x) for x in arg)
        if tag == "$dict":
            return {decode(k): decode(x) for k, x in arg}
    if isinstance(v, list):
        return [decode(x) for x in v]
    if isinstance(v, dict) and not (len(v) == 1 and next(iter(v)).startswith("$")):
        return {k: decode(x) for k, x in v.items()}
    return tagged.decode(v)


def _app(req):
    app = Flask("auth_peer")
    app.secret_key = req["secret_key"]
    return app


def _set_cookie_value(resp):
    header = resp.headers.getlist("Set-Cookie")[0]
    return header.split(";", 1)[0].split("=", 1)[1]


class _RotatingInterface(SecureCookieSessionInterface):
    """Flask 3.1.1's get_signing_serializer (SECRET_KEY_FALLBACKS); Flask 2.2 has no fallbacks."""

    fallbacks = []

    def get_signing_serializer(self, app):
        keys = [*self.fallbacks, app.secret_key]
        return URLSafeTimedSerializer(keys, salt=self.salt, serializer=self.serializer,
                                      signer_kwargs={"key_derivation": self.key_derivation,
                                                     "digest_method": self.digest_method})


def cookie_dumps(peer, req):
    app = _app(req)
    with app.test_request_context():
        sess = SecureCookieSession(decode(req["data"]))
        sess.modified = True
        resp = app.response_class()
        app.session_interface.save_session(app, sess, resp)
        return _set_cookie_value(resp)


def cookie_loads(peer, req):
    app = _app(req)
    iface = _RotatingInterface()
    iface.fallbacks = req.get("fallbacks") or []
    with app.test_request_context():
        s = iface.get_signing_serializer(app)
        try:
            data = s.loads(req["cookie"], max_age=req.get("max_age", 31 * 86400))
        except BadSignature:
            return {"status": "bad_signature"}
        except BadPayload:
            return {"status": "bad_payload"}
        return {"status": "ok", "data": encode(dict(data))}


def b64_decode_many(peer, req):
    out = []
    for text in req["texts"]:
        try:
            out.append(base64_decode(text).hex())
        except Exception:  # noqa: BLE001 - BadData, as itsdangerous raises it
            out.append(None)
    return out


def _redis(req):
    return redis.Redis(host="127.0.0.1", port=req["port"])


def _fs03_app(req):
    app = _app(req)
    app.config.update(SESSION_TYPE="redis", SESSION_REDIS=_redis(req), SESSION_USE_SIGNER=req["use_signer"],
                      SESSION_KEY_PREFIX=req["prefix"])
    flask_session.Session(app)
    return app


def fs03_write(peer, req):
    app = _fs03_app(req)
    with app.test_request_context():
        sess = app.session_interface.open_session(app, flask.request)
        sess.update(decode(req["data"]))
        resp = app.response_class()
        app.session_interface.save_session(app, sess, resp)
        return {"cookie": _set_cookie_value(resp), "sid": sess.sid}


def fs03_read(peer, req):
    app = _fs03_app(req)
    with app.test_request_context(headers={"Cookie": f"session={req['cookie']}"}):
        sess = app.session_interface.open_session(app, flask.request)
        return {"sid": sess.sid, "data": encode(dict(sess))}


def _msgspec_ready(v):
    """What msgspec.msgpack.Encoder writes, in python-msgpack terms."""
    if isinstance(v, dict):
        return {_msgspec_ready(k): _msgspec_ready(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        return [_msgspec_ready(x) for x in v]
    if isinstance(v, _dt.datetime):
        if v.tzinfo is None:
            return v.isoformat()
        # msgspec's datetime_to_epoch: whole seconds and the microseconds as nanoseconds.
        return msgpack.Timestamp(calendar.timegm(v.utctimetuple()), v.microsecond * 1000)
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    if isinstance(v, (uuid.UUID, decimal.Decimal)):
        return str(v)
    return v


def msgspec_encode(data):
    return msgpack.packb(_msgspec_ready(data), use_bin_type=True)


def _signer(req):
    return Signer(req["secret_key"], salt="flask-session", key_derivation="hmac")


def fs08_write(peer, req):
    sid = secrets.token_urlsafe(32)
    _redis(req).set(req["prefix"] + sid, msgspec_encode(decode(req["data"])), ex=req.get("lifetime", 31 * 86400))
    cookie = _signer(req).sign(sid.encode()).decode() if req["use_signer"] else sid
    return {"cookie": cookie, "sid": sid}


def fs08_read(peer, req):
    cookie = req["cookie"]
    if req["use_signer"]:
        try:
            cookie = _signer(req).unsign(cookie).decode()
        except BadSignature:
            return None
    raw = _redis(req).get(req["prefix"] + cookie)
    if raw is None:
        return None
    # MsgSpecSerializer.decode: msgpack, then JSON, then pickle.
    for fmt, load in (("msgpack", lambda b: msgpack.unpackb(b, raw=False, timestamp=3, strict_map_key=False)),
                      ("json", json.loads), ("pickle", pickle.loads)):
        try:
            return {"sid": cookie, "format": fmt, "data": encode(load(raw))}
        except Exception:  # noqa: BLE001 - the next decoder is tried, as Flask-Session does
            continue
    return None


def jwt_encode(peer, req):
    return jwt.encode(decode(req["claims"]), req["secret"], algorithm=req["algorithm"])


def jwt_decode(peer, req):
    try:
        claims = jwt.decode(req["token"], req["secret"], algorithms=req["algorithms"],
                            audience=req.get("audience"), leeway=req.get("leeway", 0))
        return {"claims": encode(claims)}
    except Exception as exc:  # noqa: BLE001 - the test compares outcomes
        return {"error": type(exc).__name__}


def guest_token_encode(peer, req):
    now = req["now"]
    claims = {
        "user": req["user"],
        "resources": req["resources"],
        "rls_rules": req["rls"],
        "iat": now,
        "exp": now + req["exp_seconds"],
        "aud": req["audience"],
        "type": "guest",
    }
    return jwt.encode(claims, req["secret"], algorithm=req["algorithm"])


def guest_rls(peer, req):
    """get_guest_rls_filters_str(dataset) for the guest user a token makes."""
    token = jwt.decode(req["token"], req["secret"], algorithms=[req["algorithm"]], audience=req["audience"])
    return [f.get("clause", "") for f in token["rls_rules"]
            if not f.get("dataset") or str(f.get("dataset")) == str(req["dataset_id"])]


def async_token_encode(peer, req):
    user_id = req["user_id"]
    sub = str(user_id) if user_id else None
    return jwt.encode({"channel": req["channel"], "sub": sub}, req["secret"], algorithm="HS256")


def hashids_encode_many(peer, req):
    return [hashids.Hashids(salt, min_length=11).encode(i) for salt, i in req["cases"]]


def hashids_decode_many(peer, req):
    return [list(hashids.Hashids(salt, min_length=11).decode(key)) for salt, key in req["cases"]]


_RESOURCES = {"dashboard": "dashboard_permalink", "explore": "explore_permalink", "sqllab": "sqllab_permalink"}


def _hex(d):
    return "encode(value, 'hex')" if d == "postgresql" else "HEX(value)"


def _uuid_text(d):
    return "replace(uuid::text, '-', '')" if d == "postgresql" else "LOWER(HEX(uuid))"


def _insert(d, db, resource, value, u, user_id):
    """KeyValueDAO.create_entry; answers the new row's id (one client call)."""
    raw = bytes(json.dumps(value), encoding="utf-8")  # JsonKeyValueCodec
    insert = ("INSERT INTO key_value (resource, value, uuid, created_on, created_by_fk) VALUES "
              f"('{resource}', {meta_peer.bytes_literal(d, raw)}, {meta_peer.uuid_literal(d, u)}, "
              f"{meta_peer.ts_literal(_dt.datetime.now())}, {'NULL' if user_id is None else int(user_id)})")
    sql = f"{insert} RETURNING id" if d == "postgresql" else f"{insert}; SELECT LAST_INSERT_ID()"
    return int(meta_peer.run_sql(d, db, sql)[0][0])


def _salt(req, create):
    """shared_entries.get_permalink_salt with HASH_ALGORITHM and HASH_ALGORITHM_FALLBACKS."""
    d, db, key = req["dialect"], req["db"], f"{req['kind']}_permalink_salt"
    algos = [req["algorithm"], *req.get("fallbacks", [])]
    uuids = [uuid3(meta_peer.namespace("", a), key) for a in algos]
    rows = meta_peer.run_sql(d, db, f"SELECT {_uuid_text(d)}, {_hex(d)} FROM key_value WHERE resource = 'app' "
                                    f"AND uuid IN ({', '.join(meta_peer.uuid_literal(d, u) for u in uuids)})")
    found = {u: json.loads(bytes.fromhex(h)) for u, h in rows}
    for n, u in enumerate(uuids):
        if u.hex in found:
            if n > 0:
                _insert(d, db, "app", found[u.hex], uuids[0], None)  # migrated to the current algorithm's uuid
            return found[u.hex]
    if not create:
        return None
    salt = secrets.token_urlsafe(48)
    _insert(d, db, "app", salt, uuids[0], None)
    return salt


def permalink_create(peer, req):
    d, db, kind = req["dialect"], req["db"], req["kind"]
    salt = _salt(req, True)
    value, user_id, resource = req["value"], req["user_id"], _RESOURCES[kind]
    if kind != "dashboard":
        row_id = _insert(d, db, resource, value, uuid4(), user_id)  # the model's default uuid4
    else:
        payload = simplejson.dumps((user_id, value), sort_keys=True, ignore_nan=True)  # json_dumps_w_dates
        u = uuid3(meta_peer.namespace(salt, req["algorithm"]), payload)
        where = f"resource = '{resource}' AND uuid = {meta_peer.uuid_literal(d, u)}"
        found = meta_peer.run_sql(d, db, f"SELECT id FROM key_value WHERE {where}")
        if found:  # KeyValueDAO.upsert_entry
            raw = bytes(json.dumps(value), encoding="utf-8")
            meta_peer.run_sql(d, db, f"UPDATE key_value SET value = {meta_peer.bytes_literal(d, raw)}, "
                                     f"expires_on = NULL, changed_on = {meta_peer.ts_literal(_dt.datetime.now())} "
                                     f"WHERE {where}")
            row_id = int(found[0][0])
        else:
            row_id = _insert(d, db, resource, value, u, user_id)
    return hashids.Hashids(salt, min_length=11).encode(row_id)


def permalink_get(peer, req):
    salt = _salt(req, True)
    ids = hashids.Hashids(salt, min_length=11).decode(req["key"])
    if len(ids) != 1:
        return None
    d = req["dialect"]
    rows = meta_peer.run_sql(d, req["db"], f"SELECT {_hex(d)} FROM key_value "
                                           f"WHERE resource = '{_RESOURCES[req['kind']]}' AND id = {int(ids[0])}")
    return json.loads(bytes.fromhex(rows[0][0])) if rows else None


def auth_versions(peer, req):
    return {"flask": flask.__version__, "itsdangerous": itsdangerous.__version__,
            "flask_session": flask_session.__version__, "jwt": jwt.__version__,
            "hashids": hashids.__version__, "msgpack": ".".join(map(str, msgpack.version))}


def auth_set_time(peer, req):
    global _fixed_now
    _fixed_now = req.get("now")
    return True


def msgspec_encode_op(peer, req):
    return msgspec_encode(decode(req["data"])).hex()


PEER_OPS = {
    "auth_versions": auth_versions,
    "auth_set_time": auth_set_time,
    "cookie_dumps": cookie_dumps,
    "cookie_loads": cookie_loads,
    "b64_decode_many": b64_decode_many,
    "fs03_write": fs03_write,
    "fs03_read": fs03_read,
    "fs08_write": fs08_write,
    "fs08_read": fs08_read,
    "msgspec_encode": msgspec_encode_op,
    "jwt_encode": jwt_encode,
    "jwt_decode": jwt_decode,
    "guest_token_encode": guest_token_encode,
    "guest_rls": guest_rls,
    "async_token_encode": async_token_encode,
    "hashids_encode_many": hashids_encode_many,
    "hashids_decode_many": hashids_decode_many,
    "permalink_create": permalink_create,
    "permalink_get": permalink_get,
}

