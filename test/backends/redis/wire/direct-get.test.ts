/**
 * DirectGetCommand writes the bytes ioredis writes for `GET key` and settles its one promise with
 * what `RedisBackend.get` returns; its command timeout runs through the connection's
 * CommandDeadlines (one timer for every command in flight) with ioredis's rejection.
 */
import { Command, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBackendError } from "#src/backends/redis/errors.js";
import { CommandDeadlines, type Expirable } from "#src/backends/redis/wire/command-deadlines.js";
import { DirectGetCommand } from "#src/backends/redis/wire/direct-get.js";
import { RedisServer } from "#test/helpers/redis-server.js";

const mapped = (err: unknown) =>
  new RedisBackendError("REDIS_REPLY_ERROR", `mapped: ${(err as Error).message}`, false);

describe("DirectGetCommand bytes", () => {
  for (const key of ["k", "", "clé ✓ 🎉", "x".repeat(1000)]) {
    it(`same request as ioredis for key of ${key.length} chars`, () => {
      const ours = new DirectGetCommand(key, mapped).toWritable({});
      const theirs = new Command("get", [key]).toWritable({});
      expect(Buffer.from(ours)).toEqual(Buffer.from(theirs as string));
      expect(new DirectGetCommand(key, mapped).args).toEqual([key]);
    });
  }
});

describe("DirectGetCommand against a real server", () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await RedisServer.start({ label: "direct-get" });
    client = new Redis({ host: server.host, port: server.port, commandTimeout: 300 });
    await client.ping();
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it("a value as a plain Uint8Array view, nil as undefined, an error reply mapped", async () => {
    await client.set("dg:v", Buffer.from([0, 1, 2, 255]));
    await client.rpush("dg:list", "a");
    const [value, missing, wrong] = await Promise.allSettled([
      new DirectGetCommand("dg:v", mapped).sendOn(client),
      new DirectGetCommand("dg:missing", mapped).sendOn(client),
      new DirectGetCommand("dg:list", mapped).sendOn(client),
    ]);
    expect(value).toMatchObject({ status: "fulfilled" });
    const bytes = (value as PromiseFulfilledResult<Uint8Array>).value;
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    expect([...bytes]).toEqual([0, 1, 2, 255]);
    expect(missing).toEqual({ status: "fulfilled", value: undefined });
    expect(wrong).toMatchObject({
      status: "rejected",
      reason: { message: expect.stringMatching(/mapped: WRONGTYPE/) },
    });
  });

  it("hundreds in flight with other commands between them get their own replies, in order", async () => {
    const n = 300;
    await Promise.all(Array.from({ length: n }, (_, i) => client.set(`dg:${i}`, `v${i}`)));
    const got = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        i % 7 === 0
          ? client.incr(`dg:n:${i}`).then(String)
          : new DirectGetCommand(`dg:${i}`, mapped).sendOn(client).then((v) => Buffer.from(v!).toString()),
      ),
    );
    expect(got).toEqual(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? "1" : `v${i}`)));
  });

  it("times out as ioredis does (its message, mapped), and a late reply changes nothing", async () => {
    await client.set("dg:slow", "late");
    expect(server.cli(["CLIENT", "PAUSE", "700", "ALL"]).ok).toBe(true);
    const started = performance.now();
    const slow = new DirectGetCommand("dg:slow", mapped).sendOn(client);
    await expect(slow).rejects.toThrow(/mapped: Command timed out/);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(650);
    // After the pause the reply arrives for the timed-out command; the next one is unaffected.
    await sleep(700 - waited + 50);
    const next = await new DirectGetCommand("dg:slow", mapped).sendOn(client);
    expect(Buffer.from(next!).toString()).toBe("late");
  });

  it("with a mapping, settles with map(value) / onError(error); a throw from either rejects", async () => {
    const mapping = {
      map: (b: Uint8Array | undefined) => (b === undefined ? "miss" : `hit:${b.length}`),
      onError: (e: unknown) => `error:${(e as Error).message.slice(0, 15)}`,
    };
    const send = (key: string, m: typeof mapping) =>
      new DirectGetCommand(key, mapped, m).sendOn<string>(client);
    expect(await send("dg:v", mapping)).toBe("hit:4");
    expect(await send("dg:missing", mapping)).toBe("miss");
    expect(await send("dg:list", mapping)).toBe("error:mapped: WRONGTY");
    const throwing = {
      map: () => {
        throw new Error("map threw");
      },
      onError: () => {
        throw new Error("onError threw");
      },
    };
    await expect(send("dg:v", throwing)).rejects.toThrow("map threw");
    await expect(send("dg:list", throwing)).rejects.toThrow("onError threw");
  });

  it("a closed connection rejects the commands in flight through the mapper", async () => {
    const c = new Redis({ host: server.host, port: server.port, retryStrategy: () => null });
    await c.ping();
    // Paused, so no reply can come before the connection closes.
    expect(server.cli(["CLIENT", "PAUSE", "300", "ALL"]).ok).toBe(true);
    const p = new DirectGetCommand("dg:v", mapped).sendOn(c);
    c.disconnect();
    await expect(p).rejects.toThrow(/^mapped: /);
  });
});

class Fake implements Expirable {
  deadline = 0;
  settled = false;
  expired: Error | undefined;
  expire(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.expired = err;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("CommandDeadlines", () => {
  it("rejects only unsettled commands whose deadline passed, oldest first, and re-arms for the rest", async () => {
    const d = new CommandDeadlines(40);
    const early = [new Fake(), new Fake(), new Fake()];
    for (const f of early) d.add(f);
    early[1]!.settled = true;
    d.settled();
    await sleep(20);
    const late = new Fake();
    d.add(late);
    await sleep(35);
    expect(early.map((f) => f.expired?.message)).toEqual([
      "Command timed out",
      undefined,
      "Command timed out",
    ]);
    expect(late.expired).toBeUndefined();
    expect(d.pending).toBe(1);
    await sleep(40);
    expect(late.expired?.message).toBe("Command timed out");
    expect(d.pending).toBe(0);
  });

  it("keeps the first deadline when a command is added again (a resend after a reconnect)", () => {
    const d = new CommandDeadlines(1000);
    const f = new Fake();
    d.add(f);
    const first = f.deadline;
    d.add(f);
    expect(f.deadline).toBe(first);
    expect(d.pending).toBe(1);
    f.settled = true;
    d.settled();
    expect(d.pending).toBe(0);
  });

  it("holds no settled commands once the front is settled, however many went through", () => {
    const d = new CommandDeadlines(1000);
    const stuck = new Fake();
    d.add(stuck);
    for (let i = 0; i < 5000; i++) {
      const f = new Fake();
      d.add(f);
      f.settled = true;
      d.settled();
    }
    expect(d.pending).toBe(1);
    stuck.settled = true;
    d.settled();
    expect(d.pending).toBe(0);
  });
});
