/**
 * An embedding backend reading a dashboard's native-filter state the way Superset does.
 * Run: npx tsx --conditions=superset-cache-source examples/filter-state.ts
 *
 * A browser that embeds dashboard 42 has a URL like `/superset/dashboard/42/?native_filters_key=K`.
 * Superset stored the filter state under K in FILTER_STATE_CACHE_CONFIG. Given that URL, a Node
 * backend can read (and update) the same state with the same rules as Superset's REST API.
 *
 * With SQLALCHEMY_DATABASE_URI set (e.g. postgresql://superset@127.0.0.1/superset), the example
 * reads Superset's own metadata database (the default SupersetMetastoreCache, JSON codec).
 * Without it, it runs against an in-memory cache and first writes an entry as Superset would.
 */
import { CacheManager } from "superset-cache";
import {
  FilterStateStore,
  flaskLoginSessionId,
  type RequestIdentity,
  TemporaryCacheAccessDeniedError,
} from "superset-cache/superset";
import { createInMemoryCacheManager } from "superset-cache/testing";

const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  const uri = process.env.SQLALCHEMY_DATABASE_URI;
  const manager = uri
    ? new CacheManager({ SQLALCHEMY_DATABASE_URI: uri }) // Superset's defaults: metastore, JSON, 90 days
    : createInMemoryCacheManager({});
  say(
    uri
      ? `Reading Superset's metadata database (${uri.split("@").pop()}).`
      : "No SQLALCHEMY_DATABASE_URI: using an in-memory cache.",
  );

  // Who is asking. Superset keys "contextual" entries by Flask-Login's session id, derived from the
  // client address and User-Agent; pass the headers as your HTTP server gives them.
  const viewer: RequestIdentity = {
    userId: 7,
    sessionId: flaskLoginSessionId({ remoteAddr: "203.0.113.9", userAgent: "Mozilla/5.0 (embedded)" }),
  };
  const store = new FilterStateStore({
    cache: manager.filterStateCache,
    // Your own authorization: throw TemporaryCacheAccessDeniedError / TemporaryCacheResourceNotFoundError.
    checkAccess: (dashboardId) => {
      if (String(dashboardId) !== "42") throw new TemporaryCacheAccessDeniedError();
    },
  });

  let key = process.argv[2];
  if (!key) {
    // What Superset's POST /api/v1/dashboard/42/filter_state?tab_id=1 does for the viewer.
    const state = {
      "NATIVE_FILTER-country": { id: "NATIVE_FILTER-country", filterState: { value: ["FR"] } },
    };
    key = await store.create(viewer, 42, "1", JSON.stringify(state));
    say(`Created filter state for dashboard 42 under key ${key} (Superset's native_filters_key).`);
  }

  // GET /api/v1/dashboard/42/filter_state/<key>: any viewer with access may read; the entry's
  // timeout is refreshed (REFRESH_TIMEOUT_ON_RETRIEVAL).
  const value = await store.get({ userId: 99, sessionId: null }, 42, key);
  if (value === undefined) {
    say(`No filter state under ${key} (Superset would answer 404).`);
  } else {
    const filters = JSON.parse(String(value)) as Record<string, { filterState?: { value?: unknown } }>;
    for (const [id, f] of Object.entries(filters))
      say(`  ${id}: ${JSON.stringify(f.filterState?.value ?? null)}`);
  }

  // Only the owner may update: another user gets Superset's 403.
  try {
    await store.update({ userId: 99, sessionId: null }, 42, key, null, "{}");
  } catch (error) {
    if (error instanceof TemporaryCacheAccessDeniedError)
      say(`Update by another user: ${error.httpStatus} ${error.message}`);
    else throw error;
  }
  await manager.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
