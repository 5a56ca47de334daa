import pytest
from perimeter_policies.model import UNKNOWN

from tests.policy_harness import analyze, resource

POLICY = "bedrock-invocation-logging-metadata-only"
TYPE = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
METADATA_ONLY = {"textDataDeliveryEnabled": False, "imageDataDeliveryEnabled": False,
                 "embeddingDataDeliveryEnabled": False, "videoDataDeliveryEnabled": False}
DESTINATIONS = {
    "s3Config": {"bucketName": "invocation-logs", "keyPrefix": "invocations"},
    "cloudwatchConfig": {"logGroupName": "/perimeter/dev/invocations", "roleArn": UNKNOWN,
                         "largeDataDeliveryS3Config": {"bucketName": "invocation-large"}},
}
ALL_DESTINATIONS = ["invocation-logs", "/perimeter/dev/invocations", "invocation-large"]


def logging(**flags):
    config = {**METADATA_ONLY, **DESTINATIONS, **flags}
    return resource(TYPE, "invocations", {"loggingConfig": {k: v for k, v in config.items() if v is not None}})


def test_metadata_only_passes():
    assert analyze(POLICY, logging()).clean


@pytest.mark.parametrize("flag", ["textDataDeliveryEnabled", "imageDataDeliveryEnabled",
                                  "embeddingDataDeliveryEnabled", "videoDataDeliveryEnabled"])
@pytest.mark.parametrize("value, shown", [(True, "True"), (None, "not set (default true)")])
def test_each_content_flag_on_or_defaulted_blocks(flag, value, shown):
    result = analyze(POLICY, logging(**{flag: value}))
    message, urn = result.violations[0]
    assert f"{flag} is {shown}" in message and "'invocation-logs'" in message and urn.endswith("::invocations")


def test_content_to_destinations_declared_in_cde_scope_passes():
    config = {"cdeScopedDestinations": ALL_DESTINATIONS}
    assert analyze(POLICY, logging(textDataDeliveryEnabled=True), config).clean


def test_one_destination_outside_cde_scope_blocks_and_is_named():
    config = {"cdeScopedDestinations": ALL_DESTINATIONS[:2]}
    message = analyze(POLICY, logging(textDataDeliveryEnabled=True), config).violations[0][0]
    assert "'invocation-large'" in message and "'invocation-logs'" not in message


def test_unknown_flag_is_deferred():
    result = analyze(POLICY, logging(textDataDeliveryEnabled=UNKNOWN))
    assert result.clean and "textDataDeliveryEnabled" in result.deferred[0]["message"]


def test_known_content_flag_blocks_beside_unknown_destination():
    inputs = {"loggingConfig": {**METADATA_ONLY, "textDataDeliveryEnabled": True,
                                "s3Config": {"bucketName": "invocation-logs"},
                                "cloudwatchConfig": {"logGroupName": UNKNOWN}}}
    assert analyze(POLICY, resource(TYPE, "invocations", inputs)).violations


def test_unknown_destination_with_content_in_scope_elsewhere_is_deferred():
    inputs = {"loggingConfig": {**METADATA_ONLY, "textDataDeliveryEnabled": True,
                                "s3Config": {"bucketName": "invocation-logs"},
                                "cloudwatchConfig": {"logGroupName": UNKNOWN}}}
    result = analyze(POLICY, resource(TYPE, "invocations", inputs), {"cdeScopedDestinations": ["invocation-logs"]})
    assert result.clean and "logGroupName" in result.deferred[0]["message"]


def test_cannot_be_waived():
    waiver = {"resource": "urn:pulumi:test::perimeter::*::invocations", "reason": "Sandbox without customer data ever",
              "approver": "ciso@example.com", "expires": "2099-01-01"}
    result = analyze(POLICY, logging(textDataDeliveryEnabled=True), {"waivers": [waiver]})
    assert result.violations and not result.waived


def test_finding_names_every_content_flag_every_destination_and_the_fix():
    result = analyze(POLICY, logging(textDataDeliveryEnabled=True, imageDataDeliveryEnabled=None))
    assert result.violations[0][0].splitlines()[1] == (
        "InvocationLoggingConfiguration 'invocations': textDataDeliveryEnabled is True, imageDataDeliveryEnabled is "
        "not set (default true), so prompts and answers (and any card number in them) are written to "
        "'invocation-logs', '/perimeter/dev/invocations', 'invocation-large', which policy config does not declare in "
        "CDE scope; set every *_data_delivery_enabled to False (metadata only).")


def test_deferral_names_the_unknown_flag():
    assert analyze(POLICY, logging(textDataDeliveryEnabled=UNKNOWN)).deferred[0]["message"] == (
        "InvocationLoggingConfiguration 'invocations': loggingConfig.textDataDeliveryEnabled unknown at preview")


def test_deferral_names_the_unknown_destination():
    inputs = {"loggingConfig": {**METADATA_ONLY, "textDataDeliveryEnabled": True,
                                "s3Config": {"bucketName": "invocation-logs"},
                                "cloudwatchConfig": {"logGroupName": UNKNOWN}}}
    result = analyze(POLICY, resource(TYPE, "invocations", inputs), {"cdeScopedDestinations": ["invocation-logs"]})
    assert [d["message"] for d in result.deferred] == [
        "InvocationLoggingConfiguration 'invocations': loggingConfig.cloudwatchConfig.logGroupName unknown at preview"]
