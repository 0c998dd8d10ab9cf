"""`storyline serve` under load: 20 concurrent clients for 30 s on story pages and /api/search.

Starts the server in a subprocess on a free loopback port (127.0.0.1 only) over `--db` (the
server holds the store, so everything the clients ask for comes through the API), collects
story ids and search words from the API, then runs `--clients` asyncio clients that each
alternate a story page (HTML) and a search. Prints p50/p95/p99 latency, requests/s and errors
per kind; the last line is JSON. Targets: p95 < 100 ms for a story page, < 200 ms for search.

    python bench/serve.py --db storyline.duckdb              # with the server's response cache
    python bench/serve.py --db storyline.duckdb --no-cache   # every request reads the store
    python bench/serve.py --db storyline.duckdb --warm       # each URL asked once before the clock starts
    python bench/scale.py --keep DIR && python bench/serve.py --db DIR/100k.duckdb   # the 100k store
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

WORD = re.compile(r"[A-Za-z]{5,}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, cache: bool) -> subprocess.Popen:
    code = ("import sys; from pathlib import Path; from storyline.views.web import serve; "
            "serve(Path(sys.argv[1]), '127.0.0.1', int(sys.argv[2]))")
    env = {**os.environ, "STORYLINE_WEB_CACHE": "0"} if not cache else dict(os.environ)  # else the server's default
    return subprocess.Popen([sys.executable, "-c", code, str(db), str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)


def wait_up(base: str, proc: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(base + "/api/stories?limit=1", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("server did not come up")


def targets(base: str, stories: int) -> tuple[list[str], list[str]]:
    """Story ids (the largest and the latest) and two-word queries from their titles."""
    ids, titles = [], []
    for order in ("size", "latest"):
        offset = 0
        while offset < stories // 2:
            page = httpx.get(f"{base}/api/stories", params={"order": order, "limit": 100, "offset": offset},
                             timeout=60).json()
            ids += [s["id"] for s in page["items"]]
            titles += [s["title"] or "" for s in page["items"]]
            if not page["next"]:
                break
            offset += 100
    words = sorted({w.lower() for t in titles for w in WORD.findall(t)})
    rng = random.Random(7)
    queries = [" ".join(rng.sample(words, 2)) if len(words) > 1 else "news" for _ in range(200)]
    return list(dict.fromkeys(ids)), queries


def search_url(query: str) -> str:
    return "/api/search?" + str(httpx.QueryParams({"q": query, "limit": 10}))


async def client(base: str, ids: list[str], queries: list[str], until: float, seed: int,
                 out: dict[str, list[float]], errors: dict[str, list[str]]) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        turn = seed % 2
        while time.monotonic() < until:
            kind = "story" if turn % 2 == 0 else "search"
            turn += 1
            url = f"/stories/{rng.choice(ids)}" if kind == "story" else search_url(rng.choice(queries))
            started = time.perf_counter()
            try:
                response = await http.get(url)
                ok = response.status_code == 200
                reason = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                ok, reason = False, type(exc).__name__
            elapsed = (time.perf_counter() - started) * 1000
            if ok:
                out[kind].append(elapsed)
            else:
                errors[kind].append(f"{url}: {reason}")


def summary(values: list[float], seconds: float) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {"n": len(values), "rps": round(len(values) / seconds, 1), "p50_ms": pct(0.5), "p95_ms": pct(0.95),
            "p99_ms": pct(0.99), "mean_ms": round(statistics.fmean(values), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--stories", type=int, default=400, help="story ids to draw from")
    parser.add_argument("--no-cache", action="store_true", help="the server keeps no response (every request "
                        "reads the store and renders)")
    parser.add_argument("--warm", action="store_true", help="ask for every story page and search once before "
                        "the clock starts (with the cache: the steady state, not the first minute after a start)")
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"no store at {args.db}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(args.db, port, cache=not args.no_cache)
    try:
        started = time.perf_counter()
        wait_up(base, proc)
        print(f"server up in {time.perf_counter() - started:.1f} s on {base}", flush=True)
        ids, queries = targets(base, args.stories)
        if not ids:
            raise SystemExit("the store has no stories")
        warm = [f"/stories/{ids[0]}", "/api/search?q=" + queries[0]]  # DuckDB's and Jinja's first-use costs
        if args.warm:  # the steady state: every URL the clients ask for was asked for once before
            warm = [f"/stories/{i}" for i in ids] + [search_url(q) for q in queries]
        started = time.perf_counter()
        for url in warm:
            httpx.get(base + url, timeout=60)
        if args.warm:
            print(f"warmed {len(warm)} URLs in {time.perf_counter() - started:.1f} s", flush=True)
        out: dict[str, list[float]] = {"story": [], "search": []}
        errors: dict[str, list[str]] = {"story": [], "search": []}
        until = time.monotonic() + args.seconds

        async def run() -> None:
            await asyncio.gather(*(client(base, ids, queries, until, i, out, errors) for i in range(args.clients)))

        asyncio.run(run())
        result = {"db": str(args.db), "clients": args.clients, "seconds": args.seconds, "stories": len(ids),
                  "cache": not args.no_cache, "warm": args.warm}
        for kind, target in (("story", 100), ("search", 200)):
            stats = summary(out[kind], args.seconds)
            stats["errors"] = len(errors[kind])
            stats["target_p95_ms"] = target
            result[kind] = stats
            print(f"{kind:6s} n={stats['n']:6d} rps={stats.get('rps', 0):7.1f} p50={stats.get('p50_ms', 0):7.1f} ms "
                  f"p95={stats.get('p95_ms', 0):7.1f} ms p99={stats.get('p99_ms', 0):7.1f} ms "
                  f"errors={stats['errors']} (target p95 < {target} ms)")
            for line in errors[kind][:5]:
                print(f"  error: {line}")
        print(json.dumps(result))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
