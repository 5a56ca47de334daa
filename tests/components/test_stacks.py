"""Every stack builds; resources live under components; everything stays in the approved region."""

import json
import re

from components.config import GEOGRAPHY_REGIONS
from tests.components.conftest import STACK_NAMES

COMPONENTS = {"perimeter:security:Keys", "perimeter:ai:Guardrail", "perimeter:ai:KnowledgeBase",
              "perimeter:security:Audit", "perimeter:security:Access", "perimeter:network:PrivateNetwork",
              "perimeter:security:Posture", "perimeter:governance:LaunchGate"}


def test_every_stack_builds_the_whole_architecture(build_stack):
    for stack in STACK_NAMES:
        built = build_stack(stack)
        assert {r.type for r in built.resources} >= COMPONENTS
        assert len(built.resources) > 100


def test_every_aws_resource_is_a_child_of_a_component(preview):
    components = {r.urn for r in preview.resources if r.type.startswith("perimeter:")}
    for resource in preview.resources:
        if resource.type.startswith("aws:"):
            assert resource.parent in components, (resource.type, resource.name)


def test_components_register_their_outputs_and_expose_no_region_override(preview):
    for resource in preview.resources:
        assert "region" not in resource.inputs, (resource.type, resource.name)


def test_every_regional_arn_is_in_the_approved_region_or_geography(deployed):
    geography = deployed.setting("inferenceGeography")
    allowed = {deployed.region, "", "*"} | set(GEOGRAPHY_REGIONS.get(geography, ()))
    text = json.dumps([r.inputs for r in deployed.resources])
    regions = set(re.findall(r"arn:aws:[a-z0-9-]+:([a-z0-9-]*):", text))
    assert regions <= allowed, regions - allowed
    assert deployed.region in deployed.setting("approvedRegions")


def test_stack_outputs(deployed):
    assert {"region", "modelInvocationId", "guardrailId", "guardrailArn", "guardrailVersion", "knowledgeBaseArn",
            "applicationRoleArn", "auditorRoleArn", "vpcId", "privateSubnetIds", "trailArn", "alarmTopicArn",
            "modelInventory", "launchGate"} <= set(deployed.outputs)
    assert deployed.outputs["region"] == deployed.region


def test_the_launch_gate_is_registered_with_its_verdict_and_gates_prod_only(preview):
    gate = preview.one("perimeter:governance:LaunchGate").inputs
    assert gate["required"] is (preview.stack == "prod") and gate["requireLive"] is (preview.stack == "prod")
    assert gate["status"] in (("PENDING", "STALE", "FAILED", "PASSED") if preview.stack == "prod" else ("NOT_REQUIRED",))
    assert set(gate["digests"]) == {"testSet", "prompts", "guardrailConfig", "assistantCode"}
    assert [c["control"] for c in gate["inheritedControls"]] == ["bedrockNoTraining", "awsAttestations"]
