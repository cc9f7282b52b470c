/** Python `==` between the scalars that serve as ids (owner ids of temporary-cache entries). */
import { PyFloat, type PyValue } from "./values.js";

function numeric(v: PyValue | undefined): number | bigint | undefined {
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

/** Python `a == b` for owner ids: None, bool, int, float (bigints compared exactly). */
export function pyEqualsScalar(a: PyValue | undefined, b: PyValue | undefined): boolean {
  if (a === undefined || a === null || b === undefined || b === null) {
    return (a === undefined || a === null) && (b === undefined || b === null);
  }
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) {
    if (typeof na === "bigint" || typeof nb === "bigint") {
      try {
        return BigInt(na) === BigInt(nb);
      } catch {
        return false; // a non-integral float never equals a big int
      }
    }
    return na === nb;
  }
  return a === b;
}
