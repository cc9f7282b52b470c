/**
 * The framed read connector's runtime seam check: ioredis's reply parser must listen to the
 * socket's `data` events (where the framer hands its chunks). A connection whose first read
 * finds no listener switches framed reads off for the process (reported once) and is destroyed;
 * the next connection reads the plain way. Its own file: the switch is process-wide.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { framedReadConnector } from "#src/backends/redis/wire/framed-connector.js";
import { ioredisSeams } from "#src/backends/redis/wire/seams.js";
import { waitUntil } from "#test/helpers/wait-until.js";

describe("framed read connector without a data listener", () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    // Speaks first, like a reply arriving before anyone listens.
    server = createServer((s) => s.write("+PONG\r\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("switches framed reads off, reports it, destroys that socket; the next connection reads plainly", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      const Connector = framedReadConnector();
      const connector = new Connector({ host: "127.0.0.1", port }) as unknown as {
        connect(): Promise<Socket>;
      };
      expect(ioredisSeams().framedReads).toBe(true);
      const first = await connector.connect();
      await waitUntil("the unread socket to be destroyed", () => first.destroyed);
      expect(ioredisSeams()).toMatchObject({ directSet: true, coalescing: true, framedReads: false });
      expect(ioredisSeams().problems).toEqual([
        "ioredis does not read replies from the socket's data events",
      ]);
      await waitUntil("the warning", () => warnings.length > 0);
      expect(warnings.join()).toMatch(/framedReads/);

      // A plain socket buffers what arrives until someone reads (an `onread` socket never does).
      const second = await connector.connect();
      await waitUntil("the reply buffered by a plain read", () => second.readableLength > 0);
      const chunks: Buffer[] = [];
      second.on("data", (d: Buffer) => chunks.push(d));
      await waitUntil("the plain read", () => Buffer.concat(chunks).toString() === "+PONG\r\n");
      expect(second.destroyed).toBe(false);
      second.destroy();
    } finally {
      process.off("warning", onWarning);
    }
  });
});
