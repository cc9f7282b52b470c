/**
 * One case of the pickle suite in a fresh Node process (spawned by bench/suites/pickle.ts): warm-up
 * rounds, then timed decode and encode rounds of one pickle; prints one JSON line. A fresh process
 * per case keeps one case's heap and allocator state (page faults on fresh memory are costly on
 * VMs) from slowing the next: in one shared process the same decode runs several times slower
 * depending on which cases ran before it.
 * Usage: node --import tsx bench/pickle-case.ts <pickle path> <case label> <rounds> <warm rounds> <round ms>
 */
import { readFileSync } from "node:fs";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import type { PyValue } from "#src/python/values.js";
import { type Measurement, measure, median } from "./harness.js";

const [path, label, roundsText, warmText, roundMsText] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const rounds = Number(roundsText);
const warmRounds = Number(warmText);
const roundMs = Number(roundMsText);
const bytes = readFileSync(path);
const size = bytes.length;
const impl = "superset-cache";

/**
 * Decode rounds as a cache read decodes: each `loads` gets an input of its own (`ownsInput`, as a
 * fresh socket or file reply is), refilled outside the timed region. CPython's `pickle.loads`
 * never writes its input, so its reused bytes object is the same work as a fresh one.
 * Round length in MILLISECONDS of timed decode.
 */
function measureDecode(timedRounds: number): Measurement {
  const input = Buffer.allocUnsafeSlow(size);
  const samples: number[] = [];
  for (let round = 0; round < timedRounds; round++) {
    let ops = 0;
    let timed = 0;
    while (timed < roundMs) {
      input.set(bytes);
      const t0 = performance.now();
      loads(input, { ownsInput: true });
      timed += performance.now() - t0;
      ops++;
    }
    samples.push(ops / (timed / 1000));
  }
  const opsPerSec = median(samples);
  return {
    case: `decode ${label}`,
    impl,
    opsPerSec,
    mbPerSec: (opsPerSec * size) / 1e6,
    rounds: timedRounds,
    samples,
  };
}

measureDecode(warmRounds);
const decode = measureDecode(rounds);
const value: PyValue = loads(bytes);
const reencodedBytes = dumps(value).length;
await measure(`encode ${label}`, impl, () => dumps(value), { rounds: warmRounds, roundMs });
const encode = await measure(`encode ${label}`, impl, () => dumps(value), {
  bytesPerOp: size,
  rounds,
  roundMs,
});
console.log(JSON.stringify({ decode, encode, reencodedBytes }));
