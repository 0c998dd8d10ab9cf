"""Test-only fault injection: make one stage raise, hang or crash on a chosen document.

The promise that one bad article never stops a run is only worth something if it is tested
against each way a stage can go wrong, and real pages that crash spaCy on demand are hard to
come by. A spec is "stage:action:marker", several joined by commas; a document whose text
contains `marker` triggers `action` when it reaches `stage`:

    raise  raises RuntimeError                 (a bug in our code)
    sleep  sleeps for an hour                  (a pathological page)
    crash  kills its own process with SIGSEGV  (a native crash)
    oom    exits its process as the OOM killer would (SIGKILL)

Set with Settings(faults=...) or the STORYLINE_FAULTS environment variable. With no spec
this costs one attribute check per stage.
"""

from __future__ import annotations

import os
import signal
import time
from functools import lru_cache

ACTIONS = ("raise", "sleep", "crash", "oom")


class InjectedFault(RuntimeError):
    pass


@lru_cache(maxsize=8)
def _parse(spec: str) -> tuple[tuple[str, str, str], ...]:
    rules = []
    for part in spec.split(","):
        stage, action, marker = part.strip().split(":", 2)
        if action not in ACTIONS:
            raise ValueError(f"unknown fault action {action!r} in {spec!r}; one of {ACTIONS}")
        rules.append((stage, action, marker))
    return tuple(rules)


def inject(spec: str | None, stage: str, text: str | None) -> None:
    if not spec or not text:
        return
    for rule_stage, action, marker in _parse(spec):
        if rule_stage != stage or marker not in text:
            continue
        if action == "raise":
            raise InjectedFault(f"injected fault in {stage}")
        if action == "sleep":
            time.sleep(3600)
        elif action == "crash":
            os.kill(os.getpid(), signal.SIGSEGV)
        elif action == "oom":
            os.kill(os.getpid(), signal.SIGKILL)
