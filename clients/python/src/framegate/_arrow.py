"""Arrow on both sides of the wire: attachment parts → a ``pyarrow.Table`` without per-row Python
objects, and pandas / polars / pyarrow data → Arrow record batches the gateway can store.

pandas and polars are optional: they are imported only by the functions that need them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.ipc

from ._attachments import PartWriter
from .errors import BadAttachment, TooLarge

if TYPE_CHECKING:
    import pandas
    import polars

#: Rows per record batch of an upload: small enough to stream in parts, large enough to append fast.
UPLOAD_BATCH_ROWS = 128 * 1024


def table_from_parts(parts: Sequence[memoryview]) -> pa.Table:
    """Decodes an Arrow IPC stream that arrived in parts.

    The parts are joined once and the table's buffers point into that one block: no copy per
    column, no Python object per row.
    """
    data: bytes | memoryview = parts[0] if len(parts) == 1 else b"".join(parts)
    try:
        return pyarrow.ipc.open_stream(pa.py_buffer(data)).read_all()
    except (pa.ArrowInvalid, IndexError) as error:
        raise BadAttachment(f"the gateway sent bytes that are not a valid Arrow IPC stream: {error}") from None


def pandas_from_arrow(table: pa.Table) -> pandas.DataFrame:
    try:
        import pandas  # noqa: F401  (fails with a clear message when the extra is missing)
    except ImportError:
        raise ImportError("to_pandas() needs pandas: pip install 'framegate[pandas]'") from None
    return table.to_pandas()


def polars_from_arrow(table: pa.Table) -> polars.DataFrame:
    try:
        import polars
    except ImportError:
        raise ImportError("to_polars() needs polars: pip install 'framegate[polars]'") from None
    frame = polars.from_arrow(table, rechunk=False)
    assert isinstance(frame, polars.DataFrame)
    return frame


def _module_of(data: object) -> str:
    return type(data).__module__.split(".", 1)[0]


def to_arrow_table(data: Any) -> pa.Table:
    """A pyarrow Table from what a notebook holds: a pandas or polars DataFrame, a pyarrow Table,
    RecordBatch or RecordBatchReader, a dict of columns, or anything with ``__arrow_c_stream__``.

    A pandas index that is not the default 0..n-1 range becomes columns, as ``reset_index()`` would
    make them, so saving never drops data.
    """
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if isinstance(data, pa.RecordBatchReader):
        return data.read_all()
    module = _module_of(data)
    if module == "pandas":
        import pandas

        if isinstance(data, pandas.Series):
            data = data.to_frame()
        if isinstance(data, pandas.DataFrame):
            if not isinstance(data.index, pandas.RangeIndex) or data.index.start != 0 or data.index.step != 1:
                data = data.reset_index()
            return pa.Table.from_pandas(data, preserve_index=False)
    if module == "polars":
        import polars

        if isinstance(data, polars.LazyFrame):
            data = data.collect()
        if isinstance(data, polars.Series):
            data = data.to_frame()
        if isinstance(data, polars.DataFrame):
            return data.to_arrow()
    if isinstance(data, dict) or hasattr(data, "__arrow_c_stream__"):
        return pa.table(data)
    raise TypeError(f"cannot save a {type(data).__qualname__}: give a pandas or polars DataFrame, a pyarrow Table, or a dict of columns")


def _wire_type(type_: pa.DataType) -> pa.DataType:
    """The type a column travels as: 64-bit offsets and view layouts become the classic layouts
    every Arrow reader (the gateway's included) takes."""
    if pa.types.is_large_string(type_) or pa.types.is_string_view(type_):
        return pa.string()
    if pa.types.is_large_binary(type_) or pa.types.is_binary_view(type_):
        return pa.binary()
    if pa.types.is_large_list(type_):
        return pa.list_(_wire_type(type_.value_type))
    if pa.types.is_list(type_):
        return pa.list_(_wire_type(type_.value_type))
    return type_


def wire_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([field.with_type(_wire_type(field.type)) for field in schema], metadata=None)


def wire_batches(table: pa.Table, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The table as batches of at most ``UPLOAD_BATCH_ROWS`` rows in the wire schema, cast one batch
    at a time so memory stays at one batch beyond the table."""
    for batch in table.to_batches(max_chunksize=UPLOAD_BATCH_ROWS):
        yield batch if batch.schema.equals(schema) else batch.cast(schema)


def write_upload(table: pa.Table, sink: PartWriter) -> None:
    """Encodes ``table`` as an Arrow IPC stream into ``sink``, batch by batch, and finishes it.

    Refused before a byte goes out when it is plainly over the cap: an upload the gateway refuses
    mid-way costs the connection.
    """
    limit = sink.max_bytes
    if limit is not None and table.nbytes > limit:
        raise TooLarge(f"the data ({table.nbytes:,} bytes in Arrow) is larger than the gateway's upload cap of {limit:,} bytes")
    schema = wire_schema(table.schema)
    with pyarrow.ipc.new_stream(pa.PythonFile(sink, mode="w"), schema) as writer:
        for batch in wire_batches(table, schema):
            writer.write_batch(batch)
    sink.finish()
