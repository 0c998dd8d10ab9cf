"""Near-duplicates (syndicated copies, lightly edited reposts) with datasketch MinHash LSH.

The signature is computed per article in the analyze workers (it needs only that article);
here we index them all and link each copy to its original: the earliest published, and for
equal dates the first stored, so the answer does not depend on which file was read first
within a run.
"""

from __future__ import annotations

import re

import numpy as np
from datasketch import MinHash, MinHashLSH

_TOKEN = re.compile(r"\w+")
# the hashing scheme is fixed so signatures stored by one run compare with the next run's
SCHEME = "affine32"
DTYPE = np.uint32


def signature(text: str, num_perm: int, shingle_words: int) -> bytes:
    words = _TOKEN.findall(text.lower())
    shingles = {" ".join(words[i:i + shingle_words]) for i in range(max(1, len(words) - shingle_words + 1))}
    mh = MinHash(num_perm=num_perm, scheme=SCHEME)
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return np.asarray(mh.hashvalues, dtype=DTYPE).tobytes()


def find_duplicates(items: list[tuple[str, str | None, bytes]], num_perm: int,
                    threshold: float) -> dict[str, str]:
    """items: (id, published, signature) in arrival order -> {copy id: original id}."""
    # LSH retrieves candidates a little below the bar; each pair is then checked on its estimate
    lsh = MinHashLSH(threshold=max(0.3, threshold - 0.1), num_perm=num_perm)
    sketches: dict[str, MinHash] = {}
    rank: dict[str, tuple[str, int]] = {}
    for order, (article_id, published, sig) in enumerate(items):
        if not sig:
            continue
        mh = MinHash(num_perm=num_perm, hashvalues=np.frombuffer(sig, dtype=DTYPE), scheme=SCHEME)
        sketches[article_id] = mh
        rank[article_id] = (published or "9999", order)
        lsh.insert(article_id, mh)
    # union-find over confirmed pairs, so A~B~C form one group with one original
    parent = {article_id: article_id for article_id in sketches}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for article_id, mh in sketches.items():
        for other in lsh.query(mh):
            if other != article_id and mh.jaccard(sketches[other]) >= threshold:
                a, b = root(article_id), root(other)
                if a != b:
                    parent[max(a, b, key=rank.__getitem__)] = min(a, b, key=rank.__getitem__)
    return {article_id: root(article_id) for article_id in sketches if root(article_id) != article_id}
