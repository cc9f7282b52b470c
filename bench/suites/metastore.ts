/**
 * Metastore: the JSON codec (stdlib json text) and row-uuid computation against CPython's own
 * json / uuid3 (timed inside Python, same inputs), and get/set round trips of the metastore
 * backend against the same statements issued directly through `pg` / `mysql2` (the named
 * peers: the floor for any implementation over those drivers), on this machine's PostgreSQL
 * and MariaDB in a throwaway database.
 */
import { spawnSync } from "node:child_process";
import { MetastoreBackend } from "#src/backends/metastore/backend.js";
import { metastoreJsonSerializer } from "#src/backends/metastore/codecs.js";
import { metastoreNamespace, uuid3Bytes } from "#src/backends/metastore/uuid.js";
import { stdlibJsonDumps } from "#src/codecs/json/stdlib-encode.js";
import type { PyValue } from "#src/python/values.js";
import {
  createTestDatabase,
  serverAvailable,
  type TestDialect,
} from "../../test/helpers/metastore-databases.js";
import { debianPython } from "../../test/helpers/python.js";
import { type Measurement, measure, median, ratio, type SuiteResult } from "../harness.js";
import { type Impl, measureInterleaved } from "../interleaved.js";
import { roundMsOr, roundsOr } from "../runs.js";

const ROUNDS = roundsOr(5);
const ROUND_MS = roundMsOr(200);
const sync = { rounds: ROUNDS, roundMs: ROUND_MS, batch: 256 };

const entry: PyValue = Object.assign(Object.create(null), {
  owner: 1,
  value: JSON.stringify({
    "NATIVE_FILTER-abc": {
      id: "NATIVE_FILTER-abc",
      filterState: { value: ["France", "Über"] },
      extraFormData: {},
    },
  }),
});
const text = stdlibJsonDumps(entry);
const bytes = new TextEncoder().encode(text);
const keys = Array.from({ length: 256 }, (_, i) => `42;key${i}`);

const PYTHON_LOOP = `
import json, time, uuid, hashlib
text = ${JSON.stringify(text)}
value = json.loads(text)
ns = uuid.UUID(hashlib.md5(b"FILTER_STATE_CACHE_CONFIG").hexdigest())
keys = [f"42;key{i}" for i in range(256)]
raw = text.encode()
out = {}
cases = (("json dumps", lambda i: bytes(json.dumps(value), "utf-8")),
         ("json loads", lambda i: json.loads(raw)),
         ("row uuid", lambda i: uuid.uuid3(ns, keys[i & 255])))
for name, fn in cases:
    samples = []
    for _ in range(${ROUNDS}):
        n = 0; start = time.perf_counter(); end = start + ${ROUND_MS} / 1000
        while time.perf_counter() < end:
            for i in range(256): fn(i)
            n += 256
        samples.append(n / (time.perf_counter() - start))
    out[name] = samples
print(json.dumps(out))
`;

const CPY = "CPython 3.11 stdlib";

export default async function metastoreSuite(): Promise<SuiteResult> {
  const m: Measurement[] = [];
  const json = metastoreJsonSerializer();
  let i = 0;
  m.push(await measure("json dumps", "superset-cache stdlib json", () => json.dumps(entry), sync));
  m.push(await measure("json loads", "superset-cache stdlib json", () => json.loads(bytes), sync));
  m.push(await measure("json loads", "JSON.parse (no int/float fidelity)", () => JSON.parse(text), sync));
  const ns = metastoreNamespace("FILTER_STATE_CACHE_CONFIG");
  m.push(await measure("row uuid", "superset-cache uuid3", () => uuid3Bytes(ns, keys[i++ & 255]!), sync));
  const r = spawnSync(debianPython(), ["-c", PYTHON_LOOP], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python bench failed: ${r.stderr}`);
  const py = JSON.parse(r.stdout) as Record<string, number[]>;
  for (const [name, samples] of Object.entries(py)) {
    m.push({ case: name, impl: CPY, opsPerSec: median(samples), rounds: ROUNDS, samples });
  }
  const ratios = [
    ratio(m, "json dumps", "superset-cache stdlib json", CPY),
    ratio(m, "json loads", "superset-cache stdlib json", CPY),
    ratio(m, "json loads", "superset-cache stdlib json", "JSON.parse (no int/float fidelity)"),
    ratio(m, "row uuid", "superset-cache uuid3", CPY),
  ];

  for (const dialect of ["postgresql", "mysql"] as TestDialect[]) {
    if (!serverAvailable(dialect)) continue;
    const db = createTestDatabase(dialect);
    try {
      db.createSupersetTable();
      const backend = new MetastoreBackend({
        uri: db.uri,
        keyPrefix: "FILTER_STATE_CACHE_CONFIG",
        maxConnections: 1,
      });
      for (const k of keys) await backend.set(k, bytes, 3600);
      const peer = await rawPeer(dialect, db.uri);
      const uuids = keys.map((k) => backend.rowUuid(k));
      const name = dialect === "postgresql" ? "pg" : "mysql2";
      const ours = `superset-cache MetastoreBackend (${dialect})`;
      const theirs = `${name} raw statement (${dialect})`;
      // Ours and the raw peer alternate round by round (bench/interleaved.ts), so load drift on a
      // shared machine, and the setup writes settling, hit both alike.
      const impls: Impl[] = [
        {
          name: ours,
          get: (j) => backend.get(keys[j & 255]!),
          set: (j) => backend.set(keys[j & 255]!, bytes, 3600),
        },
        { name: theirs, get: (j) => peer.get(uuids[j & 255]!), set: (j) => peer.set(uuids[j & 255]!, bytes) },
      ];
      const dbRounds = { rounds: ROUNDS, roundMs: ROUND_MS, warmupMs: 200 };
      m.push(...(await measureInterleaved(`${dialect} get`, impls, "get", 1, dbRounds)));
      m.push(...(await measureInterleaved(`${dialect} set`, impls, "set", 1, dbRounds)));
      ratios.push(ratio(m, `${dialect} get`, ours, theirs), ratio(m, `${dialect} set`, ours, theirs));
      await peer.close();
      await backend.close();
    } finally {
      db.drop();
    }
  }
  return {
    suite: "metastore",
    measurements: m,
    ratios,
    notes: [
      `Filter-state entry of ${bytes.length} bytes; 256 keys cycled. Codec and uuid cases are in-process; CPython timed in its own loop.`,
      "DB cases: one connection each, ours and the raw peer in alternating rounds, same SQL shape (upsert ON CONFLICT / ON DUPLICATE KEY, select by resource+uuid with the expiry test); the raw peer skips the JS-side key hashing and expiry-time formatting (its fixed time has the same microsecond form).",
    ],
  };
}

interface RawPeer {
  get(uuid: Uint8Array): Promise<unknown>;
  set(uuid: Uint8Array, value: Uint8Array): Promise<unknown>;
  close(): Promise<void>;
}

async function rawPeer(dialect: TestDialect, uri: string): Promise<RawPeer> {
  // A fixed time in the form the backend sends (microseconds included): PostgreSQL parses the
  // fraction too, so a shorter literal would make the peer's statement cheaper than ours.
  const now = "2030-01-01 00:00:00.000000";
  if (dialect === "postgresql") {
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: uri });
    await client.connect();
    const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");
    return {
      get: (u) =>
        client.query(
          "SELECT value, (expires_on IS NOT NULL AND expires_on <= $2::timestamp) AS expired FROM key_value WHERE resource = $1 AND uuid = $3::uuid",
          ["superset_metastore_cache", now, hex(u)],
        ),
      set: (u, v) =>
        client.query(
          `INSERT INTO key_value (resource, value, uuid, created_on, expires_on) VALUES ($1, $2, $3::uuid, $4::timestamp, $4::timestamp)
           ON CONFLICT (uuid) DO UPDATE SET value = EXCLUDED.value, expires_on = EXCLUDED.expires_on, changed_on = EXCLUDED.created_on`,
          ["superset_metastore_cache", Buffer.from(v), hex(u), now],
        ),
      close: () => client.end(),
    };
  }
  const mysql = await import("mysql2/promise");
  const conn = await mysql.createConnection({ uri, dateStrings: true });
  return {
    get: (u) =>
      conn.query(
        "SELECT value, (expires_on IS NOT NULL AND expires_on <= ?) AS expired FROM key_value WHERE resource = ? AND uuid = ?",
        [now, "superset_metastore_cache", Buffer.from(u)],
      ),
    set: (u, v) =>
      conn.query(
        `INSERT INTO key_value (resource, value, uuid, created_on, expires_on) VALUES (?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE value = VALUES(value), expires_on = VALUES(expires_on), changed_on = VALUES(created_on)`,
        ["superset_metastore_cache", Buffer.from(v), Buffer.from(u), now, now],
      ),
    close: () => conn.end(),
  };
}
