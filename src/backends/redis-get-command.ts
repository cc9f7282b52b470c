/**
 * `GET key` with a Buffer reply for the backend's hot path on single-node clients: the bytes
 * ioredis's `getBuffer(key)` sends, built without its argument flattening and per-argument
 * checks (about half a microsecond per call, a tenth of a pipelined GET's CPU) since the one
 * argument is always a string.
 */
import { Command } from "ioredis";

const NO_ARGUMENTS: never[] = [];
/** No `replyEncoding`: the reply stays a Buffer (or null for a missing key). */
const BUFFER_REPLY = {};

export class GetBufferCommand extends Command {
  constructor(key: string) {
    super("get", NO_ARGUMENTS, BUFFER_REPLY);
    this.args = [key];
  }
}
