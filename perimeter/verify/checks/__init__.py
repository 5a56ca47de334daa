"""The check registry: small functions, each for one control x resource type
(a control may have several: one row each).

A check takes the reader and one Target and yields a sentence per problem
(nothing means compliant). It raises `ResourceMissing` when the resource is
gone and `Unverifiable` when AWS cannot answer; `run.py` turns those into rows.
Adding a check is adding a decorated function to a family module below.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Iterable

from ..aws import Reader
from ..outputs import Target

CheckFunction = Callable[[Reader, Target], Iterable[str]]
FAMILIES = ("kms", "s3", "cloudtrail", "logs", "bedrock", "network", "detection")


@dataclass(frozen=True)
class Check:
    control: str
    resource_type: str
    verify: CheckFunction

    @property
    def label(self) -> str:
        return f"{self.control} on {self.resource_type}"


_REGISTRY: list[Check] = []


def check(control: str, *resource_types: str) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        _REGISTRY.extend(Check(control, resource_type, function) for resource_type in resource_types)
        return function
    return register


def all_checks() -> list[Check]:
    for family in FAMILIES:
        importlib.import_module(f"{__name__}.{family}")
    return list(_REGISTRY)
