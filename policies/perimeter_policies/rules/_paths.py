"""Walking property paths that cross lists, with the path spelled out for messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Union

from ..model import UNKNOWN

# A path step that visits every element of a list-valued property.
EACH = "[]"

Step = Union[str, int]


def expand(data: Any, path: tuple[Step, ...], spelled: str = "") -> list[tuple[str, Any]]:
    """Every value at `path` in `data`, each with its spelled-out path (e.g. `rules[0].x`).

    A step that is absent (or an empty list) yields one `(path so far, None)`;
    a step that is unknown yields one `(path so far, UNKNOWN)`. So a caller sees
    "not set" and "not knowable yet" at the exact place they happen.
    """
    if not path:
        return [(spelled, data)]
    if data is UNKNOWN:
        return [(spelled, UNKNOWN)]
    step, rest = path[0], path[1:]
    if step == EACH:
        items = data if isinstance(data, list) else ([] if data is None else [data])
        if not items:
            return [(spelled, None)]
        return [found for i, item in enumerate(items) for found in expand(item, rest, f"{spelled}[{i}]")]
    here = f"{spelled}.{step}" if spelled else str(step)
    value = data.get(step) if isinstance(data, Mapping) else None
    if value is None:
        return [(here, None)]
    return expand(value, rest, here)
