/**
 * The ioredis internals behind the Redis fast paths (wire/seams.ts). These fail loudly on an
 * ioredis upgrade: the installed version must be the pinned one and pass the seam check, and a
 * changed seam (stand-ins here, a patched ioredis in a child process) switches the fast path off,
 * reports it, and leaves a backend that still works against a real redis-server.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AbstractConnector, Command, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  IOREDIS_TESTED_VERSION,
  type IoredisSeamReport,
  inspectIoredisSeams,
  ioredisSeams,
} from "#src/backends/redis/wire/seams.js";
import { runChild } from "#test/helpers/child-run.js";
import { HELPERS_DIR, REPO_ROOT, TSX_BIN } from "#test/helpers/paths.js";
import { RedisServer } from "#test/helpers/redis-server.js";

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
const real = { Redis, Command, AbstractConnector };

describe("ioredis seams", () => {
  it("the installed ioredis is the pinned version the fast paths were written for", () => {
    const pkg = readJson(join(REPO_ROOT, "package.json")) as { dependencies: Record<string, string> };
    const installed = readJson(join(REPO_ROOT, "node_modules", "ioredis", "package.json"));
    // An exact pin (no ^ or ~): a new ioredis release is a deliberate upgrade that reruns these tests.
    expect(pkg.dependencies.ioredis).toBe(IOREDIS_TESTED_VERSION);
    expect(installed.version).toBe(IOREDIS_TESTED_VERSION);
  });

  it("every fast path's seam matches on the installed ioredis", () => {
    expect(ioredisSeams()).toEqual({
      directSet: true,
      directGet: true,
      coalescing: true,
      framedReads: true,
      problems: [],
    });
  });

  it("a sendCommand that no longer writes toWritable(this.stream) switches both direct commands off", () => {
    class Wrapped extends Redis {
      override sendCommand(...args: Parameters<Redis["sendCommand"]>) {
        return super.sendCommand(...args);
      }
    }
    const r = inspectIoredisSeams({ ...real, Redis: Wrapped });
    expect(r).toMatchObject({ directSet: false, directGet: false, coalescing: true });
    // Reported once, though both fast paths rely on it.
    expect(r.problems.filter((p) => /toWritable/.test(p))).toHaveLength(1);
  });

  it("a Command without toWritable, or one that cannot be built bare, switches DirectSetCommand off", () => {
    const NoWritable = function NoWritable() {} as unknown as typeof Command;
    expect(inspectIoredisSeams({ ...real, Command: NoWritable })).toMatchObject({ directSet: false });
    class Throws extends Command {
      constructor() {
        super("x");
        throw new Error("changed constructor");
      }
    }
    const r = inspectIoredisSeams({ ...real, Command: Throws });
    expect(r.directSet).toBe(false);
    expect(r.problems.join()).toMatch(/changed constructor/);
    expect(r.framedReads && r.coalescing).toBe(true);
  });

  it("a Command whose constructor no longer calls initPromise, or a sendCommand without command.setTimeout, switches DirectGetCommand off", () => {
    class OwnPromise extends Command {
      constructor(name: string, args?: never[], options?: object) {
        super(name, args, options);
        this.promise = Promise.resolve();
      }
    }
    const r = inspectIoredisSeams({ ...real, Command: OwnPromise });
    expect(r).toMatchObject({ directGet: false, directSet: true });
    expect(r.problems.join()).toMatch(/initPromise/);
    const TimerElsewhere = class extends Redis {};
    // A sendCommand that still writes toWritable(this.stream) but arms timeouts some other way.
    (TimerElsewhere.prototype as unknown as Record<string, unknown>).sendCommand = function (
      this: { stream: { write(x: unknown): void } },
      command: { toWritable(s: unknown): unknown; armTimeout(): void },
    ) {
      command.armTimeout();
      this.stream.write(command.toWritable(this.stream));
    };
    const t = inspectIoredisSeams({ ...real, Redis: TimerElsewhere });
    expect(t).toMatchObject({ directGet: false, directSet: true });
    expect(t.problems.join()).toMatch(/setTimeout/);
  });

  it("a client without commandQueue switches coalescing off; one ignoring options.Connector, framed reads", () => {
    class NoQueue extends Redis {
      constructor(options: object) {
        super(options);
        (this as unknown as Record<string, unknown>).commandQueue = undefined;
      }
    }
    expect(inspectIoredisSeams({ ...real, Redis: NoQueue })).toMatchObject({
      coalescing: false,
      framedReads: true,
    });
    class OwnConnector extends Redis {
      constructor(options: object) {
        super({ ...options, Connector: undefined });
      }
    }
    expect(inspectIoredisSeams({ ...real, Redis: OwnConnector })).toMatchObject({
      coalescing: true,
      framedReads: false,
    });
    expect(inspectIoredisSeams({ ...real, AbstractConnector: undefined })).toMatchObject({
      framedReads: false,
    });
  });

  describe("with a patched ioredis in a child process", () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await RedisServer.start({ label: "seams" });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it("falls back to ioredis's public paths, reports it once, and still stores and reads values", async () => {
      const { code, stdout, stderr } = await runChild(
        TSX_BIN,
        [join(HELPERS_DIR, "broken-seams-worker.ts"), server.url],
        { cwd: REPO_ROOT },
      );
      expect(code, stderr).toBe(0);
      const summary = JSON.parse(stdout) as {
        seams: IoredisSeamReport;
        published: IoredisSeamReport[];
        roundTrips: boolean[];
        stats: { fastPathsOff: number };
      };
      expect(summary.seams).toMatchObject({
        directSet: false,
        directGet: false,
        coalescing: true,
        framedReads: false,
      });
      expect(summary.published).toEqual([summary.seams]);
      expect(summary.roundTrips).toEqual(Array(6).fill(true));
      expect(summary.stats.fastPathsOff).toBe(3);
      // Three backends, one warning.
      expect(stderr.match(/\[IOREDIS_SEAMS\]/g)).toHaveLength(1);
      expect(stderr).toMatch(/running without the Redis fast paths directSet, directGet, framedReads/);
    });
  });
});
