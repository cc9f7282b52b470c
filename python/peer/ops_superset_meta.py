"""flask_peer.py ops for Superset's metadata keys (load with ``--ops ops_superset_meta``).

``memoized_set`` restates superset.utils.cache.memoized_func (apache/superset 6.1.0): the key is
the decorator's template formatted with the bound call arguments (``self`` is a stand-in with
the database ``id``), the value stored with ``cache.set(key, value, timeout)``. Templates are
Superset's own text for 6.1.0 (catalog keys) and 4.0 (no catalog).

``memoize_call`` runs a function memoized by the real Flask-Caching ``Cache.memoize`` whose
``__module__``/``__qualname__`` are set to the given names, so its version key is the one
Flask-Caching derives; it returns how many times the body ran.
"""

import tagged

TEMPLATES = {
    "6.1": {
        "table_list": "db:{self.id}:catalog:{catalog}:schema:{schema}:table_list",
        "view_list": "db:{self.id}:catalog:{catalog}:schema:{schema}:view_list",
        "materialized_view_list": "db:{self.id}:catalog:{catalog}:schema:{schema}:materialized_view_list",
        "schema_list": "db:{self.id}:catalog:{catalog}:schema_list",
        "catalog_list": "db:{self.id}:catalog_list",
    },
    "4.0": {
        "table_list": "db:{self.id}:schema:{schema}:table_list",
        "view_list": "db:{self.id}:schema:{schema}:view_list",
        "schema_list": "db:{self.id}:schema_list",
    },
}


class _Database:
    def __init__(self, id_):
        self.id = id_


def memoized_set(peer, req):
    template = TEMPLATES[req.get("version", "6.1")][req["kind"]]
    key = template.format(self=_Database(req["database_id"]), catalog=req.get("catalog"), schema=req.get("schema"))
    peer.cache(req).set(key, tagged.decode(req["value"]), timeout=req.get("timeout"))
    return key


_functions = {}


def memoize_call(peer, req):
    name = (req["module"], req["qualname"])
    if name not in _functions:
        state = {"calls": 0}

        def body(*args):
            state["calls"] += 1
            return [state["calls"], list(args)]

        body.__module__ = req["module"]
        body.__qualname__ = req["qualname"]
        body.__name__ = req["qualname"].rsplit(".", 1)[-1]
        _functions[name] = (peer.cache(req).memoize(timeout=req.get("timeout"))(body), state)
    fn, state = _functions[name]
    value = fn(*req.get("args", []))
    return {"value": tagged.encode(value), "calls": state["calls"]}


PEER_OPS = {"memoized_set": memoized_set, "memoize_call": memoize_call}
