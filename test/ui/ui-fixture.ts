/**
 * What the inspector tests look at: a redis-server with a password, holding entries Python wrote
 * (Flask-Caching through python/peer/flask_peer.py; SQL Lab payload and thumbnail through
 * python/peer/results_peer.py as Superset stores them), hostile keys and values, and the Superset
 * config naming it all, with secrets that must never reach a response.
 */
import { deflateSync } from "node:zlib";
import { tableFromArrays } from "apache-arrow";
import { FlaskPeer } from "#test/helpers/peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { pythonStoresResults, pythonStoresThumbnail } from "#test/helpers/results-peer-client.js";

export const REDIS_PASSWORD = "redis-pw-Zq81x";
export const SECRET_KEY = "flask-secret-Kx93jd";
export const HOSTILE_KEY = "<script>window.__pwned=1</script>\u001b[31mred";
export const CHART_ROWS = 120;
export const THUMB_SIZE = { width: 400, height: 200 };

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = (CRC_TABLE[(c ^ x) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** A real RGB PNG (a teal gradient) the browser can render. */
export function pngImage(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) rows.push(31, Math.round((x / width) * 255), 140);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.from(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export interface UiFixture {
  redis: RedisServer;
  /** The Superset config (with the password in its URLs and a SECRET_KEY). */
  config: Record<string, unknown>;
  /** Redis URL with the password. */
  url: string;
  /** Full Redis keys of the entries. */
  keys: { chart: string; results: string; thumbnail: string; filterState: string; hostile: string };
  stop(): Promise<void>;
}

export async function startUiFixture(label = "ui"): Promise<UiFixture> {
  const redis = await RedisServer.start({ label });
  // Superset's results and thumbnail writers (no password option in the peer): write, then lock.
  const table = tableFromArrays({
    id: Int32Array.from([1, 2, 3]),
    name: ["alpha", "<b>bold</b>", "gamma"],
  });
  pythonStoresResults(redis, "q1", table, "SELECT id, name FROM t");
  pythonStoresThumbnail(redis, "chart_7", "bytes", pngImage(THUMB_SIZE.width, THUMB_SIZE.height));
  // Superset 5's shape: a dict with the image as base64 text.
  pythonStoresThumbnail(redis, "dashboard_3", "dict", pngImage(THUMB_SIZE.width, THUMB_SIZE.height));
  const setPass = redis.cli(["CONFIG", "SET", "requirepass", REDIS_PASSWORD]);
  if (!setPass.ok) throw new Error(`CONFIG SET requirepass failed: ${setPass.out}`);
  const url = `redis://:${REDIS_PASSWORD}@${redis.host}:${redis.port}/0`;
  const named = (prefix: string) => ({
    CACHE_TYPE: "RedisCache",
    CACHE_REDIS_URL: url,
    CACHE_KEY_PREFIX: prefix,
  });
  const config = {
    SECRET_KEY,
    CACHE_CONFIG: named("superset_"),
    DATA_CACHE_CONFIG: named("superset_data_"),
    THUMBNAIL_CACHE_CONFIG: named("superset_thumbnails_"),
    FILTER_STATE_CACHE_CONFIG: named("superset_filter_"),
    EXPLORE_FORM_DATA_CACHE_CONFIG: named("superset_explore_"),
    RESULTS_BACKEND: named("superset_results_"),
  };
  const peer = await FlaskPeer.start();
  try {
    await peer.open(named("superset_data_"), "data");
    const names = ["boy", "girl", "<i>x</i>"];
    await peer.call("set", {
      cache: "data",
      key: "chart1",
      value: {
        df: {
          $dataframe: {
            columns: ["name", "num"],
            index: Array.from({ length: CHART_ROWS }, (_, i) => i),
            dtypes: { name: "object", num: "int64" },
            data: Array.from({ length: CHART_ROWS }, (_, i) => [names[i % 3] as string, i * 10]),
          },
        },
        query: "SELECT name, num FROM birth_names",
        dttm: null,
      },
      timeout: 600,
    });
    await peer.open(named("superset_filter_"), "filter");
    await peer.call("set", {
      cache: "filter",
      key: "fs1",
      value: {
        owner: 1,
        value: JSON.stringify({
          id: "NATIVE_FILTER-1",
          filterState: { value: ["boy"] },
          note: "<script>window.__pwned=3</script>",
        }),
      },
    });
    await peer.open(named("superset_"), "cache");
    await peer.call("set", {
      cache: "cache",
      key: HOSTILE_KEY.slice(0),
      value: {
        html: '<img src=x onerror="window.__pwned=2">',
        script: "<script>window.__pwned=4</script>",
        terminal: "\u001b]0;owned\u0007\u001b[2J",
        echo: REDIS_PASSWORD,
      },
    });
  } finally {
    await peer.close();
  }
  return {
    redis,
    config,
    url,
    keys: {
      chart: "superset_data_chart1",
      results: "superset_results_q1",
      thumbnail: "superset_thumbnails_chart_7",
      filterState: "superset_filter_fs1",
      hostile: `superset_${HOSTILE_KEY}`,
    },
    stop: () => redis.stop(),
  };
}
