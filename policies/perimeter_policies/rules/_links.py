"""Which resource in a stack feeds which: the matching the stack rules share.

The engine records a property dependency whenever an input was built from
another resource's outputs, so that is the first, value-free way to link two
resources. Once values are known (`pulumi up`), an equal name, id or ARN links
them too, which also covers inputs written as literals.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class References:
    """Where a set of referrers point through one input, gathered in one pass (stack rules stay linear)."""

    urns: frozenset[str]
    values: frozenset[str]
    unresolved: tuple[ResourceView, ...]  # referrers whose target preview can't name

    def cover(self, target: ResourceView, identities: Iterable[Any]) -> bool:
        return target.urn in self.urns or any(isinstance(i, str) and i in self.values for i in identities)


def references(stack: StackView, referrers: Iterable[ResourceView], prop: str, target_types: tuple[str, ...]) -> References:
    urns, values, pending = set(), set(), []
    for referrer in referrers:
        urns.update(referrer.property_dependencies.get(prop, ()))
        value = referrer.get(prop)
        if isinstance(value, str) and value:
            values.add(value)
        elif unresolved(stack, referrer, prop, value, target_types):
            pending.append(referrer)
    return References(frozenset(urns), frozenset(values), tuple(pending))
