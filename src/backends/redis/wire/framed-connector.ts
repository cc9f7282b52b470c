/**
 * An ioredis connector for plain TCP and Unix-socket connections whose reads go through
 * `RespFramer` (Node's `onread` with a reused buffer; large bulk replies read in place). Used
 * for the standalone clients the backend creates itself; TLS, Sentinel and Cluster keep
 * ioredis's own connectors.
 */
import { createConnection, type NetConnectOpts, type Socket } from "node:net";
import { AbstractConnector, type RedisOptions } from "ioredis";
import { RespFramer, type RespFramerOptions } from "./resp-framer.js";
import { disableFramedReads, ioredisSeams } from "./seams.js";

/** ioredis's message for a connect attempt cancelled by `disconnect()`. */
const CONNECTION_CLOSED = "Connection is closed.";
/** ioredis's default `disconnectTimeout`, ms. */
const DEFAULT_DISCONNECT_TIMEOUT_MS = 2000;

/** Build a connector class for ioredis's `Connector` option. */
export function framedReadConnector(framer: RespFramerOptions = {}): NonNullable<RedisOptions["Connector"]> {
  return class FramedReadConnector extends AbstractConnector {
    private readonly target: NetConnectOpts;

    /** @param redisOptions the client's RedisOptions (ioredis passes them untyped) */
    constructor(redisOptions: unknown) {
      const options = redisOptions as RedisOptions;
      super(options.disconnectTimeout ?? DEFAULT_DISCONNECT_TIMEOUT_MS);
      this.target = options.path
        ? { path: options.path }
        : { host: options.host, port: options.port ?? 6379, family: options.family };
    }

    connect(): Promise<Socket> {
      this.connecting = true;
      // Resolved in the next tick like ioredis's StandaloneConnector, which Redis relies on.
      return new Promise((resolve, reject) => {
        process.nextTick(() => {
          if (!this.connecting) {
            // ioredis's connector contract: ioredis handles this rejection itself, and anything
            // that reaches a caller goes through toRedisError first.
            reject(new Error(CONNECTION_CLOSED));
            return;
          }
          let socket: Socket | undefined;
          try {
            socket = ioredisSeams().framedReads
              ? framedSocket(this.target, framer, () => socket)
              : createConnection(this.target);
          } catch (err) {
            reject(err);
            return;
          }
          this.stream = socket;
          socket.once("error", (err) => {
            this.firstError = err;
          });
          resolve(socket);
        });
      });
    }
  };
}

/**
 * A socket whose reads go through a `RespFramer` that emits them as `data` events. ioredis's
 * reply parser must be listening by the first read: if it is not (an ioredis that reads the
 * socket another way), framed reads are switched off for the process and the socket is
 * destroyed, so ioredis reconnects (with plain reads) and resends the commands in flight.
 */
function framedSocket(
  target: NetConnectOpts,
  framer: RespFramerOptions,
  self: () => Socket | undefined,
): Socket {
  let state: "unchecked" | "ok" | "dead" = "unchecked";
  const reads = new RespFramer((chunk) => {
    const socket = self();
    if (socket === undefined || state === "dead") return;
    if (state === "unchecked") {
      // A socket ioredis is tearing down (it drops its listener then) proves nothing: drop the read.
      if (socket.listenerCount("data") === 0 && !socket.writable) return;
      if (socket.listenerCount("data") === 0) {
        state = "dead";
        disableFramedReads("ioredis does not read replies from the socket's data events");
        socket.destroy();
        return;
      }
      state = "ok";
    }
    socket.emit("data", chunk);
  }, framer);
  return createConnection({
    ...target,
    onread: { buffer: reads.nextBuffer, callback: reads.onRead },
  } as NetConnectOpts);
}
