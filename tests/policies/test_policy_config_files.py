"""policies/config/<stack>.json: valid `--policy-pack-config` files for the rules they configure."""

import json
import pathlib

import jsonschema
import pytest
from perimeter_policies.pack import config_schema, load_rules
from perimeter_policies.waivers import ACTIVE, parse_waivers

CONFIG_DIR = pathlib.Path(__file__).resolve().parents[2] / "policies" / "config"
STACKS = ("dev", "staging", "prod")
RULES = {rule.name: rule for rule in load_rules()}


def load(stack):
    return json.loads((CONFIG_DIR / f"{stack}.json").read_text())


@pytest.mark.parametrize("stack", STACKS)
def test_every_policy_config_matches_its_schema(stack):
    config = load(stack)
    assert config["all"] == "mandatory"
    for name, values in config.items():
        if name == "all":
            continue
        schema = config_schema(RULES[name])
        jsonschema.validate(values, {"type": "object", "properties": schema.properties})
        for waiver in parse_waivers(name, values.get("waivers"), waivable=RULES[name].waivable):
            assert waiver.status == ACTIVE, waiver.problem


@pytest.mark.parametrize("stack, regions", [("dev", ["eu-west-1"]), ("staging", ["eu-west-1"]), ("prod", ["eu-central-1"])])
def test_residency_and_retention_per_stack(stack, regions):
    config = load(stack)
    assert config["approved-regions"] == {"approvedRegions": regions, "approvedGeographies": ["eu"]}
    assert config["log-retention-bounded"]["minAuditRetentionDays"] == 365
