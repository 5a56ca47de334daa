"""Turning what a check found about one resource into outcomes, the same way in every rule."""

from __future__ import annotations

from numbers import Real
from typing import Any, Iterator, Optional

from ..model import Deferred, Outcome, ResourceView, Violation, is_unknown


def describe(resource: ResourceView) -> str:
    """`Queue 'jobs'`: the short type and the logical name, as a developer wrote them."""
    if resource.type.startswith("pulumi:providers:"):
        return f"provider '{resource.name}'"
    return f"{resource.type.rpartition(':')[2]} '{resource.name}'"


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


def require_setting(resource: ResourceView, field: str, required: Any, default: Any, why: str,
                    problems: list[str], unknowns: list[str]) -> None:
    """Note whether input `field` (absent: AWS's `default`) is exactly `required`; "true" or 1 is not True."""
    value = resource.get(field)
    if is_unknown(value):
        unknowns.append(field)
        return
    actual = default if value is None else value
    if not (type(actual) is type(required) and actual == required):
        shown = f"not set (default {default!r})" if value is None else repr(value)
        problems.append(f"{field} is {shown}, must be {required!r}: {why}")


def require_bound(resource: ResourceView, field: str, argument: str, default: Any, *, problems: list[str],
                  unknowns: list[str], at_most: Any = None, at_least: Any = None) -> None:
    """Note whether numeric input `field` (absent: AWS's `default`) lies within [at_least, at_most].

    Booleans, NaN and text are not numbers: they are problems, never passes.
    """
    value = resource.get(field)
    if is_unknown(value):
        unknowns.append(field)
        return
    actual = default if value is None else value
    number = isinstance(actual, Real) and not isinstance(actual, bool) and actual == actual
    # Numbers arrive from the engine as floats (365.0): show them as written.
    shown = f"not set (default {default!r})" if value is None else f"{value:g}" if number else repr(value)
    if not number:
        problems.append(f"{field} is {shown}, not a number; set {argument}")
    elif at_most is not None and actual > at_most:
        problems.append(f"{field} is {shown}; set {argument} to at most {at_most:g}")
    elif at_least is not None and actual < at_least:
        problems.append(f"{field} is {shown}; set {argument} to at least {at_least:g}")
