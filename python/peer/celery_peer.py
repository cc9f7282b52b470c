"""Celery peer for the superset-cache Celery interop tests (Debian python3-celery / python3-kombu).

Two uses of one module:

* Worker: ``python3 -m celery -A celery_peer worker -P solo ...`` (cwd = this directory) runs
  stub tasks registered under Superset's task names. Each stub stores, as its result, what it
  received: ``{"task", "args", "kwargs", "eta", "expires", "priority", "retries", "root_id"}``
  (``fetch_url`` adds ``"success"``, as Superset's reports a warmed payload).
  ``superset_cache_peer.fail`` raises ValueError(args) so FAILURE results can be read.
  When the worker is ready it writes the file named by PEER_READY_FILE.
* Client: ``python3 celery_peer.py <command>`` with a JSON request on stdin:
    send      {"tasks": [{"name", "args", "kwargs", "options"}]} -> [task ids]  (app.send_task;
              ISO text in options.eta / options.expires becomes a datetime)
    saferepr  {"values": [tagged values], "maxlen": n}            -> [celery saferepr text]
    hold      {"queue", "count"} -> delivery tags of messages fetched WITHOUT ack (kombu's
              basic_get: they move to the `unacked` hash), then exits without restoring them
    versions  {}                                                   -> {celery, kombu, redis}

Configuration (environment): PEER_BROKER_URL, PEER_RESULT_BACKEND, PEER_GLOBAL_KEYPREFIX
(broker_transport_options["global_keyprefix"]), PEER_QUEUES (comma-separated, default celery).
"""

import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from celery import Celery  # noqa: E402
from celery.signals import worker_ready  # noqa: E402

import tagged  # noqa: E402

SUPERSET_TASK_NAMES = [
    "cache-warmup",
    "fetch_url",
    "reports.execute",
    "cache_chart_thumbnail",
    "load_chart_data_into_cache",
    "load_explore_json_into_cache",
    "sql_lab.get_sql_results",
]

app = Celery("celery_peer")
_transport = {}
if os.environ.get("PEER_GLOBAL_KEYPREFIX"):
    _transport["global_keyprefix"] = os.environ["PEER_GLOBAL_KEYPREFIX"]
app.conf.update(
    broker_url=os.environ.get("PEER_BROKER_URL", "redis://127.0.0.1:1/0"),
    result_backend=os.environ.get("PEER_RESULT_BACKEND") or None,
    broker_transport_options=_transport,
    result_extended=True,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)


def _stub(name):
    def run(self, *args, **kwargs):
        info = self.request.delivery_info or {}
        received = {
            "task": name,
            "args": list(args),
            "kwargs": kwargs,
            "eta": self.request.eta,
            "expires": self.request.expires,
            "priority": info.get("priority"),
            "retries": self.request.retries,
            "root_id": self.request.root_id,
        }
        if name == "fetch_url":  # Superset's fetch_url reports {"success": payload, "response": ...}
            received["success"] = args[0] if args else None
        return received

    run.__name__ = "stub_" + name.replace("-", "_").replace(".", "_")
    return app.task(name=name, bind=True)(run)


for _name in SUPERSET_TASK_NAMES:
    _stub(_name)


@app.task(name="superset_cache_peer.fail")
def fail(*args):
    raise ValueError(*args)


@worker_ready.connect
def _announce_ready(**_kwargs):
    path = os.environ.get("PEER_READY_FILE")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            f.write(str(os.getpid()))


def _send(request):
    ids = []
    for t in request["tasks"]:
        options = dict(t.get("options") or {})
        for name in ("eta", "expires"):
            if isinstance(options.get(name), str):
                options[name] = datetime.datetime.fromisoformat(options[name])
        result = app.send_task(t["name"], args=t.get("args") or [], kwargs=t.get("kwargs") or {}, **options)
        ids.append(result.id)
    return ids


def _saferepr(request):
    from celery.utils.saferepr import saferepr

    maxlen = request.get("maxlen", 1024)
    return [saferepr(tagged.decode(v), maxlen) for v in request["values"]]


def _versions(_request):
    import celery
    import kombu
    import redis

    return {"celery": celery.__version__, "kombu": kombu.__version__, "redis": redis.__version__}


def _hold(request):
    conn = app.connection_for_write()
    channel = conn.default_channel
    tags = []
    for _ in range(request.get("count", 1)):
        message = channel.basic_get(request["queue"], no_ack=False)
        if message is not None:
            tags.append(message.delivery_tag)
    json.dump(tags, sys.stdout)
    sys.stdout.flush()
    # Closing the channel would restore the messages (restore_at_shutdown): leave without closing.
    os._exit(0)


COMMANDS = {"send": _send, "saferepr": _saferepr, "versions": _versions, "hold": _hold}

if __name__ == "__main__":
    command = sys.argv[1]
    payload = json.loads(sys.stdin.read() or "{}")
    json.dump(COMMANDS[command](payload), sys.stdout)
