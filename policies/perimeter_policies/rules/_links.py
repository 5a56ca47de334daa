"""Which resource in a stack feeds which: the matching the stack rules share.

The engine records a property dependency whenever an input was built from
another resource's outputs, so that is the first, value-free way to link two
resources. Once values are known (`pulumi up`), an equal name, id or ARN links
them too, which also covers inputs written as literals.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..model import ResourceView, StackView, is_unknown


def feeds(referrer: ResourceView, prop: str, target: ResourceView, value: Any = None,
          target_identities: Iterable[Any] = ()) -> bool:
    """Whether `referrer`'s input `prop` (whose relevant value is `value`) points at `target`."""
    if target.urn in referrer.property_dependencies.get(prop, ()):
        return True
    if not isinstance(value, str) or not value:
        return False
    return any(isinstance(identity, str) and identity == value for identity in target_identities)


def unresolved(stack: StackView, referrer: ResourceView, prop: str, value: Any, target_types: tuple[str, ...]) -> bool:
    """A reference preview can't resolve: unknown, and not built from any resource of `target_types` here."""
    return is_unknown(value) and not any(r.type in target_types for r in stack.sources_of(referrer, prop))
