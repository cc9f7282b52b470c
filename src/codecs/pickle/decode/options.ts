/** Options of `loads` (the pickle decoder), with their documented defaults. */
import type { PickleLimits } from "../limits.js";

export interface LoadsOptions {
  /**
   * Exact mode: every value comes back in a form `pickle.dumps` writes as the same Python
   * value. Implies `exactNumbers` and `dicts: "map"`; a str carrying encoded surrogates
   * decodes to `PyStr` (its exact code points); a numpy scalar (int, float, bool, complex,
   * str, bytes) stays an inert `PyObject` of `numpy.core.multiarray.scalar` instead of
   * becoming a plain JS value. Default `false` (the ergonomic mapping; docs/pickle.md lists
   * what it changes on a round trip).
   */
  exact?: boolean;
  /**
   * Keep Python's int/float distinction: a float with an integral value (`2.0`, `-0.0`)
   * decodes to a `PyFloat` instead of a plain number. Default `false`.
   */
  exactNumbers?: boolean;
  /**
   * How a dict decodes. `"object"` (default): an object with a null prototype, as long as
   * every key is a str; a dict with any other key becomes a `Map` anyway. `"map"`: always a
   * `Map` (keeps insertion order exactly, also for integer-like str keys).
   */
  dicts?: "object" | "map";
  /**
   * A global outside the whitelist: `"placeholder"` (default) gives an inert `PyObject`
   * recording module, name, arguments and state; `"error"` throws `PickleSecurityError`.
   */
  unknownGlobals?: "placeholder" | "error";
  /**
   * Where a DataFrame's row index goes in the Arrow table: `"metadata"` (default, JSON in the
   * schema metadata) or `"columns"` (extra leading columns, as pyarrow does).
   */
  dataFrameIndex?: "metadata" | "columns";
  /**
   * Out-of-band buffers for NEXT_BUFFER (protocol 5), consumed in order. Default none: a
   * NEXT_BUFFER opcode then fails with `PICKLE_OUT_OF_BAND_BUFFER`, as Python does.
   */
  buffers?: Iterable<Uint8Array>;
  /**
   * The caller gives the input away: it is not read, reused or shared after the call (a
   * reply buffer fresh from a socket or file). The decoder may then move a bytes or bytearray
   * payload (BINBYTES, BINBYTES8, BYTEARRAY8) down by up to 7 bytes over its own,
   * already consumed opcode header, so that a numpy column lands 8-byte aligned and becomes a
   * zero-copy typed view instead of a copy. Decoded values are views over the input either
   * way; only the input's bytes change (also when decoding fails). Default `false`.
   */
  ownsInput?: boolean;
  /** Resource limits; see `PickleLimits` for each default. */
  limits?: Partial<PickleLimits>;
}
