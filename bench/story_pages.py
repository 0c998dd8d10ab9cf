"""Build every story's kept page (store/pages.py) again on a COPY of a store, as a from-scratch
corpus stage does at its end (an incremental one writes only the pages of what it changed).

Prints the build time, the peak RSS and the table's size.

    cp /tmp/s100/measured-100000.duckdb /tmp/me/x.duckdb   # a store after its corpus stage
    python bench/story_pages.py /tmp/me/x.duckdb
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from storyline.store import open_store, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    args = parser.parse_args()
    with open_store(args.db) as store:
        store.con.execute("SET enable_progress_bar = false")
        started = time.perf_counter()
        pages.mark_all(store.con)  # as a from-scratch corpus stage leaves it
        built = store.refresh_pages()
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    with open_store(args.db, read_only=True) as store:  # a connection of its own: the build's buffers are gone
        size, largest = store.con.execute("SELECT sum(octet_length(page)), max(octet_length(page)) "
                                          "FROM story_pages").fetchone()
    print(f"story pages: {built} stories in {seconds:.1f} s, peak RSS {peak} MB, {(size or 0) / 1e6:.0f} MB compressed "
          f"(largest page {(largest or 0) / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
