"""The pack's test kit under the names the older rule tests use.

Everything lives in `perimeter_policies.testing` (public, shipped with the pack). New tests use its
typed `resource(aws.<module>.<Class>, name, **snake_case)` and `run()`; `resource` here is the untyped
wire-name form (`testing.raw(...).record()`), kept for tests not yet migrated.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from perimeter_policies.testing import (  # noqa: F401 (re-exported)
    DEFAULT_REGION,
    PROJECT,
    STACK,
    Result,
    analyze,
    analyze_stack,
    provider,
    raw,
    urn,
)
from perimeter_policies.testing import _policy as _kit_policy
from perimeter_policies.pack import load_rules

_POLICIES = {rule.name: _kit_policy(rule.name) for rule in load_rules()}


def resource(type_: str, name: str, inputs: Mapping[str, Any], *, region: Any = DEFAULT_REGION,
             provider_record: Optional[dict] = None, parent: Optional[str] = None,
             dependencies: tuple = (), property_dependencies: Optional[Mapping[str, list]] = None) -> dict:
    """A captured resource in wire form. Use `UNKNOWN` for values unknown at preview."""
    return raw(type_, name, inputs, region=region, provider_record=provider_record, parent=parent,
               dependencies=dependencies, property_dependencies=property_dependencies).record()
