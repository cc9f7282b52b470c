/**
 * The read side of our own Redis connections: Node reads into one reused buffer (`onread`),
 * and this framer hands ioredis's parser copies it may keep — except that a large bulk reply
 * (`$N`, N ≥ `bigBulkBytes`, not ending in the read that starts it) is read by the kernel
 * straight into one buffer holding its header, payload and CRLF, handed over whole. That buffer
 * is presized up to `initialBigBulkBytes` and doubles as bytes arrive, so what a server
 * announces in `$N` is never allocated before it is sent.
 *
 * Why: by default Node allocates a fresh 64 KiB buffer per read and the parser then joins the
 * pieces of a 100 KB reply into another fresh buffer, so every large GET touches about twice its
 * size in new memory (page faults on fresh memory can dominate such a GET) and copies
 * it twice. Here it lands once, in the buffer the value is finally a view of.
 *
 * The framer only follows RESP2 token boundaries (header lines; bulk payloads skipped by their
 * length); the parser still parses everything. Bytes are never reordered or changed, only
 * regrouped into chunks. Input that is not RESP just passes through, for the parser to reject.
 */

const LF = 0x0a;
const CR_LF_BYTES = 2;
const DOLLAR = 0x24;
const CR = 0x0d;
const ZERO = 0x30;
const NINE = 0x39;

/** Options of `RespFramer`. */
export interface RespFramerOptions {
  /** Size of the reused read buffer, bytes (default 64 KiB, Node's own read size). */
  readBufferBytes?: number;
  /** Smallest bulk payload, bytes, read into its own presized buffer (default 16 KiB). */
  bigBulkBytes?: number;
  /** Largest bulk payload that gets one (default 512 MiB, Redis's own limit). */
  maxBigBulkBytes?: number;
  /**
   * Most bytes allocated for a large bulk before any of it arrived (default 1 MiB). The buffer
   * then doubles as bytes arrive, up to the announced size, so a `$N` header alone (a hostile or
   * broken server announcing 512 MiB and sending nothing) costs at most this much, and the
   * memory held while a reply is incomplete stays within twice what was received.
   */
  initialBigBulkBytes?: number;
}

export const RESP_FRAMER_DEFAULTS = {
  readBufferBytes: 64 * 1024,
  bigBulkBytes: 16 * 1024,
  maxBigBulkBytes: 512 * 1024 * 1024,
  initialBigBulkBytes: 1024 * 1024,
} as const;

export class RespFramer {
  private readonly scratch: Buffer;
  private readonly bigBulkBytes: number;
  private readonly maxBigBulkBytes: number;
  private readonly initialBigBulkBytes: number;
  /** The large bulk being read in place, how much of it has arrived and its whole size (header, payload, CRLF). */
  private big: Buffer | undefined;
  private bigFilled = 0;
  private bigTotal = 0;
  /** The start of a header line that the previous read ended inside. */
  private carry: Buffer | undefined;
  /** Payload bytes (with their CRLF) still to pass over before the next token. */
  private skip = 0;

  /** @param emit receives every byte in order, in chunks the receiver may keep */
  constructor(
    private readonly emit: (chunk: Buffer) => void,
    options: RespFramerOptions = {},
  ) {
    this.scratch = Buffer.allocUnsafe(options.readBufferBytes ?? RESP_FRAMER_DEFAULTS.readBufferBytes);
    this.bigBulkBytes = options.bigBulkBytes ?? RESP_FRAMER_DEFAULTS.bigBulkBytes;
    this.maxBigBulkBytes = options.maxBigBulkBytes ?? RESP_FRAMER_DEFAULTS.maxBigBulkBytes;
    this.initialBigBulkBytes = options.initialBigBulkBytes ?? RESP_FRAMER_DEFAULTS.initialBigBulkBytes;
  }

  /** Bytes currently allocated for an incomplete large bulk (0 when none): for tests and health checks. */
  get pendingBigBulkBytes(): number {
    return this.big?.length ?? 0;
  }

  /** Node's `onread.buffer`: where the next read goes. */
  readonly nextBuffer = (): Uint8Array => (this.big ? this.big.subarray(this.bigFilled) : this.scratch);

  /** Node's `onread.callback`: `n` bytes arrived in the buffer `nextBuffer` returned. */
  readonly onRead = (n: number): boolean => {
    const big = this.big;
    if (big) {
      // The read was capped at the buffer's end (never past the bulk's), so these bytes are all the bulk's.
      this.bigFilled += n;
      if (this.bigFilled === this.bigTotal) {
        this.big = undefined;
        this.emit(big);
      } else if (this.bigFilled === big.length) {
        // Grow by doubling, never past the announced size: memory follows what arrived.
        const grown = Buffer.allocUnsafe(Math.min(this.bigTotal, big.length * 2));
        big.copy(grown, 0, 0, this.bigFilled);
        this.big = grown;
      }
    } else {
      this.scan(this.scratch.subarray(0, n));
    }
    return true;
  };

  /** Follow the tokens of one read; emit complete stretches, hold back a partial header line. */
  private scan(view: Buffer): void {
    const n = view.length;
    let pos = 0;
    while (pos < n) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - pos);
        this.skip -= k;
        pos += k;
        continue;
      }
      const lineStart = pos;
      const lf = view.indexOf(LF, pos);
      if (lf === -1) {
        this.flush(view, lineStart);
        const rest = Buffer.from(view.subarray(lineStart));
        this.carry = this.carry ? Buffer.concat([this.carry, rest]) : rest;
        return;
      }
      const carry = this.carry;
      pos = lf + 1;
      const length = bulkLength(carry, view, lineStart, lf);
      if (length < 0) {
        if (carry) this.emitCarry();
        continue;
      }
      const end = pos + length + CR_LF_BYTES;
      if (end <= n) {
        if (carry) this.emitCarry();
        pos = end;
      } else if (length >= this.bigBulkBytes && length <= this.maxBigBulkBytes) {
        this.flush(view, lineStart);
        this.startBig(carry, view.subarray(lineStart), pos - lineStart, length);
        return;
      } else {
        if (carry) this.emitCarry();
        this.skip = end - n;
        pos = n;
      }
    }
    this.flush(view, n);
  }

  /** A held-back line start goes out first, ahead of the rest of its line in this read. */
  private emitCarry(): void {
    const carry = this.carry!;
    this.carry = undefined;
    this.emit(carry);
  }

  /** Copy `view[0, to)` out (the read buffer is reused) and emit it. */
  private flush(view: Buffer, to: number): void {
    if (to > 0) this.emit(Buffer.from(view.subarray(0, to)));
  }

  /**
   * Allocate room for header + payload + CRLF (all of it when small, else `initialBigBulkBytes`
   * or twice what arrived, growing in `onRead`); copy the carried header start and what arrived
   * so far (`tail`: the header line's part in this read, then payload), and read the rest in place.
   */
  private startBig(carry: Buffer | undefined, tail: Buffer, headerInView: number, length: number): void {
    const headerBytes = (carry?.length ?? 0) + headerInView;
    const total = headerBytes + length + CR_LF_BYTES;
    const arrived = (carry?.length ?? 0) + tail.length;
    const big = Buffer.allocUnsafe(Math.min(total, Math.max(this.initialBigBulkBytes, 2 * arrived)));
    this.bigTotal = total;
    let at = 0;
    if (carry) {
      big.set(carry, 0);
      at = carry.length;
    }
    big.set(tail, at);
    this.carry = undefined;
    this.big = big;
    this.bigFilled = at + tail.length;
  }
}

/**
 * The payload length of a `$N` header line (`carry` + `view[start, lf)`), or -1 when the line is
 * not a bulk header with a length ≥ 0 (other types, `$-1`, or anything malformed).
 */
function bulkLength(carry: Buffer | undefined, view: Buffer, start: number, lf: number): number {
  if (carry === undefined) return headerLength(view, start, lf);
  const line = Buffer.concat([carry, view.subarray(start, lf)]);
  return headerLength(line, 0, line.length);
}

/** `buf[start, end)` = "$" digits "\r" → the digits' value; else -1. */
function headerLength(buf: Buffer, start: number, end: number): number {
  if (end - start < 3 || buf[start] !== DOLLAR || buf[end - 1] !== CR) return -1;
  let n = 0;
  for (let i = start + 1; i < end - 1; i++) {
    const c = buf[i]!;
    if (c < ZERO || c > NINE) return -1;
    n = n * 10 + (c - ZERO);
  }
  return Number.isSafeInteger(n) ? n : -1;
}
