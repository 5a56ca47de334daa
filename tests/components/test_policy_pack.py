"""The program passes every policy in the pack, at preview and with outputs known, with zero violations.

Runs the pack's own rules (whatever `build_policies()` finds in policies/) over
the resources the program registers, through the same Analyzer servicer the
engine calls, so a rule added to the pack is checked here without a new test.
"""

import pytest
from perimeter_policies.model import UNKNOWN as PACK_UNKNOWN
from pulumi_policy import StackValidationPolicy

from tests.components.conftest import STACK_NAMES, UNKNOWN, Built, stack_config
from tests.policy_harness import _POLICIES, analyze, analyze_stack, provider, resource

APPROVED = {stack: stack_config(stack) for stack in STACK_NAMES}


def _pack_values(value):
    if value == UNKNOWN:
        return PACK_UNKNOWN
    if isinstance(value, dict):
        return {k: _pack_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pack_values(v) for v in value]
    return value


def records(built: Built, region: str) -> list[dict]:
    default_provider = provider(region)
    captured = []
    for r in built.resources:
        if not r.type.startswith("aws:"):
            continue
        record = resource(r.type, r.name, _pack_values(r.inputs), provider_record=default_provider,
                          parent=r.parent or None, dependencies=tuple(r.dependencies),
                          property_dependencies=r.property_dependencies)
        record["urn"] = r.urn
        captured.append(record)
    return captured


def violations(captured: list[dict], config: dict) -> list[str]:
    problems = []
    for name, policy in _POLICIES.items():
        policy_config = config.get(name)
        if isinstance(policy, StackValidationPolicy):
            results = [analyze_stack(name, captured, policy_config)]
        else:
            results = [analyze(name, record, policy_config) for record in captured]
        for result in results:
            problems += [f"{name}: {message}" for message, _ in result.violations]
            problems += [f"{name}: {message}" for message in result.cant_run]
    return problems


def pack_config(stack: str) -> dict[str, dict]:
    config = APPROVED[stack]
    geography = config["perimeter:inferenceGeography"]
    return {"approved-regions": {"approvedRegions": config["perimeter:approvedRegions"],
                                 "approvedGeographies": [] if geography == "none" else [geography]}}


@pytest.mark.parametrize("stack", STACK_NAMES)
@pytest.mark.parametrize("known_outputs", [False, True], ids=["preview", "outputs-known"])
def test_every_pack_policy_passes(build_stack, stack, known_outputs):
    built = build_stack(stack, known_outputs=known_outputs)
    captured = records(built, APPROVED[stack]["aws:region"])
    problems = violations(captured, pack_config(stack))
    assert not problems, "\n".join(problems)


def test_the_check_would_see_a_violation(build_stack):
    captured = records(build_stack("dev"), "eu-west-1")
    key = next(r for r in captured if r["type"] == "aws:kms/key:Key")
    key["inputs"]["enableKeyRotation"] = False
    assert any(p.startswith("kms-key-rotation-enabled:") for p in violations(captured, pack_config("dev")))
