/**
 * `SET key value [EX seconds]` without ioredis's copy: ioredis writes a command with Buffer
 * arguments by concatenating everything into one fresh Buffer (for a 100 KB value an allocation,
 * page faults on fresh memory, and a copy per call; for small values a measurable share of a
 * pipelined set). This command writes the RESP header and the caller's value straight to the
 * corked socket instead and hands ioredis only the trailer, so the socket sends header, value and
 * trailer in one writev.
 *
 * Only for a single command sent with `client.sendCommand(cmd)` on a single-node client: inside a
 * pipeline ioredis collects `toWritable` results to write later, and writing to the socket here
 * would put this command ahead of the batch. `toWritable` receives a pipeline-less socket in
 * every other path (first send, offline-queue flush, resend after reconnect).
 */
import type { Socket } from "node:net";
import { Command } from "ioredis";

const CRLF = "\r\n";

function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}${CRLF}${text}${CRLF}`;
}

function isSocket(s: object): s is Socket {
  const socket = s as Partial<Socket>;
  return typeof socket.cork === "function" && typeof socket.write === "function";
}

export class DirectSetCommand extends Command {
  readonly #key: string;
  readonly #value: Buffer;
  /** SECONDS; `0` = no `EX` argument. */
  readonly #timeout: number;

  /** @param timeout SECONDS (> 0 adds `EX timeout`; 0 for none) */
  constructor(key: string, value: Buffer, timeout: number) {
    const args: (string | Buffer)[] = timeout > 0 ? [key, value, "EX", String(timeout)] : [key, value];
    super("set", args, { replyEncoding: "utf8" });
    this.#key = key;
    this.#value = value;
    this.#timeout = timeout;
  }

  override toWritable(socket: object): string | Buffer {
    if (!isSocket(socket)) return super.toWritable(socket);
    const argc = this.#timeout > 0 ? 5 : 3;
    const head = `*${argc}${CRLF}$3${CRLF}set${CRLF}${bulk(this.#key)}$${this.#value.length}${CRLF}`;
    const tail = this.#timeout > 0 ? `${CRLF}${bulk("EX")}${bulk(String(this.#timeout))}` : CRLF;
    // Corked until the next tick, so ioredis's write of `tail` joins the same writev.
    socket.cork();
    socket.write(head);
    socket.write(this.#value);
    process.nextTick(uncork, socket);
    return tail;
  }
}

function uncork(socket: Socket): void {
  socket.uncork();
}
