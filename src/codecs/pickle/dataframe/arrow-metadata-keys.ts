/**
 * Keys of the Arrow schema and field metadata through which a decoded DataFrame records its
 * pandas layout. Shared by the decoder (which writes them) and the encoder (which reads them);
 * a file of its own so the encoder does not load the decoder.
 */
/** Metadata keys written on the Arrow schema and fields (stable; the encoder reads them). */
export const ARROW_METADATA = Object.freeze({
  /** Field: the pandas dtype string (`int64`, `datetime64[ns, UTC]`, `Int64`, `category`, `object`, …). */
  pandasDtype: "pandas_dtype",
  /** Field: how an object column was encoded (`str`, `str-surrogatepass`, `int`, `float`, `bool`, `bytes`, `decimal`, `date`, `tagged-json`). */
  objectEncoding: "pandas_object_encoding",
  /** Field: the column label as tagged JSON, when it is not a str. */
  label: "pandas_label",
  /** Field: set on index columns (`dataFrameIndex: "columns"`): the level number. */
  indexLevel: "pandas_index_level",
  /** Schema: JSON array of the pandas dtype strings of the data columns, in order. */
  dtypes: "pandas_dtypes",
  /** Schema: JSON description of the row index (see docs/pickle.md). */
  index: "pandas_index",
  /** Schema: `DataFrame` or `Series`. */
  kind: "pandas_kind",
  /** Schema: `DataFrame.attrs` as tagged JSON (only when non-empty). */
  attrs: "pandas_attrs",
});
