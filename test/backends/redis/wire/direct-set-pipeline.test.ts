/**
 * A zero-copy DirectSetCommand inside an ioredis pipeline or MULTI on a real redis-server: ioredis
 * 5.11 hands `toWritable` the client's real socket there too, and the command must not write to
 * it (that would put the SET ahead of the batch and shift every reply). Also the direct send with
 * commands around it in the same tick, as the backend issues them.
 */
import { type Pipeline, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DirectSetCommand } from "#src/backends/redis/wire/direct-set.js";
import { RedisServer } from "#test/helpers/redis-server.js";

const BIG = 100_000;

describe("DirectSetCommand against a real redis-server", () => {
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await RedisServer.start({ label: "direct-set" });
    client = new Redis({ host: server.host, port: server.port, lazyConnect: true });
    await client.connect();
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it("keeps its place inside a pipeline: every reply belongs to its command", async () => {
    const big = Buffer.alloc(BIG, 0x61);
    await client.set("p:before", "0");
    const pipe = client.pipeline() as Pipeline;
    pipe.get("p:before");
    pipe.set("p:a", "1");
    pipe.sendCommand(new DirectSetCommand("p:big", big, 0, true));
    pipe.strlen("p:big");
    pipe.get("p:a");
    const results = await pipe.exec();
    expect(results).toEqual([
      [null, "0"],
      [null, "OK"],
      [null, "OK"],
      [null, BIG],
      [null, "1"],
    ]);
    expect((await client.getBuffer("p:big"))?.equals(big)).toBe(true);
  });

  it("keeps its place inside MULTI/EXEC", async () => {
    const big = Buffer.alloc(BIG, 0x62);
    const multi = client.multi() as Pipeline;
    multi.set("m:a", "x");
    multi.sendCommand(new DirectSetCommand("m:big", [big.subarray(0, 10), big.subarray(10)], 60, true));
    multi.ttl("m:big");
    multi.strlen("m:big");
    const results = await multi.exec();
    expect(results).toEqual([
      [null, "OK"],
      [null, "OK"],
      [null, 60],
      [null, BIG],
    ]);
    expect((await client.getBuffer("m:big"))?.equals(big)).toBe(true);
  });

  it("sent directly between other commands of the same tick, the replies stay in order", async () => {
    const big = Buffer.alloc(BIG, 0x63);
    await client.set("d:x", "before");
    const first = client.get("d:x");
    const set = new DirectSetCommand("d:x", big, 30, true).sendOn(client);
    const length = client.strlen("d:x");
    const ttl = client.ttl("d:x");
    expect(await Promise.all([first, set, length, ttl])).toEqual(["before", "OK", BIG, 30]);
    expect((await client.getBuffer("d:x"))?.equals(big)).toBe(true);
  });
});
