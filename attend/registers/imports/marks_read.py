"""Reading marks.csv into dictionary-encoded columns, and dictionary-encoding a column. Validation and writing are
marks.py's.

The fast path (`read_marks_encoded`) streams the file through pyarrow's CSV reader one block at a time and keeps
only, per column, a compact numpy array of indexes into the column's distinct values (about 8 bytes a mark), never
the text of all rows: at 20 million marks the text table alone was over 1 GB. Row i of the file is line i + 2
(the fast path refuses blank lines and newlines inside quotes, so rows and lines match one for one). If pyarrow
cannot parse the file line for line, Python's csv module reads it instead, which knows exact physical line numbers.
"""

from __future__ import annotations

import csv
import io
import mmap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .common import Problems, check_header, is_gzip, non_utf8_line, open_bytes, open_text

COLUMNS = ["upn", "school_urn", "date", "session", "code"]


# Bytes of CSV parsed per block by the streaming reader (tests make it tiny to cross block boundaries).
BLOCK_SIZE = 32 << 20


def _smallest(size: int) -> type:
    """The smallest integer type that indexes `size` distinct values."""
    return np.uint8 if size <= 1 << 8 else np.uint16 if size <= 1 << 16 else np.int32


class _GlobalDictionary:
    """One column's distinct values across blocks: each block's dictionary is mapped onto the file-wide one, so
    an index means the same value in every block. Python touches each block's distinct values, never its rows."""

    def __init__(self):
        self.index: dict[str, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, encoded: pa.DictionaryArray) -> None:
        """Add one dictionary-encoded piece of the column (pc.dictionary_encode)."""
        local = encoded.dictionary.to_pylist()
        index = self.index
        remap = np.fromiter(
            (index.setdefault(v, len(index)) for v in local), dtype=np.int32, count=len(local)
        )
        part = remap[_indices(encoded)] if len(local) else np.zeros(len(encoded), np.int32)
        self.parts.append(part.astype(_smallest(len(index)), copy=False))

    def finish(self) -> tuple[np.ndarray, list[str]]:
        """The indexes in the smallest unsigned type that holds them, and the distinct values."""
        out = np.empty(sum(len(p) for p in self.parts), dtype=_smallest(len(self.index)))
        at = 0
        while self.parts:
            part = self.parts.pop(0)
            out[at : at + len(part)] = part
            at += len(part)
        return out, list(self.index)


def _blocks(path: Path):
    """The file after its header in pieces of about BLOCK_SIZE bytes, each ending at the end of a line.

    Our own blocks rather than pyarrow's streaming reader: that one reads ahead as fast as the disk allows and held
    most of a 900 MB file in memory before the first block was encoded (measured). Cutting at newlines is safe
    because the fast path refuses newlines inside quoted values. An uncompressed file is mapped into memory and
    each block is a view of it, so no block is copied before pyarrow parses it (reading and joining 32 MB pieces
    cost about 1 s of the read phase for 20 million marks)."""
    if is_gzip(path) or path.stat().st_size == 0:
        yield from _read_blocks(path)
        return
    with path.open("rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(mapped)
    start = mapped.find(b"\n") + 1 or len(mapped)
    while start < len(mapped):
        stop = start + BLOCK_SIZE
        stop = len(mapped) if stop >= len(mapped) else (mapped.find(b"\n", stop - 1) + 1 or len(mapped))
        yield view[start:stop]
        start = stop


def _read_blocks(path: Path):
    """_blocks for a compressed (or empty) file, read and decompressed piece by piece."""
    with open_bytes(path) as f:
        f.readline()
        while block := f.read(BLOCK_SIZE):
            if not block.endswith(b"\n"):
                block += f.readline()
            yield block


def _read_streaming(
    path: Path, header: list[str]
) -> tuple[dict[str, tuple[np.ndarray, list[str]]], int] | None:
    """The file's five columns dictionary-encoded block by block, and its number of rows; None if pyarrow
    cannot parse it line for line (the caller then reads it with Python's csv module)."""
    columns = {name: _GlobalDictionary() for name in COLUMNS}
    rows = 0
    read_options = pacsv.ReadOptions(column_names=header, block_size=4 << 20)
    parse_options = pacsv.ParseOptions(ignore_empty_lines=False, newlines_in_values=False)
    convert_options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=False,
        include_columns=COLUMNS,
    )
    # Each block's five columns are hashed two at a time (pyarrow lets go of the GIL): the dictionary encoding
    # was most of the read phase.
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for block in _blocks(path):
                table = pacsv.read_csv(pa.py_buffer(block), read_options, parse_options, convert_options)
                encoded = pool.map(
                    lambda name, t=table: [pc.dictionary_encode(c) for c in t[name].chunks], COLUMNS
                )
                for name, chunks in zip(COLUMNS, encoded, strict=True):
                    for chunk in chunks:
                        columns[name].add(chunk)
                rows += table.num_rows
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError, EOFError):
        return None
    encoded = {name: dictionary.finish() for name, dictionary in columns.items()}
    pa.default_memory_pool().release_unused()  # the blocks' buffers, kept by the allocator for reuse
    return encoded, rows


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


def _checked_header(path: Path, problems: Problems) -> dict[str, int]:
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
    return columns


def read_marks_encoded(
    path: Path, problems: Problems
) -> tuple[dict[str, tuple[np.ndarray, list[str]]], int, np.ndarray | None]:
    """marks.csv as {column: (indexes, distinct values)}, its number of rows, and each row's physical line
    (None when row i is line i + 2). Streams the file; falls back to the csv module (see the module note)."""
    columns = _checked_header(path, problems)
    streamed = _read_streaming(path, list(columns))
    if streamed is not None:
        encoded, rows = streamed
        return encoded, rows, None
    table, lines = _read_slow(path, columns, problems)
    return {name: encode_column(table[name]) for name in COLUMNS}, table.num_rows, lines
