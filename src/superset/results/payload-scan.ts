/**
 * Pre-scans of an inflated results payload, charging the decode's budget for what parsing
 * will build *before* msgpackr or `JSON.parse` builds it: a few kilobytes of zlib inflate to
 * ~1000× as many bytes, and both parsers would turn each byte into a JS value.
 */
import type { DecodeBudget } from "../../codecs/decode-budget.js";

/**
 * Walk msgpack headers (no values are built): each array or map charges its item count, each
 * str twice its byte length. Malformed framing ends the scan quietly (msgpackr reports it).
 * @throws DecodeLimitError (stage `msgpack`) when the budget runs out
 */
export function scanMsgpack(bytes: Uint8Array, budget: DecodeBudget): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let pos = 0;
  let pending = 1;
  while (pending > 0 && pos < n) {
    pending--;
    const b = bytes[pos++] as number;
    let items = 0;
    let skip = 0;
    let strBytes = 0;
    if (b <= 0x7f || b >= 0xe0 || (b >= 0xc0 && b <= 0xc3)) skip = 0;
    else if (b <= 0x8f) items = (b & 0x0f) * 2;
    else if (b <= 0x9f) items = b & 0x0f;
    else if (b <= 0xbf) strBytes = b & 0x1f;
    else {
      if (pos + 4 > n && b >= 0xc4) return;
      switch (b) {
        case 0xc4:
          skip = 1 + (bytes[pos] as number);
          break;
        case 0xc5:
          skip = 2 + view.getUint16(pos);
          break;
        case 0xc6:
          skip = 4 + view.getUint32(pos);
          break;
        case 0xc7:
          skip = 2 + (bytes[pos] as number);
          break;
        case 0xc8:
          skip = 3 + view.getUint16(pos);
          break;
        case 0xc9:
          skip = 5 + view.getUint32(pos);
          break;
        case 0xca:
        case 0xce:
        case 0xd2:
          skip = 4;
          break;
        case 0xcb:
        case 0xcf:
        case 0xd3:
          skip = 8;
          break;
        case 0xcc:
        case 0xd0:
          skip = 1;
          break;
        case 0xcd:
        case 0xd1:
          skip = 2;
          break;
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8:
          skip = 1 + 2 ** (b - 0xd4);
          break;
        case 0xd9:
          strBytes = bytes[pos] as number;
          pos += 1;
          break;
        case 0xda:
          strBytes = view.getUint16(pos);
          pos += 2;
          break;
        case 0xdb:
          strBytes = view.getUint32(pos);
          pos += 4;
          break;
        case 0xdc:
          items = view.getUint16(pos);
          pos += 2;
          break;
        case 0xdd:
          items = view.getUint32(pos);
          pos += 4;
          break;
        case 0xde:
          items = view.getUint16(pos) * 2;
          pos += 2;
          break;
        case 0xdf:
          items = view.getUint32(pos) * 2;
          pos += 4;
          break;
      }
    }
    if (items > 0) {
      // Every item takes at least one byte: a larger claim is malformed, for msgpackr to report.
      if (pending + items > n - pos) return;
      budget.produce(items, "msgpack");
      pending += items;
    }
    if (strBytes > n - pos) return;
    if (strBytes > 0) budget.allocate(strBytes * 2, "msgpack");
    pos += skip + strBytes;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
/** Values counted between charges of the budget. */
const JSON_CHARGE_STEP = 65_536;

/**
 * Count the values JSON text will build (commas, colons and openings outside strings) and
 * charge them as elements (record keys repeat on every row, so text length says little).
 * @throws DecodeLimitError (stage `json`) when the budget runs out
 */
export function scanJson(bytes: Uint8Array, budget: DecodeBudget): void {
  let values = 1;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === COMMA || c === COLON || c === OPEN_BRACKET || c === OPEN_BRACE) {
      // Charged as found, so a flood fails after the first few megabytes.
      if (++values === JSON_CHARGE_STEP) {
        budget.produce(values, "json");
        values = 0;
      }
    }
  }
  budget.produce(values, "json");
}
