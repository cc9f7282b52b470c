/**
 * Child process of metastore-processes.test.ts: hammers a few keys of one metastore with
 * concurrent upserts and one add, then prints {"adds": n} on stdout.
 * Usage: tsx metastore-writer.ts <uri> <label> <rounds>
 */
import { MetastoreBackend } from "#src/backends/metastore/backend.js";

const [uri, label, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText);
const backend = new MetastoreBackend({ uri: uri!, keyPrefix: "multi-process", maxConnections: 4 });
const enc = new TextEncoder();
const writes = Array.from({ length: rounds }, (_, r) =>
  backend.set(`hot-${r % 3}`, enc.encode(`${label}:${r}`), 60),
);
const [added] = await Promise.all([backend.add("once", enc.encode(label!), 0), ...writes]);
await backend.close();
process.stdout.write(JSON.stringify({ adds: added ? 1 : 0 }));
