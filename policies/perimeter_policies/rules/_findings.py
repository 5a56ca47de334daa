"""Turning what a check found about one resource into outcomes, the same way in every rule."""

from __future__ import annotations

from typing import Iterator, Optional

from ..model import Deferred, Outcome, ResourceView, Violation


def describe(resource: ResourceView) -> str:
    """`Queue 'jobs'`: the short type and the logical name, as a developer wrote them."""
    if resource.type.startswith("pulumi:providers:"):
        return f"provider '{resource.name}'"
    return f"{resource.type.rsplit(':', 1)[-1]} '{resource.name}'"


def unknown_at_preview(resource: ResourceView, what: str) -> Deferred:
    return Deferred(f"{describe(resource)}: {what} is unknown at preview")


def settle(problems: list[str], unknowns: list[str], *, subject: str, urn: Optional[str] = None) -> Iterator[Outcome]:
    """One violation listing every known problem; otherwise one deferral naming what preview can't see.

    A known problem wins over unknowns: a bad setting must block even when an
    unrelated input is still unknown.
    """
    if problems:
        yield Violation(f"{subject}: " + "; ".join(problems) + ".", urn)
    elif unknowns:
        yield Deferred(f"{subject}: " + ", ".join(unknowns) + " unknown at preview", urn)
