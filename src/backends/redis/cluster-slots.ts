/**
 * Redis Cluster hash slots: CRC16 (XMODEM) of the key, or of its `{hash tag}`, modulo 16384,
 * exactly as the server computes it (cluster spec). Used to split multi-key commands (MGET,
 * UNLINK) and pipelines per slot, because a cluster rejects commands that span slots.
 */

/** Number of hash slots in a Redis Cluster. */
export const CLUSTER_SLOTS = 16384;

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const encoder = new TextEncoder();

function crc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++)
    crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** The hash slot of a key (UTF-8 for strings), honouring `{tag}` hash tags. */
export function keySlot(key: string | Uint8Array): number {
  const bytes = typeof key === "string" ? encoder.encode(key) : key;
  const open = bytes.indexOf(OPEN_BRACE);
  if (open !== -1) {
    const close = bytes.indexOf(CLOSE_BRACE, open + 1);
    // An empty tag `{}` hashes the whole key, as the server does.
    if (close > open + 1) return crc16(bytes, open + 1, close) % CLUSTER_SLOTS;
  }
  return crc16(bytes, 0, bytes.length) % CLUSTER_SLOTS;
}

/**
 * Group item indexes by the slot of their key, keeping the caller's order inside each group.
 * Returns one array of indexes per distinct slot.
 */
export function groupBySlot<T>(items: readonly T[], keyOf: (item: T) => string | Uint8Array): number[][] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < items.length; i++) {
    const slot = keySlot(keyOf(items[i]!));
    const group = groups.get(slot);
    if (group) group.push(i);
    else groups.set(slot, [i]);
  }
  return [...groups.values()];
}
