/**
 * Column descriptions for a Table, shaped like `SupersetResultSet.columns`
 * (`column_name`, `name`, `type`, `type_generic`, `is_dttm`), for payloads written from Node.
 */
import { type DataType, type Table, Type } from "apache-arrow";
import type { ResultsColumn } from "./types.js";

/** Superset's `GenericDataType` values. */
export const GenericDataType = { NUMERIC: 0, STRING: 1, TEMPORAL: 2, BOOLEAN: 3 } as const;

/** One description per Table column; `type` is the Arrow type name Superset falls back to (e.g. `int64`). */
export function columnsOfTable(table: Table): ResultsColumn[] {
  return table.schema.fields.map((field) => {
    const { name: typeName, generic } = describeType(field.type as DataType);
    return {
      column_name: field.name,
      name: field.name,
      type: typeName,
      type_generic: generic,
      is_dttm: generic === GenericDataType.TEMPORAL,
    };
  });
}

function describeType(type: DataType): { name: string; generic: number | null } {
  switch (type.typeId) {
    case Type.Int: {
      const t = type as unknown as { isSigned: boolean; bitWidth: number };
      return { name: `${t.isSigned ? "int" : "uint"}${t.bitWidth}`, generic: GenericDataType.NUMERIC };
    }
    case Type.Float:
      return { name: type.toString().toLowerCase(), generic: GenericDataType.NUMERIC };
    case Type.Decimal:
      return { name: "decimal", generic: GenericDataType.NUMERIC };
    case Type.Bool:
      return { name: "bool", generic: GenericDataType.BOOLEAN };
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Dictionary:
      return { name: "string", generic: GenericDataType.STRING };
    case Type.Timestamp:
    case Type.Date:
    case Type.Time:
      return { name: type.toString().toLowerCase(), generic: GenericDataType.TEMPORAL };
    default:
      return { name: type.toString().toLowerCase(), generic: null };
  }
}
