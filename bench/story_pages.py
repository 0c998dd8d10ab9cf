"""Build the prototype story_pages table (store/pages.py) on a COPY of a store, by hand.

The table is not in schema.sql yet (issue 10): until the corpus stage writes it, this is how a
bench store gets one. `storyline serve` reads a story's page from it while its stamp matches
the store (after a run, or an ingest in the server, the pages are stale and the live reads
answer again). Prints the build time, the peak RSS and the table's size.

    cp /tmp/s100/store-100000.duckdb /tmp/me/x.duckdb   # after its corpus stage and search index
    python bench/story_pages.py /tmp/me/x.duckdb
    python bench/serve.py --db /tmp/me/x.duckdb
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from storyline.store import open_store, pages
from storyline.store import web as store_web


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    args = parser.parse_args()
    store_web.skip_pandas_probe()
    with open_store(args.db) as store:
        store.con.execute("SET enable_progress_bar = false")
        started = time.perf_counter()
        built = pages.build(store.con, store_web.MAX_EVENTS, store_web.MAX_CLAIMS, store_web.MAX_QUOTES)
        seconds = time.perf_counter() - started
        size, largest = store.con.execute("SELECT sum(strlen(page)), max(strlen(page)) FROM story_pages").fetchone()
    print(f"story pages: {built} stories in {seconds:.1f} s, peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB, {(size or 0) / 1e6:.0f} MB of JSON "
          f"(largest page {(largest or 0) / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
