/**
 * msgpack exactly as SQL Lab's Python side uses it: `msgpack.dumps(..., use_bin_type=True)` and
 * `msgpack.loads(..., raw=False)`. str ↔ msgpack str, bytes ↔ bin, dict ↔ map in insertion order,
 * floats always float64, ints in the smallest int family Python picks (uint64 for wide positives).
 * Both directions go through msgpackr; two private marker classes (see python-default.ts) carry the
 * cases msgpackr cannot infer from a JS number, written straight into its buffer.
 */
import { addExtension, FLOAT32_OPTIONS, Packr, Unpackr } from "msgpackr";
import { ResultsDecodeError } from "./errors.js";
import { Float64Marker, WideIntMarker } from "./python-default.js";

const MSGPACK_FLOAT64 = 0xcb;
const MSGPACK_UINT64 = 0xcf;
const MSGPACK_INT64 = 0xd3;
/**
 * Extension type code msgpackr requires for a `pack` hook. Nothing of that type is ever written
 * (the hooks emit plain float64/int64 bytes), so reading it means corrupt input.
 */
const UNUSED_EXT_TYPE = 0x53;

function rejectUnusedExt(): never {
  throw new ResultsDecodeError(
    "RESULTS_MSGPACK_INVALID",
    `unknown msgpack extension type ${UNUSED_EXT_TYPE}`,
  );
}

type Allocate = (size: number) => { target: Uint8Array; targetView: DataView; position: number };

let registered = false;
function registerMarkers(): void {
  if (registered) return;
  registered = true;
  addExtension({
    Class: Float64Marker,
    type: UNUSED_EXT_TYPE,
    pack(marker: Float64Marker, allocate: Allocate) {
      const { target, targetView, position } = allocate(9);
      target[position] = MSGPACK_FLOAT64;
      targetView.setFloat64(position + 1, marker.value);
    },
    unpack: rejectUnusedExt,
  } as never);
  addExtension({
    Class: WideIntMarker,
    type: UNUSED_EXT_TYPE,
    pack(marker: WideIntMarker, allocate: Allocate) {
      const { target, targetView, position } = allocate(9);
      if (marker.value >= 0n) {
        target[position] = MSGPACK_UINT64;
        targetView.setBigUint64(position + 1, marker.value);
      } else {
        target[position] = MSGPACK_INT64;
        targetView.setBigInt64(position + 1, marker.value);
      }
    },
    unpack: rejectUnusedExt,
  } as never);
}

let packer: Packr | undefined;
let unpacker: Unpackr | undefined;

/** Pack a value already passed through `applyPythonDefault` (Maps, arrays, markers, scalars, bytes). */
export function packPython(value: unknown): Uint8Array {
  registerMarkers();
  packer ??= new Packr({
    useRecords: false, // plain maps, no msgpackr record extension
    variableMapSize: true, // fixmap/map16/map32 by size, as Python
    useFloat32: FLOAT32_OPTIONS.NEVER, // Python floats are float64
    moreTypes: false,
    encodeUndefinedAsNil: false,
  });
  return packer.pack(value);
}

/**
 * Unpack like `msgpack.loads(raw=False)`: maps with str keys become plain objects, bin becomes
 * a Uint8Array, ints beyond 2^53 become bigint.
 * @throws Error from msgpackr on malformed input (callers wrap it in a typed error)
 */
export function unpackPython(bytes: Uint8Array): unknown {
  // "auto" (number when safe, else bigint) exists at runtime but is missing from msgpackr's types.
  unpacker ??= new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "auto" as "bigint" });
  return unpacker.unpack(bytes);
}
