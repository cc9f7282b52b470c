/** Minimal types of redis-parser 3 (ioredis's reply parser), for the framer test. */
declare module "redis-parser" {
  interface RedisParserOptions {
    returnBuffers?: boolean;
    returnReply: (reply: unknown) => void;
    returnError: (error: unknown) => void;
    returnFatalError?: (error: unknown) => void;
  }
  export default class RedisParser {
    constructor(options: RedisParserOptions);
    execute(chunk: Buffer): void;
  }
}
