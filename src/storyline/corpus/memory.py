"""Memory the corpus stage freed, handed back to the system between its steps.

glibc keeps the memory of freed Python objects (dict and list arrays, DuckDB results turned into
rows) in its heap for reuse; a step's peak then stays in the process's resident size while the
next step allocates anew. On the 100k bench store the actor stage, the clustering and the
derive each freed hundreds of megabytes the next one did not reuse. `malloc_trim` returns it;
where the C library has none (not glibc) nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache

__all__ = ["release"]


@lru_cache(maxsize=1)
def _trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def release() -> None:
    trim = _trim()
    if trim is not None:
        trim(0)
