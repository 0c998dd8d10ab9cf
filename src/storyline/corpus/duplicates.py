"""Near-duplicates (syndicated copies, lightly edited reposts) with MinHash LSH.

The signature is computed per article in the analyze workers (it needs only that article), and
its LSH band buckets are stored with the article (store table `lsh_bands`), as datasketch keeps
its bands in a storage back end: a new article's candidates are then one join, whatever the
corpus size. Each candidate pair is confirmed on the Jaccard estimate of the two signatures;
confirmed pairs link articles into groups (A~B~C is one group), and each copy points to the
group's original: the earliest published, and for equal dates the first stored, so the answer
does not depend on the order in which articles arrived or were linked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

_TOKEN = re.compile(r"\w+")
# the hashing scheme is fixed so signatures stored by one run compare with the next run's
SCHEME = "affine32"
DTYPE = np.uint32
# an odd 64-bit multiplier: band values are folded into one bucket number with it
_MIX = np.uint64(0x9E3779B97F4A7C15)


def signature(text: str, num_perm: int, shingle_words: int) -> bytes:
    words = _TOKEN.findall(text.lower())
    shingles = {" ".join(words[i:i + shingle_words]) for i in range(max(1, len(words) - shingle_words + 1))}
    mh = MinHash(num_perm=num_perm, scheme=SCHEME)
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return np.asarray(mh.hashvalues, dtype=DTYPE).tobytes()


@dataclass(frozen=True)
class Layout:
    """How signatures are cut into LSH bands, and the Jaccard bar a candidate must pass. Stored
    in the store: bands written under one layout are useless under another."""

    bands: int
    rows: int
    threshold: float

    def encode(self) -> str:
        return f"{self.bands}x{self.rows}@{self.threshold!r}"

    @classmethod
    def decode(cls, text: str) -> Layout:
        shape, threshold = text.split("@")
        bands, rows = shape.split("x")
        return cls(int(bands), int(rows), float(threshold))


@lru_cache(maxsize=8)
def layout(num_perm: int, threshold: float) -> Layout:
    """datasketch's own choice of bands and rows: LSH retrieves candidates a little below the
    bar (threshold - 0.1), each pair is then checked on its estimate."""
    lsh = MinHashLSH(threshold=max(0.3, threshold - 0.1), num_perm=num_perm)
    return Layout(lsh.b, lsh.r, threshold)


def band_buckets(signatures: Iterable[bytes], shape: Layout) -> np.ndarray:
    """One row per signature, one signed 64-bit bucket per band (two signatures share a bucket
    when they agree on all the band's values, as in datasketch, up to 64-bit hash collisions,
    which only add a candidate that the Jaccard check then judges)."""
    values = np.stack([np.frombuffer(s, dtype=DTYPE)[: shape.bands * shape.rows] for s in signatures])
    values = values.reshape(len(values), shape.bands, shape.rows).astype(np.uint64)
    bucket = np.zeros(values.shape[:2], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(shape.rows):
            bucket = (bucket ^ values[:, :, row]) * _MIX
            bucket ^= bucket >> np.uint64(29)
    return bucket.view(np.int64)


def banded(signature: bytes | None, shape: Layout) -> bool:
    return bool(signature) and len(signature) >= shape.bands * shape.rows * DTYPE().itemsize


def jaccard(a: bytes, b: bytes) -> float | None:
    """MinHash's Jaccard estimate (datasketch's), None for signatures of different lengths."""
    x, y = np.frombuffer(a, dtype=DTYPE), np.frombuffer(b, dtype=DTYPE)
    if len(x) != len(y) or not len(x):
        return None
    return float(np.count_nonzero(x == y)) / len(x)


def rank(published: date | str | None, seq: int) -> tuple[str, int]:
    """The original of a group is its minimum: earliest published (undated last), then first stored."""
    if isinstance(published, date):
        published = published.isoformat()
    return published or "9999", seq


def regroup(pairs: Iterable[tuple[str, str]],
            members: Mapping[str, tuple[str, tuple[str, int]]]) -> dict[str, str | None]:
    """Groups after new confirmed `pairs`. `members`: id -> (its group's current original, its
    rank) for every article of every group a pair touches. Returns id -> original (None for the
    original itself) for all of them: the groups the new pairs did not touch keep their values."""
    parent = {article_id: article_id for article_id in members}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        a, b = root(a), root(b)
        if a != b:
            first, second = sorted((a, b), key=lambda x: members[x][1])
            parent[second] = first

    for article_id, (original, _) in members.items():
        union(article_id, original)
    for a, b in pairs:
        union(a, b)
    out: dict[str, str | None] = {}
    for article_id in members:
        original = root(article_id)
        out[article_id] = None if original == article_id else original
    return out


def find_duplicates(items: list[tuple[str, str | None, bytes]], num_perm: int,
                    threshold: float) -> dict[str, str]:
    """items: (id, published, signature) in arrival order -> {copy id: original id}, all in
    memory with datasketch: the reference the store's banded, incremental path must equal."""
    lsh = MinHashLSH(threshold=max(0.3, threshold - 0.1), num_perm=num_perm)
    sketches: dict[str, MinHash] = {}
    ranks: dict[str, tuple[str, int]] = {}
    for order, (article_id, published, sig) in enumerate(items):
        if not sig:
            continue
        mh = MinHash(num_perm=num_perm, hashvalues=np.frombuffer(sig, dtype=DTYPE), scheme=SCHEME)
        sketches[article_id] = mh
        ranks[article_id] = rank(published, order)
        lsh.insert(article_id, mh)
    pairs = [(article_id, other) for article_id, mh in sketches.items() for other in lsh.query(mh)
             if other != article_id and mh.jaccard(sketches[other]) >= threshold]
    grouped = regroup(pairs, {article_id: (article_id, ranks[article_id]) for article_id in sketches})
    return {article_id: original for article_id, original in grouped.items() if original}
