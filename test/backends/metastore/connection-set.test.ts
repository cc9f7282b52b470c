/**
 * The metastore backend's connection set over a fake driver: how many connections it opens,
 * which one a statement goes to, the one retry after a lost connection, idle closing and end().
 * The real drivers are covered by db.test.ts (killed server connections included).
 */
import { describe, expect, it } from "vitest";
import { type ConnectionDriver, ConnectionSet } from "#src/backends/metastore/connection-set.js";
import { CacheBackendError } from "#src/core/errors.js";

interface FakeConnection {
  id: number;
  closed: boolean;
  lose(error?: Error): void;
}

class LostError extends Error {
  readonly code = "ECONNRESET";
}

/** A driver whose statements answer `[connection id, sql]` when `release()` is called. */
function fakeDriver(
  options: { failOpen?: () => boolean; failQuery?: (c: FakeConnection) => Error | undefined } = {},
) {
  const opened: FakeConnection[] = [];
  const waiting: (() => void)[] = [];
  let hold = false;
  /** Statements running per connection id, and the most seen on one connection at once. */
  const running = new Map<number, number>();
  let mostAtOnce = 0;
  const driver: ConnectionDriver<FakeConnection, [number, string]> = {
    open: async (onLost) => {
      if (options.failOpen?.()) throw new Error("connect ECONNREFUSED");
      const c: FakeConnection = { id: opened.length + 1, closed: false, lose: (e) => onLost(e) };
      opened.push(c);
      return c;
    },
    query: async (c, sql) => {
      const now = (running.get(c.id) ?? 0) + 1;
      running.set(c.id, now);
      mostAtOnce = Math.max(mostAtOnce, now);
      try {
        if (hold) await new Promise<void>((resolve) => waiting.push(resolve));
        const error = options.failQuery?.(c);
        if (error) throw error;
        return [c.id, sql];
      } finally {
        running.set(c.id, now - 1);
      }
    },
    close: async (c) => {
      c.closed = true;
    },
    isConnectionLost: (e) => e instanceof LostError,
  };
  return {
    driver,
    opened,
    mostAtOnce: () => mostAtOnce,
    holdAnswers: () => {
      hold = true;
    },
    release: () => {
      hold = false;
      for (const w of waiting.splice(0)) w();
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("ConnectionSet", () => {
  it("reuses an idle connection: sequential statements open one", async () => {
    const f = fakeDriver();
    const set = new ConnectionSet(f.driver, { maxConnections: 5 });
    for (let i = 0; i < 10; i++) expect(await set.query(`q${i}`, [])).toEqual([1, `q${i}`]);
    expect(f.opened.length).toBe(1);
    await set.end();
  });

  it("opens up to maxConnections under concurrency, then queues: one statement per connection at a time", async () => {
    const f = fakeDriver();
    const set = new ConnectionSet(f.driver, { maxConnections: 3 });
    f.holdAnswers();
    const pending = Array.from({ length: 7 }, (_, i) => set.query(`q${i}`, []));
    await tick();
    f.release();
    const ids = (await Promise.all(pending)).map(([id]) => id);
    expect(f.opened.length).toBe(3);
    expect(ids.slice(0, 3)).toEqual([1, 2, 3]);
    // The rest spread evenly: never more than one statement ahead of another connection.
    const counts = [1, 2, 3].map((id) => ids.filter((x) => x === id).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(f.mostAtOnce()).toBe(1);
    await set.end();
  });

  it("a lost connection is dropped and the statement retried once on another", async () => {
    let failures = 1;
    const f = fakeDriver({ failQuery: () => (failures-- > 0 ? new LostError("reset") : undefined) });
    const set = new ConnectionSet(f.driver, { maxConnections: 2 });
    expect(await set.query("q", [])).toEqual([2, "q"]);
    expect(f.opened[0]?.closed).toBe(true);
    failures = 2;
    await expect(set.query("q", [])).rejects.toBeInstanceOf(LostError);
    failures = 0;
    expect((await set.query("q", []))[1]).toBe("q");
  });

  it("other statement errors are thrown as they are, the connection kept", async () => {
    const f = fakeDriver({ failQuery: (c) => (c.id === 1 ? new Error("syntax error") : undefined) });
    const set = new ConnectionSet(f.driver, { maxConnections: 2 });
    await expect(set.query("bad", [])).rejects.toThrow("syntax error");
    expect(f.opened.length).toBe(1);
    expect(f.opened[0]?.closed).toBe(false);
    await set.end();
  });

  it("a failed open reaches the statement; the next statement opens again", async () => {
    let fail = true;
    const f = fakeDriver({ failOpen: () => fail });
    const set = new ConnectionSet(f.driver, { maxConnections: 1 });
    await expect(set.query("q", [])).rejects.toThrow("ECONNREFUSED");
    fail = false;
    expect(await set.query("q", [])).toEqual([1, "q"]);
    await set.end();
  });

  it("an idle connection's loss is reported and the connection replaced", async () => {
    const lost: Error[] = [];
    const f = fakeDriver();
    const set = new ConnectionSet(f.driver, { maxConnections: 1, onIdleLost: (e) => lost.push(e) });
    await set.query("q", []);
    f.opened[0]?.lose(new Error("terminating connection due to administrator command"));
    expect(lost.map((e) => e.message)).toEqual(["terminating connection due to administrator command"]);
    expect(await set.query("q", [])).toEqual([2, "q"]);
    await set.end();
  });

  it("closes connections unused for idleMs", async () => {
    const f = fakeDriver();
    const set = new ConnectionSet(f.driver, { maxConnections: 2, idleMs: 20 });
    await set.query("q", []);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(f.opened[0]?.closed).toBe(true);
    expect(await set.query("q", [])).toEqual([2, "q"]);
    await set.end();
  });

  it("end() rejects statements waiting for a connection with METASTORE_CLOSED", async () => {
    const f = fakeDriver();
    const set = new ConnectionSet(f.driver, { maxConnections: 1 });
    f.holdAnswers();
    const first = set.query("q0", []);
    const waiting = set.query("q1", []);
    await tick();
    const ended = set.end();
    await expect(waiting).rejects.toMatchObject({ code: "METASTORE_CLOSED" });
    f.release();
    await expect(first).resolves.toEqual([1, "q0"]);
    await ended;
  });

  it("end() closes every connection; later statements throw METASTORE_CLOSED", async () => {
    const f = fakeDriver();
    const set = new ConnectionSet(f.driver, { maxConnections: 2 });
    f.holdAnswers();
    const pending = [set.query("a", []), set.query("b", [])];
    await tick();
    f.release();
    await Promise.all(pending);
    await set.end();
    expect(f.opened.map((c) => c.closed)).toEqual([true, true]);
    const err = await set.query("q", []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheBackendError);
    expect((err as CacheBackendError).code).toBe("METASTORE_CLOSED");
  });
});
