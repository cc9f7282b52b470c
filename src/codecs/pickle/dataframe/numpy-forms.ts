/**
 * numpy arrays as the pickle forms numpy 1.x writes and both numpy 1.x and 2.x load without
 * warnings: `numpy.core.multiarray._reconstruct` + BUILD, with a `numpy.dtype` + BUILD state.
 * Built as inert `PyObject` call descriptions that the encoder writes out.
 */
import { PyObject, PyTuple, type PyValue } from "../../../python/values.js";

/** `_reconstruct(ndarray, (0,), b'b')` + BUILD `(1, (n,), dtype, False, raw)`. */
export function ndarray(code: string, unit: string | null, n: number, raw: PyValue): PyObject {
  const base = new PyObject("numpy.core.multiarray", "_reconstruct", [
    new PyObject("numpy", "ndarray"),
    PyTuple.fromItems<PyValue>([0]),
    Uint8Array.of(0x62),
  ]);
  base.state = PyTuple.fromItems<PyValue>([
    1,
    PyTuple.fromItems<PyValue>([n]),
    numpyDtype(code, unit),
    false,
    raw,
  ]);
  return base;
}

/** `numpy.dtype(code, False, True)` + BUILD of numpy 1.x's state tuple (version 4 with unit metadata for M8). */
export function numpyDtype(code: string, unit: string | null): PyObject {
  const dtype = new PyObject("numpy", "dtype", [code, false, true]);
  const byteorder = code === "O8" || code.endsWith("1") ? "|" : "<";
  const flags = code === "O8" ? 63 : 0;
  dtype.state =
    unit === null
      ? PyTuple.fromItems<PyValue>([3, byteorder, null, null, null, -1, -1, flags])
      : PyTuple.fromItems<PyValue>([
          4,
          byteorder,
          null,
          null,
          null,
          -1,
          -1,
          flags,
          PyTuple.fromItems<PyValue>([
            {},
            PyTuple.fromItems<PyValue>([new TextEncoder().encode(unit), 1, 1, 1]),
          ]),
        ]);
  return dtype;
}
