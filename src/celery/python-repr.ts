/**
 * Celery's `saferepr` (celery/utils/saferepr.py, 5.2 – 5.5): the text of the `argsrepr` and
 * `kwargsrepr` headers that Flower and `celery inspect` show. Not Python's `repr`: strings are
 * quoted with `'` and only `'` is escaped, containers deeper than `maxlevels` become `[...]`,
 * and the whole text stops near `maxlen` characters with `, ...` and the open brackets closed.
 * Lengths count code points, as Python's `len` does.
 */

import { isStrDict } from "../python/dicts.js";
import { isPythonInt, pythonFloatRepr } from "../python/numbers.js";
import { PyFloat, PyTuple, type PyValue } from "../python/values.js";

/** `argsrepr_maxsize` and `kwargsrepr_maxsize` of celery's AMQP class. */
export const CELERY_REPR_MAXSIZE = 1024;
/** saferepr's default `maxlevels`. */
const MAX_LEVELS = 3;

/** A bracket or separator; `truncate: false` ones are still written after the text is cut. */
interface Literal {
  kind: "literal";
  value: string;
  truncate: boolean;
  direction: -1 | 0 | 1;
}
type Token =
  | Literal
  | { kind: "key"; value: PyValue }
  | { kind: "quoted"; value: string }
  | { kind: "text"; value: string };

const literal = (value: string, truncate: boolean, direction: -1 | 0 | 1): Literal => ({
  kind: "literal",
  value,
  truncate,
  direction,
});
const DICT_START = literal("{", false, 1);
const DICT_KVSEP = literal(": ", true, 0);
const DICT_END = literal("}", false, -1);
const LIST_START = literal("[", false, 1);
const LIST_END = literal("]", false, -1);
const LIST_SEP = literal(", ", true, 0);
const SET_START = literal("{", false, 1);
const SET_END = literal("}", false, -1);
const TUPLE_START = literal("(", false, 1);
const TUPLE_END = literal(")", false, -1);
const TUPLE_END_SINGLE = literal(",)", false, -1);

/** One queued item: a value still to be tokenized, or a token ready to be written. */
type Item = { value: PyValue } | { token: Token };

const codePoints = (s: string): string[] => Array.from(s);
const pyLen = (s: string): number => codePoints(s).length;

/** celery.utils.text.truncate: cut at `maxlen` code points, back to the last space, add `...`. */
function truncate(s: string, maxlen: number | undefined): string {
  if (!maxlen) return s;
  const cps = codePoints(s);
  if (cps.length < maxlen) return s;
  const head = cps.slice(0, maxlen).join("");
  const space = head.lastIndexOf(" ");
  return `${space >= 0 ? head.slice(0, space) : head}...`;
}

/** `str(x)` of a Python int or float. */
function numberText(v: number | bigint | PyFloat): string {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof PyFloat) return pythonFloatRepr(v.value);
  return isPythonInt(v) ? String(v) : pythonFloatRepr(v);
}

/** The opening, closing and inner items of a container, or undefined for a scalar. */
function containerOf(v: PyValue): { start: Literal; end: Literal; inner: Item[] } | undefined {
  const list = (items: readonly PyValue[]): Item[] =>
    items.flatMap((x, i) => (i < items.length - 1 ? [{ value: x }, { token: LIST_SEP }] : [{ value: x }]));
  const dict = (entries: [PyValue, PyValue][]): Item[] =>
    entries.flatMap(([k, x], i) => {
      const pair: Item[] = [{ token: { kind: "key", value: k } }, { token: DICT_KVSEP }, { value: x }];
      return i < entries.length - 1 ? [...pair, { token: LIST_SEP }] : pair;
    });
  if (v instanceof PyTuple)
    return { start: TUPLE_START, end: v.length === 1 ? TUPLE_END_SINGLE : TUPLE_END, inner: list(v) };
  if (Array.isArray(v)) return { start: LIST_START, end: LIST_END, inner: list(v) };
  if (v instanceof Set) return { start: SET_START, end: SET_END, inner: list([...v]) };
  if (v instanceof Map) return { start: DICT_START, end: DICT_END, inner: dict([...v]) };
  if (v !== null && typeof v === "object" && isStrDict(v))
    return { start: DICT_START, end: DICT_END, inner: dict(Object.entries(v)) };
  return undefined;
}

/** The scalar token of `v` (a container is never passed here). */
function scalarToken(v: PyValue): Token {
  if (typeof v === "string") return { kind: "quoted", value: v };
  if (typeof v === "boolean") return { kind: "text", value: v ? "True" : "False" };
  if (typeof v === "number" || typeof v === "bigint" || v instanceof PyFloat)
    return { kind: "text", value: numberText(v) };
  if (v === null) return { kind: "text", value: "None" };
  if (v instanceof Set) return { kind: "text", value: "set()" };
  return { kind: "text", value: String(v) };
}

/** Tokens of `root` in output order, tracking depth as celery's `reprstream` does. */
function* reprStream(queue: Item[], maxlevels: number): Generator<Token> {
  let level = 0;
  while (queue.length > 0) {
    const item = queue.shift() as Item;
    if ("token" in item) {
      if (item.token.kind === "literal") level += item.token.direction;
      yield item.token;
      continue;
    }
    const v = item.value;
    const c = v instanceof Set && v.size === 0 ? undefined : containerOf(v);
    if (!c) {
      yield scalarToken(v);
      continue;
    }
    if (maxlevels && level >= maxlevels) {
      yield { kind: "text", value: `${c.start.value}...${c.end.value}` };
      continue;
    }
    queue.unshift({ token: c.start }, ...c.inner, { token: c.end });
  }
}

/**
 * `saferepr(value, maxlen, maxlevels)` as celery computes `argsrepr`/`kwargsrepr`.
 * @param maxlen characters (code points) before the text is cut; undefined = no limit
 */
export function celerySaferepr(value: PyValue, maxlen: number | undefined = CELERY_REPR_MAXSIZE): string {
  const out: string[] = [];
  const queue: Item[] = [{ value }];
  const stream = reprStream(queue, MAX_LEVELS);
  let left = maxlen;
  for (let step = stream.next(); !step.done; step = stream.next()) {
    const token = step.value;
    if (left !== undefined && left <= 0) {
      out.push(", ...");
      // The brackets still open are closed; separators and values left over are dropped.
      for (const rest of queue)
        if ("token" in rest && rest.token.kind === "literal" && !rest.token.truncate)
          out.push(rest.token.value);
      break;
    }
    let text: string;
    if (token.kind === "literal") text = token.value;
    else if (token.kind === "key") text = celerySaferepr(token.value, left);
    else if (token.kind === "quoted") text = `'${truncate(token.value, left).replaceAll("'", "\\'")}'`;
    else text = truncate(token.value, left);
    out.push(text);
    if (left !== undefined) left -= pyLen(text);
  }
  return out.join("");
}
