"""Real session and Celery payloads, the seeds of the hostile-input suite's mutation fuzzer
(test/codecs/hostile/session-celery-cases.ts). Nothing here talks to Redis: each value is what
the library's own code hands to its Redis client.

Usage: hostile_seeds.py SECRET_KEY NOW_SECONDS
Writes one JSON object {name: {"kind": kind, "hex": hex}} to stdout:

  session-pickle-*   Flask-Session 0.3.2 RedisSessionInterface.save_session's SETEX value (pickle)
  session-msgpack-*  Flask-Session 0.6+'s msgspec MessagePack value (ops_auth.msgspec_encode)
  cookie-*           Flask 2.2 SecureCookieSessionInterface cookie (itsdangerous, zlib'd "." form
                     when Flask compresses), signed with SECRET_KEY at NOW_SECONDS
  celery-message-*   the JSON kombu's Redis transport LPUSHes for app.send_task (protocol 2,
                     base64 body; one with a pickle body)
  celery-result-*    the result meta RedisBackend SETs under celery-task-meta-<id>
"""

import datetime
import decimal
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import flask  # noqa: E402
import flask_session  # noqa: E402
from celery import Celery, states  # noqa: E402
from celery.app.task import Context  # noqa: E402
from kombu.transport import memory  # noqa: E402
from kombu.utils.json import dumps as kombu_dumps  # noqa: E402
from markupsafe import Markup  # noqa: E402

import ops_auth  # noqa: E402

SECRET_KEY, NOW = sys.argv[1], int(sys.argv[2])
ops_auth._fixed_now = NOW  # itsdangerous' TimestampSigner reads this clock (patched in ops_auth)

USER_SESSION = {
    "_user_id": "1",
    "_fresh": True,
    "_id": "9f" * 64,
    "csrf_token": "c2b1d1a0e4f3" * 3,
    "locale": "en",
    "_flashes": [("warning", "Your query was cancelled"), ("info", "Dashboard saved")],
}
RICH_SESSION = {
    **USER_SESSION,
    "last_seen": datetime.datetime(2026, 1, 5, 10, 0, 0, 250000, tzinfo=datetime.timezone.utc),
    "visits": [1, 2, 3, 2**40, -7, 3.25],
    "nested": {"a": {"b": [None, False, "x" * 40]}, "empty": {}},
    "blob": b"\x00\x01\xfe\xff" * 8,
}


class _CapturingRedis:
    """Just enough of redis.Redis for Flask-Session 0.3.2 to save a new session."""

    def __init__(self):
        self.values = {}

    def setex(self, name, time, value):
        self.values[name] = value

    def get(self, name):
        return self.values.get(name)


def fs03_value(data):
    fake = _CapturingRedis()
    app = flask.Flask("hostile_seeds")
    app.secret_key = SECRET_KEY
    app.config.update(SESSION_TYPE="redis", SESSION_REDIS=fake)
    flask_session.Session(app)
    with app.test_request_context():
        sess = app.session_interface.open_session(app, flask.request)
        sess.update(data)
        app.session_interface.save_session(app, sess, app.response_class())
    (value,) = fake.values.values()
    return value


def cookie(data):
    app = flask.Flask("hostile_seeds")
    app.secret_key = SECRET_KEY
    with app.test_request_context():
        return app.session_interface.get_signing_serializer(app).dumps(dict(data)).encode()


def celery_messages():
    app = Celery("hostile_seeds", broker="memory://")
    app.conf.update(task_serializer="json", accept_content=["json", "pickle"])
    eta = datetime.datetime(2026, 1, 5, 10, 0, tzinfo=datetime.timezone.utc)
    sends = {
        "celery-message-fetch-url": dict(
            name="fetch_url",
            args=[{"chart_id": 12, "dashboard_id": 3}, {"Cookie": "session=" + "a" * 60}],
        ),
        "celery-message-sql-lab": dict(
            name="sql_lab.get_sql_results",
            args=[42, "SELECT * FROM t LIMIT 100", False, True, "admin", 1767607200000.0, True, {"a": 1}],
            priority=3,
        ),
        "celery-message-chart-data": dict(
            name="load_chart_data_into_cache",
            args=[{"channel_id": str(uuid.UUID(int=7)), "job_id": str(uuid.UUID(int=8)), "user_id": 1},
                  {"datasource": {"id": 1, "type": "table"}, "queries": [{"columns": ["a"], "row_limit": 10}]}],
            eta=eta,
            expires=eta + datetime.timedelta(hours=1),
        ),
        "celery-message-pickle-body": dict(
            name="cache-warmup",
            kwargs={"strategy_name": "top_n_dashboards", "top_n": 5, "since": eta, "d": decimal.Decimal("1.5")},
            serializer="pickle",
        ),
    }
    out = {}
    with app.connection_for_write() as conn:
        for name, spec in sends.items():
            task = spec.pop("name")
            app.send_task(task, connection=conn, **spec)
            message = memory.Channel.queues["celery"].get_nowait()
            out[name] = kombu_dumps(message).encode()  # what redis.Channel._put LPUSHes
    return out


def celery_results():
    app = Celery("hostile_seeds", backend="redis://127.0.0.1:1/0")
    app.conf.update(result_serializer="json", result_extended=True)
    backend = app.backend
    request = Context(task="sql_lab.get_sql_results", args=[42, "SELECT 1"], kwargs={"expand_data": True},
                      hostname="celery@worker-1", retries=0, delivery_info={"routing_key": "celery"})
    cases = {
        "celery-result-success": (states.SUCCESS, {"query_id": 42, "status": "success", "rows": [[1, "a"]]}, None),
        "celery-result-failure": (states.FAILURE, ValueError("boom", 42),
                                  'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: boom'),
        "celery-result-progress": ("PROGRESS", {"done": 3, "total": 10}, None),
    }
    out = {}
    for name, (state, result, traceback) in cases.items():
        meta = backend._get_result_meta(result=backend.encode_result(result, state), state=state,
                                        traceback=traceback, request=request)
        meta["task_id"] = str(uuid.UUID(int=99))
        out[name] = backend.encode(meta).encode()
    return out


def main():
    seeds = {
        "session-pickle-user": ("session-value", fs03_value(USER_SESSION)),
        "session-pickle-rich": ("session-value", fs03_value(RICH_SESSION)),
        "session-msgpack-user": ("session-value", ops_auth.msgspec_encode(USER_SESSION)),
        "session-msgpack-rich": ("session-value", ops_auth.msgspec_encode(RICH_SESSION)),
        "cookie-user": ("cookie-session", cookie({"_user_id": "1", "_fresh": True, "locale": "en"})),
        "cookie-compressed": ("cookie-session", cookie({**USER_SESSION, "m": Markup("<b>hi</b>"),
                                                        "u": uuid.UUID(int=5), "b": b"\x00\xff" * 20})),
    }
    for name, value in celery_messages().items():
        seeds[name] = ("celery-message", value)
    for name, value in celery_results().items():
        seeds[name] = ("celery-result", value)
    json.dump({name: {"kind": kind, "hex": value.hex()} for name, (kind, value) in seeds.items()}, sys.stdout)


if __name__ == "__main__":
    main()
