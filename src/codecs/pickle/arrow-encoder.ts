import type { Table } from "apache-arrow";
import { PickleEncodeError } from "./encode-errors.js";
import type { EncoderContext } from "./encoder.js";

/** Placeholder until the Arrow encoder lands. */
export function saveTable(_ctx: EncoderContext, _table: Table, _depth: number): void {
  throw new PickleEncodeError("PICKLE_ENCODE_UNSUPPORTED_ARROW_TYPE", "$", "not yet");
}
