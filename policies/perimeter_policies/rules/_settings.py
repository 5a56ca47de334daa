"""Small helpers shared by rules that compare single settings."""

from __future__ import annotations

from ..model import Deferred, ResourceView


def describe(resource: ResourceView) -> str:
    """How a message names a resource: its type's short name and its Pulumi name."""
    return f"{resource.type.rsplit(':', 1)[-1]} '{resource.name}'"


def unknown_at_preview(resource: ResourceView, what: str) -> Deferred:
    return Deferred(f"{describe(resource)}: {what} is unknown at preview")
