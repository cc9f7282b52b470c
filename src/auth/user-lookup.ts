/**
 * The user behind a session: Flask-AppBuilder's `ab_user` row and the role names joined
 * through `ab_user_role`/`ab_role`, as FAB's `load_user` sees them (an inactive user is no
 * logged-in user). Backed by the metadata database or, for tests and examples, by memory.
 */
import type { MetadataDatabase } from "./metadata-database.js";
import type { SupersetSession } from "./superset-session.js";

/** A Superset (FAB) user. */
export interface SupersetUser {
  id: number;
  username: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** `ab_user.active`; FAB refuses to load an inactive user. */
  active: boolean;
  /** Role names (`ab_role.name`), in role id order. */
  roles: string[];
}

/** Finds users by id. */
export interface UserLookup {
  /** The user with this id, active or not; `null` when there is none. */
  findUser(id: number): Promise<SupersetUser | null>;
}

const USER_SQL = "SELECT id, username, first_name, last_name, email, active FROM ab_user WHERE id = ?";
const ROLES_SQL =
  "SELECT r.name AS name FROM ab_user_role ur JOIN ab_role r ON r.id = ur.role_id WHERE ur.user_id = ? ORDER BY r.id";

const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A lookup on the metadata database's FAB tables. @throws AuthError `AUTH_DATABASE_QUERY_FAILED` from `findUser` */
export function metadataUserLookup(db: MetadataDatabase): UserLookup {
  return {
    async findUser(id) {
      const user = (await db.query(USER_SQL, [id]))[0];
      if (!user) return null;
      const roles = (await db.query(ROLES_SQL, [id])).map((r) => String(r.name));
      return {
        id: Number(user.id),
        username: String(user.username),
        firstName: textOrNull(user.first_name),
        lastName: textOrNull(user.last_name),
        email: textOrNull(user.email),
        // PostgreSQL answers a boolean, MySQL a TINYINT; NULL is not active (FAB's `is_active`).
        active: user.active === true || Number(user.active) === 1,
        roles,
      };
    },
  };
}

/** A lookup over users held in memory (tests, examples, a gateway that mirrors users itself). */
export function inMemoryUserLookup(users: Iterable<SupersetUser>): UserLookup {
  const byId = new Map<number, SupersetUser>();
  for (const u of users) byId.set(u.id, { ...u, roles: [...u.roles] });
  return {
    async findUser(id) {
      const u = byId.get(id);
      return u ? { ...u, roles: [...u.roles] } : null;
    },
  };
}

/**
 * FAB's `load_user` for a session: the logged-in, active user, or `null` (no session, nobody
 * logged in, no such user, or an inactive one).
 * @throws AuthError from the lookup (e.g. `AUTH_DATABASE_QUERY_FAILED`)
 */
export async function loadSessionUser(
  session: SupersetSession | null,
  lookup: UserLookup,
): Promise<SupersetUser | null> {
  if (session?.userId === null || session?.userId === undefined) return null;
  const user = await lookup.findUser(session.userId);
  return user?.active ? user : null;
}
