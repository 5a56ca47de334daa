"""The one place that touches the policy SDK's unknown-checking proxy.

Iterating a proxy's keys is safe; reading an unknown value raises
`UnknownValueError`, which the SDK would turn into an advisory "can't run"
that silently stops a mandatory control. So each value is read exactly once
here and an unknown one becomes the explicit `UNKNOWN` marker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Optional

from pulumi_policy.proxy import UnknownValueError

from .model import UNKNOWN, ProviderView, ResourceView, StackView


def plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        result = {}
        for key in value:
            result[key] = _read(value, key)
        return result
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [_read(value, index) for index in range(len(value))]
    return value


def _read(container: Any, key: Any) -> Any:
    try:
        return plain(container[key])
    except UnknownValueError:
        return UNKNOWN


def provider_view(provider: Any) -> Optional[ProviderView]:
    if provider is None:
        return None
    return ProviderView(provider.resource_type, provider.name, provider.urn, plain(provider.props))


def resource_view(args: Any) -> ResourceView:
    """From `ResourceValidationArgs` (the SDK always sets `opts`; its `parent` is None for a root resource)."""
    return ResourceView(
        type=args.resource_type,
        name=args.name,
        urn=args.urn,
        props=plain(args.props),
        provider=provider_view(args.provider),
        parent=args.opts.parent,
    )


def stack_view(args: Any) -> StackView:
    """From `StackValidationArgs`: parents, dependencies and property dependencies as URNs."""
    return StackView(
        tuple(
            ResourceView(
                type=r.resource_type,
                name=r.name,
                urn=r.urn,
                props=plain(r.props),
                provider=provider_view(r.provider),
                parent=r.parent.urn if r.parent is not None else None,
                dependencies=tuple(d.urn for d in r.dependencies),
                property_dependencies={k: tuple(d.urn for d in v) for k, v in r.property_dependencies.items()},
            )
            for r in args.resources
        )
    )
