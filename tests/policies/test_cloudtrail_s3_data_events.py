import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE
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


def finding(bucket: str, reason: str) -> str:
    return (f"Bucket '{bucket}' is sensitive ({reason}) but no trail in the stack records S3 data events for its "
            "objects.")


def test_findings_name_the_bucket_and_why_it_is_sensitive():
    result = analyze_stack(POLICY, build(STACK, drop=("audit",)))
    assert [(message.splitlines()[1], where) for message, where in result.violations] == [
        (finding("data", "tagged data-classification=confidential"), at(STACK, "data")),
        (finding("sources", "a knowledge-base source"), at(STACK, "sources")),
        (finding("trail-bucket", "tagged data-classification=confidential"), at(STACK, "trail-bucket")),
    ]
    logging = ("aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration",
               {"loggingConfig": {"s3Config": {"bucketName": "perimeter-site"}}}, {})
    result = analyze_stack(POLICY, build({**STACK, "invocation-logging": logging}))
    assert result.violations[0][0].splitlines()[1] == finding("public-site", "a model-invocation log destination")


def test_deferral_names_the_bucket_and_what_is_unknown():
    result = analyze_stack(POLICY, build(STACK, {"data": [(("tags",), UNKNOWN), (("bucket",), "perimeter-x")]}))
    assert result.clean and result.deferred == [{
        "message": "Bucket 'data': its classification or the trails' data-event selectors are unknown at preview",
        "urn": at(STACK, "data")}]


def with_trail(inputs: dict, deps=None, **spec) -> list:
    return build({**STACK, **spec, "audit": (TRAIL, {"s3BucketName": "perimeter-trail", **inputs}, deps or {})})


def basic(*resources) -> dict:
    return {"eventSelectors": [{"dataResources": list(resources)}]}


def objects(*values) -> dict:
    return {"type": "AWS::S3::Object", "values": list(values)}


SOURCES_ARN = "arn:aws:s3:::perimeter-sources/"
DATA_ARN = "arn:aws:s3:::perimeter-data/"


def test_basic_selectors_cover_only_the_buckets_they_name():
    analyze_stack(POLICY, with_trail(basic(objects(DATA_ARN, SOURCES_ARN)))).assert_clean()
    # A later resource entry does not undo an earlier one's coverage.
    analyze_stack(POLICY, with_trail(basic(objects(DATA_ARN), objects(SOURCES_ARN)))).assert_clean()
    only_sources = analyze_stack(POLICY, with_trail(basic(objects(SOURCES_ARN))))
    assert only_sources.urns == [at(STACK, "data")]
    other_type = analyze_stack(POLICY, with_trail(basic(objects(SOURCES_ARN), {"type": "AWS::Lambda::Function",
                                                                                "values": [DATA_ARN]})))
    assert other_type.urns == [at(STACK, "data")]


BOTH = ("data", "sources")


@pytest.mark.parametrize("resources, deferred", [
    (UNKNOWN, BOTH),
    ([objects(SOURCES_ARN, UNKNOWN)], BOTH),  # the unknown value could be either bucket's ARN
    ([objects(SOURCES_ARN), {"type": UNKNOWN, "values": [DATA_ARN]}], ("data",)),
    ([objects(SOURCES_ARN), {"type": "AWS::S3::Object", "values": UNKNOWN}], ("data",)),
])
def test_unknown_basic_selector_parts_are_deferred(resources, deferred):
    result = analyze_stack(POLICY, with_trail({"eventSelectors": [{"dataResources": resources}]}))
    assert result.clean and [d["urn"] for d in result.deferred] == [at(STACK, name) for name in deferred]


def test_a_selector_naming_a_bucket_whose_name_is_unknown_is_deferred():
    unnamed = {"data": (BUCKET, {"bucket": UNKNOWN, "tags": CONFIDENTIAL}, {})}
    analyze_stack(POLICY, with_trail(basic(objects(DATA_ARN, SOURCES_ARN)), **unnamed)).assert_deferred("Bucket 'data'")
    advanced = {"advancedEventSelectors": [selector(*DATA_S3, ("resources.ARN", {"startsWiths": [DATA_ARN, SOURCES_ARN]}))]}
    analyze_stack(POLICY, with_trail(advanced, **unnamed)).assert_deferred("Bucket 'data'")
    # Selectors for all buckets cover it whatever its name.
    analyze_stack(POLICY, with_trail(basic(objects("arn:aws:s3")), **unnamed)).assert_clean()


def test_selectors_built_from_the_bucket_cover_it_without_deferral():
    spec = {"data": (BUCKET, {"bucket": UNKNOWN, "tags": CONFIDENTIAL}, {})}
    for prop, inputs in (("advancedEventSelectors", {"advancedEventSelectors": [
                              selector(*DATA_S3, ("resources.ARN", {"startsWiths": [UNKNOWN, SOURCES_ARN]}))]}),
                         ("eventSelectors", basic(objects(UNKNOWN, SOURCES_ARN)))):
        result = analyze_stack(POLICY, with_trail(inputs, {prop: ["data"]}, **spec))
        assert result.clean and at(STACK, "data") not in [d["urn"] for d in result.deferred]


@pytest.mark.parametrize("prefix, covered", [
    ("arn:aws-us-gov:s3:::perimeter-", True),
    ("arn:aws-us-gov", True),  # every bucket of the partition
    ("arn", True),
    ("arn:aws-cn:s3:::perimeter-sources", False),
])
def test_prefixes_in_any_partition(prefix, covered):
    advanced = {"advancedEventSelectors": [selector(*DATA_S3, ("resources.ARN", {"startsWiths": [prefix]}))]}
    result = analyze_stack(POLICY, with_trail(advanced))
    if covered:
        result.assert_clean()
    else:
        assert result.urns == [at(STACK, "data")]


def test_exact_object_arns_do_not_cover_the_bucket():
    advanced = {"advancedEventSelectors": [selector(*DATA_S3, ("resources.ARN", {"equals": [
        "arn:aws:s3:::perimeter-data/cards.csv", "arn:aws:s3:::perimeter-sources/faq.md"]}))]}
    result = analyze_stack(POLICY, with_trail(advanced))
    assert sorted(result.urns) == sorted([at(STACK, "data"), at(STACK, "sources")])


def test_field_selectors_without_a_field_name_are_ignored():
    advanced = {"advancedEventSelectors": [{"name": "data", "fieldSelectors": [
        {"equals": ["Management"]}, "junk", *selector(*DATA_S3)["fieldSelectors"]]}]}
    analyze_stack(POLICY, with_trail(advanced)).assert_clean()


@pytest.mark.parametrize("advanced", [
    [{"name": "data", "fieldSelectors": UNKNOWN}],
    [selector(("eventCategory", {"equals": UNKNOWN}), DATA_S3[1])],
])
def test_unknown_advanced_selector_parts_are_deferred(advanced):
    result = analyze_stack(POLICY, with_trail({"advancedEventSelectors": advanced}))
    assert result.clean and sorted(d["urn"] for d in result.deferred) == sorted([at(STACK, "data"), at(STACK, "sources")])


def test_a_knowledge_base_source_named_by_its_output_is_sensitive():
    spec = {**STACK, "kb-source": (DATA_SOURCE, {"knowledgeBaseId": UNKNOWN, "dataSourceConfiguration": {
        "type": "S3", "s3Configuration": {"bucketArn": UNKNOWN}}}, {"dataSourceConfiguration": ["sources"]})}
    result = analyze_stack(POLICY, build(spec, {"audit": [(ADVANCED + ("fieldSelectors", 2, "startsWiths"), [DATA_ARN])]}))
    assert result.urns == [at(STACK, "sources")]


def test_a_trail_bucket_named_by_its_output_or_id_is_an_audit_store():
    from_output = build({**STACK, "audit": (TRAIL, {**STACK["audit"][1], "s3BucketName": UNKNOWN},
                                            {"s3BucketName": ["trail-bucket"]})})
    analyze_stack(POLICY, from_output).assert_clean()
    # An autonamed bucket is known by its id once created.
    by_id = build(STACK, {"trail-bucket": [(("bucket",), REMOVE), (("id",), "perimeter-trail")]})
    analyze_stack(POLICY, by_id).assert_clean()
