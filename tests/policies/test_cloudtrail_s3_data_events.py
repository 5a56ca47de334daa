import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._stack import at, build
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze_stack

POLICY = "cloudtrail-s3-data-events"
TRAIL, BUCKET, BUCKET_V2 = "aws:cloudtrail/trail:Trail", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"
DATA_SOURCE = "aws:bedrock/agentDataSource:AgentDataSource"
CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel"
CONFIDENTIAL = {"data-classification": "confidential"}


def selector(*fields):
    return {"name": "data", "fieldSelectors": [{"field": f, **ops} for f, ops in fields]}


DATA_S3 = (("eventCategory", {"equals": ["Data"]}), ("resources.type", {"equals": ["AWS::S3::Object"]}))
STACK = {
    "data": (BUCKET, {"bucket": "perimeter-data", "tags": CONFIDENTIAL}, {}),
    "sources": (BUCKET, {"bucket": "perimeter-sources", "tags": {"data-classification": "internal"}}, {}),
    "public-site": (BUCKET, {"bucket": "perimeter-site", "tags": {"data-classification": "public"}}, {}),
    "trail-bucket": (BUCKET, {"bucket": "perimeter-trail", "tags": CONFIDENTIAL}, {}),
    "config-bucket": (BUCKET, {"bucket": "perimeter-config", "tags": CONFIDENTIAL}, {}),
    "kb-source": (DATA_SOURCE, {"knowledgeBaseId": UNKNOWN, "dataSourceConfiguration": {
        "type": "S3", "s3Configuration": {"bucketArn": "arn:aws:s3:::perimeter-sources"}}}, {}),
    "channel": (CHANNEL, {"s3BucketName": "perimeter-config"}, {}),
    "audit": (TRAIL, {"s3BucketName": "perimeter-trail", "advancedEventSelectors": [
        selector(("eventCategory", {"equals": ["Management"]})),
        selector(*DATA_S3, ("resources.ARN", {"startsWiths": ["arn:aws:s3:::perimeter-data/",
                                                                "arn:aws:s3:::perimeter-sources/"]})),
    ]}, {}),
}
ADVANCED = ("advancedEventSelectors", 1)


def test_sensitive_buckets_covered_pass():
    result = analyze_stack(POLICY, build(STACK))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("selectors", [
    [selector(*DATA_S3)],
    [selector(*DATA_S3, ("resources.ARN", {"startsWiths": ["arn:aws:s3:::perimeter-"]}))],
    [],  # replaced below by basic event selectors
])
def test_other_covering_selectors_pass(selectors):
    inputs = {"s3BucketName": "perimeter-trail", "advancedEventSelectors": selectors}
    if not selectors:
        inputs = {"s3BucketName": "perimeter-trail", "eventSelectors": [
            {"readWriteType": "All", "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]}
    assert analyze_stack(POLICY, build({**STACK, "audit": (TRAIL, inputs, {})})).clean


def test_basic_selector_for_each_bucket_passes():
    inputs = {"s3BucketName": "perimeter-trail", "eventSelectors": [{"dataResources": [
        {"type": "AWS::S3::Object", "values": ["arn:aws:s3:::perimeter-data/", "arn:aws:s3:::perimeter-sources/"]}]}]}
    assert analyze_stack(POLICY, build({**STACK, "audit": (TRAIL, inputs, {})})).clean


def test_selector_built_from_bucket_outputs_covers_it():
    spec = {**STACK, "data": (BUCKET, {"bucket": UNKNOWN, "tags": CONFIDENTIAL}, {}),
            "audit": (TRAIL, {"s3BucketName": "perimeter-trail", "advancedEventSelectors": [
                selector(*DATA_S3, ("resources.ARN", {"startsWiths": [UNKNOWN, "arn:aws:s3:::perimeter-sources/"]}))]},
                      {"advancedEventSelectors": ["data"]})}
    assert analyze_stack(POLICY, build(spec)).clean


@pytest.mark.parametrize("bucket, changes", [
    ("data", [(ADVANCED + ("fieldSelectors", 2, "startsWiths"), ["arn:aws:s3:::perimeter-sources/"])]),
    ("data", [(ADVANCED + ("fieldSelectors", 2, "startsWiths"),
               ["arn:aws:s3:::perimeter-data/reports/", "arn:aws:s3:::perimeter-sources/"])]),  # part of the bucket
    ("sources", [(ADVANCED + ("fieldSelectors", 2, "startsWiths"), ["arn:aws:s3:::perimeter-data/"])]),
    (None, [(ADVANCED + ("fieldSelectors", 0, "equals"), ["Management"])]),
    (None, [(ADVANCED + ("fieldSelectors", 1, "equals"), ["AWS::Lambda::Function"])]),
])
def test_uncovered_sensitive_bucket_blocks(bucket, changes):
    result = analyze_stack(POLICY, build(STACK, {"audit": changes}))
    expected = [at(STACK, bucket)] if bucket else [at(STACK, "data"), at(STACK, "sources")]
    assert sorted(result.urns) == sorted(expected) and "is sensitive" in result.violations[0][0]


def test_excluding_prefix_blocks():
    changes = [(ADVANCED + ("fieldSelectors", 2), {"field": "resources.ARN", "notStartsWiths": ["arn:aws:s3:::perimeter-data/"]})]
    assert analyze_stack(POLICY, build(STACK, {"audit": changes})).urns == [at(STACK, "data")]


def test_no_trail_blocks_every_sensitive_bucket():
    result = analyze_stack(POLICY, build(STACK, drop=("audit",)))
    # Without the trail, its bucket is no longer an audit store and is sensitive too.
    assert sorted(result.urns) == sorted(at(STACK, n) for n in ("data", "sources", "trail-bucket"))


ACCESS_LOGS = {
    "data-logs": (BUCKET, {"bucket": "perimeter-data-logs", "tags": CONFIDENTIAL}, {}),
    "data-logging": ("aws:s3/bucketLogging:BucketLogging",
                     {"bucket": "perimeter-data", "targetBucket": "perimeter-data-logs", "targetPrefix": "data/"}, {}),
}


@pytest.mark.parametrize("logging_type", ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"])
def test_a_server_access_log_sink_is_an_audit_store_not_a_data_store(logging_type):
    spec = {**STACK, **ACCESS_LOGS, "data-logging": (logging_type, ACCESS_LOGS["data-logging"][1], {})}
    assert analyze_stack(POLICY, build(spec)).clean
    # The same bucket, no longer receiving access logs, holds confidential data like any other.
    assert analyze_stack(POLICY, build(spec, drop=("data-logging",))).urns == [at(spec, "data-logs")]


def test_a_sink_named_by_another_bucket_only_is_exempt_only_when_it_is_the_target():
    spec = {**STACK, **ACCESS_LOGS}
    result = analyze_stack(POLICY, build(spec, {"data-logging": [(("targetBucket",), "perimeter-elsewhere")]}))
    assert result.urns == [at(spec, "data-logs")]


def test_a_sink_known_only_by_its_output_at_preview_is_exempt():
    spec = {**STACK, **ACCESS_LOGS,
            "data-logs": (BUCKET, {"bucket": UNKNOWN, "tags": CONFIDENTIAL}, {}),
            "data-logging": ("aws:s3/bucketLogging:BucketLogging",
                             {"bucket": "perimeter-data", "targetBucket": UNKNOWN, "targetPrefix": "data/"},
                             {"targetBucket": ["data-logs"]})}
    assert analyze_stack(POLICY, build(spec)).clean


def test_deprecated_bucket_v2_is_checked_too():
    spec = {**STACK, "legacy": (BUCKET_V2, {"bucket": "perimeter-legacy", "tags": {"data-classification": "restricted"}}, {})}
    assert analyze_stack(POLICY, build(spec)).urns == [at(spec, "legacy")]


def test_classifications_are_configurable():
    config = {"classificationTagKey": "data-classification", "sensitiveClassifications": ["public"]}
    assert analyze_stack(POLICY, build(STACK), config).urns == [at(STACK, "public-site")]


@pytest.mark.parametrize("name, changes", [
    ("data", [(("tags",), UNKNOWN)]),
    ("audit", [(("advancedEventSelectors",), UNKNOWN)]),
    ("audit", [(ADVANCED + ("fieldSelectors", 2, "startsWiths"), [UNKNOWN])]),
])
def test_unknown_values_are_deferred(name, changes):
    if name == "data":  # an unknown classification on a bucket no selector names
        changes, spec = [(("tags",), UNKNOWN)], {**STACK, "data": (BUCKET, {"bucket": "perimeter-x", "tags": UNKNOWN}, {})}
        result = analyze_stack(POLICY, build(spec))
    else:
        result = analyze_stack(POLICY, build(STACK, {name: changes}))
    assert result.clean and result.deferred


def test_waiver_applies():
    changes = [(ADVANCED + ("fieldSelectors", 2, "startsWiths"), ["arn:aws:s3:::perimeter-sources/"])]
    result = analyze_stack(POLICY, build(STACK, {"audit": changes}), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1


def test_invocation_log_bucket_is_sensitive_whatever_its_tag():
    logging = ("aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration",
               {"loggingConfig": {"s3Config": {"bucketName": "perimeter-site"}, "textDataDeliveryEnabled": True}}, {})
    result = analyze_stack(POLICY, build({**STACK, "invocation-logging": logging}))
    assert result.urns == [at(STACK, "public-site")] and "model-invocation log destination" in result.violations[0][0]
