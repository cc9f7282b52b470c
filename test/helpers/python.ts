/**
 * Finds the Python interpreter that has Debian's python3-flask-caching & co. The `python3`
 * first on PATH may be another interpreter (pyenv) without them, so prefer /usr/bin/python3
 * and verify by importing the modules the interop tests need.
 */
import { spawnSync } from "node:child_process";

const CANDIDATES = [process.env.SUPERSET_CACHE_PYTHON, "/usr/bin/python3", "python3"].filter(
  (p): p is string => Boolean(p),
);
const REQUIRED = "import flask_caching, cachelib, pandas, msgpack, simplejson, redis";

let found: string | undefined;

/** Absolute path (or command) of a Python that imports the Debian stack; throws with a fix if none does. */
export function debianPython(): string {
  if (found) return found;
  for (const candidate of CANDIDATES) {
    const r = spawnSync(candidate, ["-c", REQUIRED], { encoding: "utf8" });
    if (r.status === 0) {
      found = candidate;
      return candidate;
    }
  }
  throw new Error(
    "No Python with flask_caching, cachelib, pandas, msgpack, simplejson and redis was found. " +
      "Install: apt-get install python3-flask-caching python3-cachelib python3-pandas python3-msgpack " +
      "python3-simplejson python3-redis (or set SUPERSET_CACHE_PYTHON).",
  );
}
