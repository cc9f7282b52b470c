/**
 * One control-character escape for the CLI's output and the inspector's key names: C0/C1
 * controls, DEL and the bidi/zero-width format characters print as `\xNN` / `\uNNNN`, the rest
 * (astral characters included) stays as it is.
 */
import { describe, expect, it } from "vitest";
import { escapeControl } from "#src/ops/display/control-chars.js";
import { keyText } from "#src/ui/ui-api.js";

describe("escapeControl", () => {
  it("escapes C0, DEL, C1 and the format characters that reorder or hide text", () => {
    expect(escapeControl("a\x1b[2J\x7f\u009b\u200b\u2028\u202e\u2066\ufeffz")).toBe(
      "a\\x1b[2J\\x7f\\x9b\\u200b\\u2028\\u202e\\u2066\\ufeffz",
    );
  });

  it("keeps newlines only when asked, and leaves printable and astral text alone", () => {
    expect(escapeControl("l1\nl2\t")).toBe("l1\\x0al2\\x09");
    expect(escapeControl("l1\nl2\t", true)).toBe("l1\nl2\\x09");
    expect(escapeControl("héllo 𝄞 <b>")).toBe("héllo 𝄞 <b>");
  });

  it("the inspector's key names are the same escape over the key's UTF-8", () => {
    const raw = Buffer.from("superset_<x>\u001b]0;t\u0007\u202e", "utf8");
    expect(keyText(raw)).toBe(escapeControl(raw.toString("utf8")));
    expect(keyText(raw)).toBe("superset_<x>\\x1b]0;t\\x07\\u202e");
  });
});
