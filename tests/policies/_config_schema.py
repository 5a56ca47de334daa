"""A rule's policy-config schema, as the engine validates it: what it accepts and what it refuses."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import jsonschema
import pytest
from perimeter_policies.pack import config_schema
from perimeter_policies.testing import rule_named


def assert_schema(policy: str, accepted: Mapping[str, Any], refused: Iterable[tuple[str, Any]]) -> None:
    """`accepted` validates (and so do the rule's defaults); each (key, value) in `refused` alone does not."""
    rule = rule_named(policy)
    schema = {"type": "object", "properties": config_schema(rule).properties}
    jsonschema.validate(dict(rule.default_config), schema)
    jsonschema.validate(dict(accepted), schema)
    for key, value in refused:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({key: value}, schema)
