"""Compressed files for upload tests: a file in each accepted format, and a gzip bomb of modest size."""

from __future__ import annotations

import bz2
import gzip
import io

import pyarrow as pa

SUFFIX = {"gzip": ".gz", "bz2": ".bz2", "lz4": ".lz4", "zstd": ".zst"}


def compress(data: bytes, codec: str) -> bytes:
    """`data` as a file of `codec` (the suffix in SUFFIX), as a command-line tool would write it."""
    if codec == "gzip":
        return gzip.compress(data)
    if codec == "bz2":
        return bz2.compress(data)
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, codec) as stream:
        stream.write(data)
    return sink.getvalue().to_pybytes()


def gzip_bomb(header: str, row: str, *, expanded_mb: int) -> bytes:
    """A gzip file of a CSV header and one row repeated to `expanded_mb` MB: a few hundred KB compressed (about
    330 times smaller, the ratio of the 4 MB file that expanded to 1.5 GB). Written in blocks, never held whole."""
    out = io.BytesIO()
    block = (row * ((1 << 20) // len(row))).encode()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as gz:
        gz.write(header.encode())
        for _ in range(expanded_mb):
            gz.write(block)
    return out.getvalue()
