"""Reading marks.csv into a table of text columns (pyarrow, or Python's csv module for exact line numbers when
pyarrow cannot parse the file), and dictionary-encoding a column. Validation and writing are marks.py's."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .common import Problems, check_header, is_gzip, non_utf8_line, open_bytes, open_text

COLUMNS = ["upn", "school_urn", "date", "session", "code"]


def _read_fast(path: Path, header: list[str]) -> pa.Table | None:
    """The whole file as a table of strings with the columns named `header` (the normalised names of the
    file's first line, which is skipped), or None if pyarrow cannot parse it line for line."""
    try:
        source = pa.input_stream(str(path), compression="gzip" if is_gzip(path) else None)
        return pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(block_size=16 << 20, column_names=header, skip_rows=1),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header}, strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError):
        return None


def _read_slow(path: Path, columns: dict[str, int], problems: Problems) -> tuple[pa.Table, np.ndarray]:
    """Python csv: slower, but exact line numbers for every row; blank lines are skipped."""
    out: dict[str, list[str]] = {name: [] for name in COLUMNS}
    lines: list[int] = []
    if (bad_line := non_utf8_line(path)) is not None:
        problems.add(bad_line, "file", "the file is not UTF-8 text")
        return pa.table({name: pa.array([], pa.string()) for name in COLUMNS}), np.zeros(0, dtype=np.int64)
    with open_text(path) as f:
        reader = csv.reader(io.StringIO(f.read(), newline=""))
    next(reader)
    line = reader.line_num + 1
    for record in reader:
        start, line = line, reader.line_num + 1
        if not record:
            continue
        if len(record) != len(columns):
            problems.add(start, "row", f"expected {len(columns)} fields, found {len(record)}")
            continue
        for name in COLUMNS:
            out[name].append(record[columns[name]])
        lines.append(start)
    return pa.table({k: pa.array(v, pa.string()) for k, v in out.items()}), np.array(lines, dtype=np.int64)


def _indices(array: pa.Array) -> np.ndarray:
    """The index buffer of a dictionary array as numpy, without pyarrow's to_numpy (which imports pandas)."""
    indices = array.indices
    dtype = np.dtype(f"int{indices.type.bit_width}")
    return np.frombuffer(
        indices.buffers()[1], dtype=dtype, count=len(indices), offset=indices.offset * dtype.itemsize
    )


def encode_column(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[str]]:
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.ChunkedArray):
        # Chunks have their own dictionaries; unify them so indexes mean the same thing throughout.
        encoded = encoded.unify_dictionaries()
        dictionary = encoded.chunk(0).dictionary if encoded.num_chunks else pa.array([], pa.string())
        indices = np.concatenate([_indices(c) for c in encoded.chunks] or [np.zeros(0, np.int32)])
    else:
        dictionary, indices = encoded.dictionary, _indices(encoded)
    return indices, dictionary.to_pylist()


def read_marks_csv(path: Path, problems: Problems) -> tuple[pa.Table, np.ndarray | None]:
    try:
        with open_bytes(path) as f:
            first_line = f.readline().decode("utf-8-sig", errors="replace").rstrip("\r\n")
    except (OSError, EOFError):  # a damaged compressed file
        problems.add(1, "file", "the file cannot be read (damaged or not gzip-compressed CSV)")
        problems.raise_if_any()
    header = next(csv.reader([first_line]), [])
    columns = check_header(header, COLUMNS, [], problems)
    if columns is None:
        problems.raise_if_any()
    table = _read_fast(path, list(columns))
    lines = None
    if table is None:
        table, lines = _read_slow(path, columns, problems)
    return table, lines
