/**
 * One cookie out of a `Cookie` request header, as Werkzeug's `request.cookies.get(name)` finds
 * it: pairs split at `;`, names and values trimmed, the first pair of a name wins, and a
 * double-quoted value is unquoted (`\"`, `\\` and `\ooo` octal escapes).
 */

/**
 * @param header the raw `Cookie` header (Node's `req.headers.cookie`)
 * @returns the value, or `null` when the header has no cookie of that name
 */
export function cookieFromHeader(
  header: string | readonly string[] | undefined,
  name: string,
): string | null {
  if (header === undefined) return null;
  const text = typeof header === "string" ? header : header.join("; ");
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    return unquote(part.slice(eq + 1).trim());
  }
  return null;
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value
    .slice(1, -1)
    .replace(/\\([0-3][0-7]{2}|.)/g, (_, esc: string) =>
      esc.length === 3 ? String.fromCharCode(Number.parseInt(esc, 8)) : esc,
    );
}
