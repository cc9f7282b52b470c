"""Python side of the async-query event tests: Superset's AsyncQueryManager stream logic, restated.

``update_job``, ``read_events``, ``parse_event`` and ``increment_id`` below copy
superset/async_events/async_query_manager.py (apache/superset 6.1.0) line for line, minus Flask
and JWT; ``xadd``/``xrange`` go through redis-py as RedisCacheBackend does (``xadd(name, fields,
id, maxlen)`` — redis-py's default ``approximate=True`` makes it ``MAXLEN ~``). Superset's
``json.dumps`` is simplejson with ``ignore_nan=True``.

One JSON request on stdin, one JSON answer on stdout:
  {"op": "update_job", "redis_url", "prefix", "limit", "limit_firehose", "job", "status", "updates"}
                                                   -> [channel entry id, firehose entry id]
      ("repeat": n writes the event n times and answers the last ids)
  {"op": "read_events", "redis_url", "prefix", "channel", "last_id"}  -> events as read_events returns
  {"op": "increment_id", "ids": [...]}                                -> [increment_id(id)...]
"""

import json
import sys

import redis
import simplejson


def increment_id(entry_id: str) -> str:
    # redis stream IDs are in this format: '1607477697866-0'
    try:
        prefix, last = entry_id[:-1], int(entry_id[-1])
        return prefix + str(last + 1)
    except Exception:  # pylint: disable=broad-except
        return entry_id


def parse_event(event_data):
    event_id = event_data[0]
    event_payload = event_data[1]["data"]
    return {"id": event_id, **json.loads(event_payload)}


def dumps(value):
    return simplejson.dumps(value, allow_nan=False, ignore_nan=True)


class Manager:
    MAX_EVENT_COUNT = 100

    def __init__(self, request):
        self._cache = redis.Redis.from_url(request["redis_url"])
        self._stream_prefix = request.get("prefix", "async-events-")
        self._stream_limit = request.get("limit", 1000)
        self._stream_limit_firehose = request.get("limit_firehose", 1000000)

    def read_events(self, channel, last_id):
        stream_name = f"{self._stream_prefix}{channel}"
        start_id = increment_id(last_id) if last_id else "-"
        results = self._cache.xrange(stream_name, start_id, "+", self.MAX_EVENT_COUNT)
        decoded_results = [
            (
                event_id.decode("utf-8"),
                {key.decode("utf-8"): value.decode("utf-8") for key, value in event_data.items()},
            )
            for event_id, event_data in results
        ]
        return [] if not decoded_results else list(map(parse_event, decoded_results))

    def update_job(self, job_metadata, status, **kwargs):
        if "channel_id" not in job_metadata:
            raise Exception("No channel ID specified")
        if "job_id" not in job_metadata:
            raise Exception("No job ID specified")
        updates = {"status": status, **kwargs}
        event_data = {"data": dumps({**job_metadata, **updates})}
        full_stream_name = f"{self._stream_prefix}full"
        scoped_stream_name = f"{self._stream_prefix}{job_metadata['channel_id']}"
        a = self._cache.xadd(scoped_stream_name, event_data, "*", self._stream_limit)
        b = self._cache.xadd(full_stream_name, event_data, "*", self._stream_limit_firehose)
        return [a.decode(), b.decode()]


def main():
    request = json.loads(sys.stdin.read())
    op = request["op"]
    if op == "increment_id":
        out = [increment_id(i) for i in request["ids"]]
    elif op == "update_job":
        manager = Manager(request)
        for _ in range(request.get("repeat", 1)):
            out = manager.update_job(request["job"], request["status"], **(request.get("updates") or {}))
    elif op == "read_events":
        out = Manager(request).read_events(request["channel"], request.get("last_id"))
    else:
        raise SystemExit(f"unknown op {op}")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
