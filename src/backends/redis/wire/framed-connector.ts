/**
 * An ioredis connector for plain TCP and Unix-socket connections whose reads go through
 * `RespFramer` (Node's `onread` with a reused buffer; large bulk replies read in place). Used
 * for the standalone clients the backend creates itself; TLS, Sentinel and Cluster keep
 * ioredis's own connectors.
 */
import { createConnection, type NetConnectOpts, type Socket } from "node:net";
import { AbstractConnector, type RedisOptions } from "ioredis";
import { RespFramer, type RespFramerOptions } from "./resp-framer.js";

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
          const reads = new RespFramer((chunk) => socket?.emit("data", chunk), framer);
          try {
            socket = createConnection({
              ...this.target,
              onread: { buffer: reads.nextBuffer, callback: reads.onRead },
            } as NetConnectOpts);
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
