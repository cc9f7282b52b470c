/** An in-memory TemporaryCacheBackend that records every call, for the command unit tests. */
import type { PyValue } from "#src/python/values.js";
import type { TemporaryCacheBackend } from "#src/superset/temporary/index.js";

export type CacheCall =
  | { op: "get"; key: string }
  | { op: "set"; key: string; value: PyValue; timeout: number | null | undefined }
  | { op: "delete"; key: string };

export class RecordingCache implements TemporaryCacheBackend {
  readonly data = new Map<string, PyValue>();
  readonly calls: CacheCall[] = [];
  fail = false;

  async get(key: string): Promise<PyValue | undefined> {
    this.calls.push({ op: "get", key });
    if (this.fail) throw new Error("backend down");
    return this.data.get(key);
  }
  async set(key: string, value: PyValue, timeout?: number | null): Promise<boolean> {
    this.calls.push({ op: "set", key, value, timeout });
    if (this.fail) throw new Error("backend down");
    this.data.set(key, value);
    return true;
  }
  async delete(key: string): Promise<boolean> {
    this.calls.push({ op: "delete", key });
    if (this.fail) throw new Error("backend down");
    return this.data.delete(key);
  }
  /** Calls as compact strings, e.g. `get 42;k`, `set 42;k`, `delete x`. */
  trace(): string[] {
    return this.calls.map((c) => `${c.op} ${c.key}`);
  }
  reset(): void {
    this.calls.length = 0;
  }
}

/** Keys drawn in order from a list, so tests know which random key comes next. */
export function keySequence(...keys: string[]): () => string {
  let i = 0;
  return () => {
    const k = keys[i++];
    if (k === undefined) throw new Error("test drew more random keys than expected");
    return k;
  };
}

/** A null-prototype dict, as the codecs decode Python dicts. */
export function pyDict(entries: Record<string, PyValue>): { [key: string]: PyValue } {
  return Object.assign(Object.create(null), entries);
}
