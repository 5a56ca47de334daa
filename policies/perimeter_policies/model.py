"""Plain data the rules see: no SDK proxy, unknown values made explicit.

Rules are pure functions over these types. Only `adapter.py` builds them from
the Pulumi policy SDK, so a rule can never trip the SDK's unknown-checking
proxy by accident (which would silently turn a mandatory control advisory).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Union


class Unknown:
    """A value that cannot be known until the resource is created (preview)."""

    _instance: Optional["Unknown"] = None

    def __new__(cls) -> "Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("an Unknown value has no truth value; compare with `is UNKNOWN`")


UNKNOWN = Unknown()


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


def dig(data: Any, *path: Union[str, int]) -> Any:
    """Follow `path` through dicts and lists.

    Returns None when any step is absent and UNKNOWN when any step is unknown,
    so a caller can tell "not set" from "not knowable yet".
    """
    current = data
    for step in path:
        if current is UNKNOWN:
            return UNKNOWN
        if isinstance(step, int):
            if not isinstance(current, list) or step >= len(current):
                return None
            current = current[step]
        else:
            if not isinstance(current, Mapping) or step not in current:
                return None
            current = current[step]
    return current


def as_list(value: Any) -> list:
    """A list-valued property as a list; absent becomes empty, UNKNOWN stays UNKNOWN."""
    if value is None:
        return []
    if value is UNKNOWN or isinstance(value, list):
        return value
    return [value]


@dataclass(frozen=True)
class ProviderView:
    type: str
    name: str
    urn: str
    props: Mapping[str, Any]


@dataclass(frozen=True)
class ResourceView:
    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    provider: Optional[ProviderView] = None
    parent: Optional[str] = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, *path: Union[str, int]) -> Any:
        return dig(self.props, *path)


@dataclass(frozen=True)
class StackView:
    resources: tuple[ResourceView, ...]

    def by_urn(self, urn: str) -> Optional[ResourceView]:
        return self._index().get(urn)

    def of_type(self, *types: str) -> list[ResourceView]:
        by_type = self._cached("_type_index", self._index_types)
        return [r for t in types for r in by_type.get(t, ())]

    def _index(self) -> dict[str, ResourceView]:
        return self._cached("_urn_index", lambda: {r.urn: r for r in self.resources})

    def _index_types(self) -> dict[str, list[ResourceView]]:
        by_type: dict[str, list[ResourceView]] = {}
        for r in self.resources:
            by_type.setdefault(r.type, []).append(r)
        return by_type

    def _cached(self, attribute: str, build):
        """Indexes built once per stack, so stack rules stay linear in its size (the view is frozen)."""
        value = self.__dict__.get(attribute)
        if value is None:
            value = build()
            object.__setattr__(self, attribute, value)
        return value

    def sources_of(self, resource: ResourceView, prop: str) -> list[ResourceView]:
        """Resources in this stack whose outputs feed `resource`'s input `prop`."""
        return [r for urn in resource.property_dependencies.get(prop, ()) if (r := self.by_urn(urn))]


@dataclass(frozen=True)
class Violation:
    """A finding: what is wrong, on which resource (default: the one evaluated), and the fix."""

    message: str
    urn: Optional[str] = None


@dataclass(frozen=True)
class Deferred:
    """The rule needs a value preview cannot know; `pulumi up` re-runs it with the value."""

    reason: str
    urn: Optional[str] = None


Outcome = Union[Violation, Deferred]
