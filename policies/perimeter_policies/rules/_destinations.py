"""Whether a log destination is set, the same way in every logging rule."""

from __future__ import annotations

from typing import Any

from ..model import is_unknown


def present(value: Any) -> bool:
    """A destination that is set: a non-empty string, or another resource's output (unknown at preview).

    A presence check counts an unknown as set: it is a resource of this stack, judged by its own rules.
    """
    return is_unknown(value) or (isinstance(value, str) and bool(value.strip()))
