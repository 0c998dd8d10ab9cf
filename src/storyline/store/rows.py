"""Bulk writes: a batch of rows goes to DuckDB as columns, in one statement.

DuckDB's Python binding costs about a millisecond per `executemany` row and a tenth of one per
element of a bound Python list; a registered NumPy object array costs as much again (the binding
tries to import pandas for every element when pandas is absent). So the columns travel as one
JSON document, bound as a single string parameter and unpacked by DuckDB's own JSON reader
with the column types given: 20,000 rows in about 0.15 s, against 20 s row by row. No pandas or
pyarrow is needed, and NULLs and lists keep their types.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np

__all__ = ["as_dicts", "read", "write"]


def _sql_type(values: Sequence[Any]) -> str:
    """The column's type from its first value that says (NULLs and empty lists do not)."""
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            return "BOOLEAN"
        if isinstance(value, int):
            return "BIGINT"
        if isinstance(value, float):
            return "DOUBLE"
        if isinstance(value, bytes):
            return "BLOB"
        if isinstance(value, list | tuple):
            for item in value:
                if item is not None:
                    return _sql_type([item]) + "[]"
            continue
        return "VARCHAR"
    return "VARCHAR"


def _source(columns: dict[str, Sequence[Any] | np.ndarray]) -> tuple[str, str]:
    """A subquery yielding `columns` as rows, and the JSON document it reads (its one parameter)."""
    lengths = {len(values) for values in columns.values()}
    if len(lengths) != 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    document: dict[str, list[Any]] = {}
    shape, select = [], []
    for name, values in columns.items():
        values = values.tolist() if isinstance(values, np.ndarray) else list(values)
        sql_type = _sql_type(values)
        if sql_type == "BLOB":  # JSON carries text: bytes go as hex
            values = [None if v is None else bytes(v).hex() for v in values]
            select.append(f'unhex(unnest(j."{name}")) AS "{name}"')
            sql_type = "VARCHAR"
        else:
            select.append(f'unnest(j."{name}") AS "{name}"')
        document[name] = values
        shape.append(f'"{name}": ["{sql_type}"]')
    structure = "{" + ", ".join(shape) + "}"
    subquery = f"(SELECT {', '.join(select)} FROM (SELECT from_json(CAST($rows AS VARCHAR), '{structure}') AS j))"
    return subquery, json.dumps(document, ensure_ascii=False)


def write(con: duckdb.DuckDBPyConnection, sql: str, **columns: Sequence[Any] | np.ndarray) -> None:
    """Run `sql`, in which `{rows}` stands for a table of `columns` (all of one length; the
    column types follow their values, so `sql` casts where a column may be all NULL or empty
    lists). Nothing is run for no rows."""
    if not len(next(iter(columns.values()))):
        return
    subquery, document = _source(columns)
    con.execute(sql.replace("{rows}", subquery), {"rows": document})


def read(con: duckdb.DuckDBPyConnection, sql: str, **columns: Sequence[Any] | np.ndarray) -> list[tuple]:
    """The rows of `sql`, in which `{rows}` stands for a table of `columns`; none for no rows."""
    if not len(next(iter(columns.values()))):
        return []
    subquery, document = _source(columns)
    return con.execute(sql.replace("{rows}", subquery), {"rows": document}).fetchall()


def as_dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """An executed statement's rows, each a dict of its columns by name (what the views read)."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
