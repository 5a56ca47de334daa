"""Governance: ownership tags on every taggable resource; the model inventory stack output."""

import pytest

from components.governance import accepts_tags
from tests.components.conftest import created


@pytest.mark.parametrize("resource_type, taggable", [
    ("aws:s3/bucket:Bucket", True),
    ("aws:kms/key:Key", True),
    ("aws:bedrock/guardrail:Guardrail", True),
    ("aws:ec2/vpcEndpoint:VpcEndpoint", True),
    ("aws:lambda/function:Function", True),
    ("aws:s3/bucketPolicy:BucketPolicy", False),
    ("aws:iam/rolePolicy:RolePolicy", False),
    ("aws:kms/alias:Alias", False),
    ("aws:bedrock/guardrailVersion:GuardrailVersion", False),
    ("pulumi:providers:aws", False),
    ("perimeter:storage:SecureBucket", False),
])
def test_tag_support_is_read_from_the_sdk_args_class(resource_type, taggable):
    assert accepts_tags(resource_type) is taggable


def test_every_taggable_resource_carries_ownership_tags(preview):
    expected = {"owner": preview.setting("owner"), "environment": preview.setting("environment"),
                "data-classification": preview.setting("dataClassification"), "perimeter-stack": preview.stack}
    taggable = [r for r in preview.resources if accepts_tags(r.type)]
    assert len(taggable) > 50
    for resource in taggable:
        assert expected.items() <= resource.inputs["tags"].items(), (resource.type, resource.name)
    for resource in preview.resources:
        if not accepts_tags(resource.type):
            assert "tags" not in resource.inputs, (resource.type, resource.name)


def test_a_resources_own_tags_are_kept(preview):
    vpc = preview.one("aws:ec2/vpc:Vpc")
    assert vpc.inputs["tags"]["Name"] == f"perimeter-{preview.stack}"


def test_model_inventory_output(deployed):
    inventory = deployed.outputs["modelInventory"]
    governance = deployed.setting("governance")
    geography = deployed.setting("inferenceGeography")
    model = deployed.setting("model")
    assert {"modelId", "modelVersion", "region", "inferenceGeography", "purpose", "owner", "dataTouched",
            "intendedUse", "limits", "evaluationPlan", "monitoringPlan", "guardrail", "inheritedControls",
            "environment", "dataClassification"} <= set(inventory)
    assert inventory["modelId"] == (model["id"] if geography == "none" else f"{geography}.{model['id']}")
    assert inventory["modelVersion"] == model["version"]
    assert inventory["region"] == deployed.region
    assert inventory["inferenceGeography"] == geography
    assert inventory["owner"] == deployed.setting("owner")
    assert inventory["purpose"] == governance["purpose"]
    assert inventory["dataTouched"] == governance["dataTouched"]
    assert "no autonomous credit, fraud or filing decisions" in inventory["limits"]
    assert set(governance["limits"]) <= set(inventory["limits"])
    guardrail = created(deployed, "aws:bedrock/guardrail:Guardrail")
    assert inventory["guardrail"] == {
        "id": guardrail["guardrailId"], "arn": guardrail["guardrailArn"],
        "version": created(deployed, "aws:bedrock/guardrailVersion:GuardrailVersion")["version"]}
    assert inventory["inheritedControls"] == {
        "bedrockNoTrainingConfirmedOn": governance["bedrockNoTrainingConfirmedOn"],
        "awsAttestationsConfirmedOn": governance["awsAttestationsConfirmedOn"]}
    assert (inventory["environment"], inventory["dataClassification"]) == (
        deployed.setting("environment"), deployed.setting("dataClassification"))
