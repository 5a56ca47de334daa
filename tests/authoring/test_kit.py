"""The typed test kit: SDK name translation, strict paths, one-line assertions, read recording."""

import pulumi_aws as aws
import pytest
from perimeter_policies.model import Violation
from perimeter_policies.rule import Rule
from perimeter_policies.testing import (
    RECORDED_READS,
    UNKNOWN,
    raw,
    resource,
    run,
    run_pack,
    type_token,
    waiver,
    wire_inputs,
)

SSE = aws.s3.BucketServerSideEncryptionConfiguration
RULES = [{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": UNKNOWN},
          "bucket_key_enabled": True}]


def test_snake_case_arguments_become_the_engines_wire_names_at_every_depth():
    assert wire_inputs(SSE, bucket="docs", rules=RULES) == {
        "bucket": "docs",
        "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN},
                   "bucketKeyEnabled": True}]}


def test_type_tokens_come_from_the_providers_registry():
    assert type_token(aws.kms.Key) == "aws:kms/key:Key"
    assert type_token(SSE) == ("aws:s3/bucketServerSideEncryptionConfiguration:"
                               "BucketServerSideEncryptionConfiguration")
    assert type_token(aws.lambda_.FunctionUrl) == "aws:lambda/functionUrl:FunctionUrl"
    assert type_token(aws.bedrockmodel.InvocationLoggingConfiguration) == (
        "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration")


@pytest.mark.parametrize("arguments, named", [
    ({"rulez": RULES}, "rulez"),
    ({"rules": [{"apply_server_side_encryption_by_defaultx": {}}]}, "apply_server_side_encryption_by_defaultx"),
    ({"rules": [{"apply_server_side_encryption_by_default": {"sse_algoritm": "aws:kms"}}]}, "sse_algoritm"),
    ({"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]}, "applyServerSideEncryptionByDefault"),
], ids=["top-level", "nested", "deepest", "camelCase-is-not-an-argument"])
def test_a_misspelt_argument_fails_at_once_at_any_depth(arguments, named):
    with pytest.raises(TypeError, match=named):
        resource(SSE, "sse", bucket="docs", **arguments)


def test_free_form_maps_take_any_key():
    assert resource(aws.sqs.Queue, "jobs", tags={"data_class": "internal"}).inputs["tags"] == {"data_class": "internal"}


def test_unknown_at_any_path_and_a_wrong_path_fails():
    sse = resource(SSE, "sse", bucket="docs", rules=RULES)
    changed = sse.unknown("rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm")
    assert changed.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] is UNKNOWN
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    with pytest.raises(KeyError, match="sseAlgoritm"):
        sse.unknown("rules", 0, "applyServerSideEncryptionByDefault", "sseAlgoritm")
    with pytest.raises(KeyError, match=r"rules\[3\]"):
        sse.set("rules", 3, "bucketKeyEnabled", False)


def test_one_line_assertions_fail_with_what_happened():
    key = resource(aws.kms.Key, "data", enable_key_rotation=True)
    run("kms-key-rotation-enabled", key).assert_clean()
    with pytest.raises(AssertionError, match="expected 1 violation"):
        run("kms-key-rotation-enabled", key).assert_violation("enableKeyRotation")
    with pytest.raises(AssertionError, match="expected a clean run, got violations"):
        run("kms-key-rotation-enabled", key.replace(enable_key_rotation=False)).assert_clean()
    with pytest.raises(AssertionError, match="does not mention"):
        run("kms-key-rotation-enabled", key.replace(enable_key_rotation=False)).assert_violation("rotationPeriod")


def test_waivers_and_config_reach_the_rule():
    key = resource(aws.kms.Key, "data", enable_key_rotation=True, rotation_period_in_days=200)
    run("kms-key-rotation-enabled", key, config={"maxRotationPeriodDays": 180}).assert_violation("200 days")
    run("kms-key-rotation-enabled", key, config={"maxRotationPeriodDays": 180}, waivers=[waiver(key)]).assert_waived()


def test_run_pack_runs_every_applicable_policy():
    results = run_pack([resource(aws.sqs.Queue, "jobs", sqs_managed_sse_enabled=True)])
    assert "cmk-encryption-at-rest" in results and "kms-key-rotation-enabled" not in results
    results["cmk-encryption-at-rest"].assert_violation("sqsManagedSseEnabled")


def test_runs_record_the_top_level_properties_a_rule_reads():
    def check(queue, config):
        if queue.get("delaySeconds") != 0:
            yield Violation("delaySeconds must be 0")

    probe = Rule(name="probe-reads-delay", description="d", severity="low", pci_dss=("2.2.1",), soc2=("CC7.1",),
                 remediation="r", check=check, resource_types=("aws:sqs/queue:Queue",))
    run(probe, resource(aws.sqs.Queue, "jobs", delay_seconds=5)).assert_violation("delaySeconds")
    assert RECORDED_READS.pop("probe-reads-delay") == {"aws:sqs/queue:Queue": {"delaySeconds"}}


def test_raw_resources_still_serve_types_pulumi_aws_lacks():
    provider = raw("pulumi:providers:aws", "default", {"region": "us-east-1"}, region=None)
    run("approved-regions", provider, config={"approvedRegions": ["eu-west-1"]}).assert_violation("us-east-1")


def test_building_a_resource_leaves_the_threads_event_loop_for_the_mock_runtime():
    """Pulumi's set_mocks needs the thread's current loop: a test that builds a kit resource must not take it away."""
    import asyncio

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    resource(aws.sqs.Queue, "jobs", name="jobs")
    assert asyncio.get_event_loop() is loop and not loop.is_closed()
