"""Build mutations of a compliant baseline: set or remove one nested input."""

from __future__ import annotations

import copy
from typing import Any


class _Remove:
    """Marks a property to delete; a stable repr keeps test ids identical across xdist workers."""

    def __repr__(self) -> str:
        return "REMOVED"


REMOVE = _Remove()


def mutated(inputs: dict, path: tuple, value: Any) -> dict:
    """A deep copy of `inputs` with the value at `path` (keys and list indices) replaced, or removed with REMOVE."""
    result = copy.deepcopy(inputs)
    *parents, last = path
    target = result
    for step in parents:
        target = target[step]
    if value is REMOVE:
        del target[last]
    else:
        target[last] = value
    return result
