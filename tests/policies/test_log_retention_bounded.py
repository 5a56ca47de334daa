import json

import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE, mutated
from tests.policy_harness import analyze_stack, resource, urn

POLICY = "log-retention-bounded"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TRAIL = "aws:cloudtrail/trail:Trail"
LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
BUCKET = "aws:s3/bucket:Bucket"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
ROLE = "aws:iam/role:Role"


def expiring(days, status="Enabled"):
    return [{"id": "expire", "status": status, "filter": {"prefix": ""}, "expiration": {"days": days}}]


# name -> (type, preview-shaped inputs, property dependencies by resource name)
COMPLIANT = {
    "trail-logs": (LOG_GROUP, {"name": "/perimeter/trail", "retentionInDays": 365, "kmsKeyId": UNKNOWN}, {"kmsKeyId": []}),
    "invocations": (LOG_GROUP, {"name": "/perimeter/invocations", "retentionInDays": 90, "kmsKeyId": UNKNOWN}, {}),
    "app": (LOG_GROUP, {"name": "/perimeter/app", "retentionInDays": 30}, {}),
    "trail-bucket": (BUCKET, {"forceDestroy": False, "tags": UNKNOWN}, {}),
    "trail-bucket-lifecycle": (LIFECYCLE, {"bucket": UNKNOWN, "rules": expiring(400)}, {"bucket": ["trail-bucket"]}),
    "invocation-bucket": (BUCKET, {"forceDestroy": False}, {}),
    "invocation-bucket-lifecycle": (LIFECYCLE, {"bucket": UNKNOWN, "rules": expiring(90)}, {"bucket": ["invocation-bucket"]}),
    "logging-role": (ROLE, {"assumeRolePolicy": UNKNOWN}, {}),
    "audit": (TRAIL, {"s3BucketName": UNKNOWN, "cloudWatchLogsGroupArn": UNKNOWN, "cloudWatchLogsRoleArn": UNKNOWN,
                      "kmsKeyId": UNKNOWN, "isMultiRegionTrail": True, "enableLogFileValidation": True},
              {"s3BucketName": ["trail-bucket"], "cloudWatchLogsGroupArn": ["trail-logs"]}),
    "invocation-logging": (LOGGING, {"loggingConfig": {
        "s3Config": {"bucketName": UNKNOWN, "keyPrefix": "bedrock/"},
        "cloudwatchConfig": {"logGroupName": UNKNOWN, "roleArn": UNKNOWN},
        "textDataDeliveryEnabled": True, "imageDataDeliveryEnabled": False}},
        {"loggingConfig": ["invocation-bucket", "invocations", "logging-role"]}),
}
TYPES = {name: spec[0] for name, spec in COMPLIANT.items()}


def stack(changes=None, drop=(), dependencies=None):
    """The compliant stack with `changes` {name: (path, value), ...} applied, `drop` resources removed,
    and `dependencies` {name: {prop: [urn]}} replacing a resource's property dependencies."""
    records = []
    for name, (type_, inputs, deps) in COMPLIANT.items():
        if name in drop:
            continue
        for change_name, (path, value) in (changes or {}).items():
            if change_name == name:
                inputs = mutated(inputs, path, value)
        property_dependencies = {prop: [urn(TYPES[n], n) for n in names] for prop, names in deps.items()}
        records.append(resource(type_, name, inputs,
                                property_dependencies=(dependencies or {}).get(name, property_dependencies)))
    return records


def test_preview_stack_with_unknown_names_and_key_arns_passes():
    result = analyze_stack(POLICY, stack())
    assert result.clean and not result.cant_run and not result.deferred


# name of the resource mutated (and reported), path, bad value, what the message names
MUTATIONS = [
    ("app", ("retentionInDays",), REMOVE, "retentionInDays is not set, so its events never expire"),
    ("app", ("retentionInDays",), 0, "retentionInDays is 0, so its events never expire"),
    ("app", ("retentionInDays",), 42, "retentionInDays 42.0 is not a value CloudWatch accepts"),
    ("trail-logs", ("retentionInDays",), 90, "(audit logs): retentionInDays is 90 days, below the 365 days"),
    ("invocations", ("retentionInDays",), 731, "(model invocation logs): retentionInDays is 731 days, above the 400 days"),
    ("invocations", ("kmsKeyId",), REMOVE, "kmsKeyId is not set"),
    ("trail-bucket-lifecycle", ("rules", 0, "expiration", "days"), 30, "rules[0].expiration.days is 30 days, below"),
    ("invocation-bucket-lifecycle", ("rules", 0, "expiration", "days"), 3650, "expiration.days is 3650 days, above"),
    ("invocation-bucket-lifecycle", ("rules", 0, "status"), "Disabled", "no enabled lifecycle rule expires its objects"),
    ("invocation-bucket-lifecycle", ("rules", 0, "expiration"), REMOVE, "no enabled lifecycle rule expires its objects"),
]
REPORTED_ON = {"trail-bucket-lifecycle": "trail-bucket", "invocation-bucket-lifecycle": "invocation-bucket"}


@pytest.mark.parametrize("name, path, value, named", MUTATIONS, ids=[f"{m[0]}-{m[1][-1]}={m[2]!r}" for m in MUTATIONS])
def test_each_violation_blocks(name, path, value, named):
    result = analyze_stack(POLICY, stack({name: (path, value)}))
    reported = REPORTED_ON.get(name, name)
    assert result.urns == [urn(TYPES[reported], reported)] and not result.cant_run
    assert named in result.violations[0][0]


def test_invocation_bucket_without_lifecycle_configuration_blocks():
    result = analyze_stack(POLICY, stack(drop={"invocation-bucket-lifecycle"}))
    assert result.urns == [urn(BUCKET, "invocation-bucket")]
    assert "kept forever" in result.violations[0][0]


def test_audit_bucket_without_lifecycle_keeps_logs_but_every_bucket_needs_a_lifecycle():
    assert analyze_stack(POLICY, stack(drop={"trail-bucket-lifecycle"}), {"lifecycleOnEveryBucket": False}).clean
    result = analyze_stack(POLICY, stack(drop={"trail-bucket-lifecycle"}))
    assert result.urns == [urn(BUCKET, "trail-bucket")]
    assert "Bucket 'trail-bucket' (audit logs): has no enabled lifecycle rule" in result.violations[0][0]


PLAIN = {"plain": (BUCKET, {"forceDestroy": False}, {}),
         "plain-lifecycle": (LIFECYCLE, {"bucket": UNKNOWN, "rules": [
             {"id": "old-versions", "status": "Enabled", "filter": {"prefix": ""},
              "noncurrentVersionExpiration": {"noncurrentDays": 30}}]}, {"bucket": ["plain"]})}


def plain_stack(bucket_inputs=None, lifecycle_rules=None, drop=()):
    records = []
    for name, (type_, inputs, deps) in PLAIN.items():
        if name in drop:
            continue
        if name == "plain" and bucket_inputs is not None:
            inputs = bucket_inputs
        if name == "plain-lifecycle" and lifecycle_rules is not None:
            inputs = {**inputs, "rules": lifecycle_rules}
        records.append(resource(type_, name, inputs, property_dependencies={
            prop: [urn(BUCKET, n) for n in names] for prop, names in deps.items()}))
    return records


def test_any_enabled_rule_gives_a_plain_bucket_its_lifecycle():
    result = analyze_stack(POLICY, plain_stack())
    assert result.clean and not result.deferred


@pytest.mark.parametrize("rules", [[], [{"id": "off", "status": "Disabled", "expiration": {"days": 30}}]],
                         ids=["no-rules", "disabled"])
def test_plain_bucket_without_an_enabled_rule_blocks(rules):
    result = analyze_stack(POLICY, plain_stack(lifecycle_rules=rules))
    assert result.urns == [urn(BUCKET, "plain")]
    assert "Bucket 'plain': has no enabled lifecycle rule" in result.violations[0][0]
    assert analyze_stack(POLICY, plain_stack(lifecycle_rules=rules), {"lifecycleOnEveryBucket": False}).clean


def test_plain_bucket_without_a_lifecycle_configuration_blocks_unless_configured_off():
    result = analyze_stack(POLICY, plain_stack(drop={"plain-lifecycle"}))
    assert result.urns == [urn(BUCKET, "plain")] and "aws.s3.BucketLifecycleConfiguration" in result.violations[0][0]
    assert analyze_stack(POLICY, plain_stack(drop={"plain-lifecycle"}), {"lifecycleOnEveryBucket": False}).clean


@pytest.mark.parametrize("flags, clean", [([True], True), ([False, True], True), ([False], False), ([], False)])
def test_deprecated_inline_lifecycle_rules_count(flags, clean):
    inputs = {"forceDestroy": False, "lifecycleRules": [{"enabled": flag, "expiration": {"days": 30}} for flag in flags]}
    result = analyze_stack(POLICY, plain_stack(bucket_inputs=inputs, drop={"plain-lifecycle"}))
    assert result.clean is clean and not result.deferred
    if not clean:
        assert "has no enabled lifecycle rule" in result.violations[0][0]


def test_inline_rule_flag_unknown_is_deferred():
    inputs = {"forceDestroy": False, "lifecycleRules": [{"enabled": UNKNOWN}]}
    result = analyze_stack(POLICY, plain_stack(bucket_inputs=inputs, drop={"plain-lifecycle"}))
    assert result.clean and "lifecycleRules[0].enabled unknown at preview" in result.deferred[0]["message"]


def test_plain_bucket_with_an_unresolved_lifecycle_is_deferred():
    records = plain_stack(lifecycle_rules=[])
    records.append(resource(LIFECYCLE, "elsewhere", {"bucket": UNKNOWN, "rules": expiring(30)}))
    result = analyze_stack(POLICY, records)
    assert result.clean and "a lifecycle configuration's bucket unknown" in result.deferred[0]["message"]


def test_configured_invocation_maximum_is_honoured():
    result = analyze_stack(POLICY, stack({"invocations": (("retentionInDays",), 365)}),
                           {"maxInvocationLogRetentionDays": 180})
    assert result.urns == [urn(LOG_GROUP, "invocations")] and "above the 180 days" in result.violations[0][0]


def test_update_phase_known_names_classify_without_dependencies():
    group = resource(LOG_GROUP, "trail-logs", {"name": "/perimeter/trail", "retentionInDays": 30})
    trail = resource(TRAIL, "audit", {"s3BucketName": "trail-bucket-1a2b",
                                      "cloudWatchLogsGroupArn": "arn:aws:logs:eu-west-1:111122223333:log-group:/perimeter/trail:*"})
    invocations = resource(LOG_GROUP, "invocations", {"name": "/perimeter/invocations", "retentionInDays": 90})
    logging = resource(LOGGING, "invocation-logging", {"loggingConfig": {"cloudwatchConfig": {"logGroupName": "/perimeter/invocations"}}})
    result = analyze_stack(POLICY, [group, trail, invocations, logging])
    assert sorted(result.urns) == sorted([urn(LOG_GROUP, "trail-logs"), urn(LOG_GROUP, "invocations")])
    assert any("below the 365 days" in m for m, _ in result.violations)
    assert any("kmsKeyId is not set" in m for m, _ in result.violations)


def test_violation_blocks_beside_unknown_inputs():
    bad = {"name": UNKNOWN, "tags": UNKNOWN, "kmsKeyId": UNKNOWN, "retentionInDays": 731}
    others = [r for r in stack() if r["name"] != "invocations"]
    result = analyze_stack(POLICY, others + [resource(LOG_GROUP, "invocations", bad)])
    assert result.urns == [urn(LOG_GROUP, "invocations")] and not result.cant_run


@pytest.mark.parametrize("name, path", [("invocations", ("retentionInDays",)),
                                        ("invocation-bucket-lifecycle", ("rules", 0, "expiration", "days")),
                                        ("invocation-bucket-lifecycle", ("rules",))])
def test_retention_unknown_at_preview_is_deferred(name, path):
    result = analyze_stack(POLICY, stack({name: (path, UNKNOWN)}))
    assert result.clean and result.deferred


def test_lifecycle_whose_bucket_preview_cannot_name_defers():
    from_elsewhere = {"bucket": [urn("random:index/randomId:RandomId", "suffix")]}
    result = analyze_stack(POLICY, stack(dependencies={"invocation-bucket-lifecycle": from_elsewhere}))
    assert result.clean and result.deferred[0]["urn"] == urn(BUCKET, "invocation-bucket")


def test_staging_waiver_pattern_waives_legacy_log_groups():
    waiver = {"resource": "urn:pulumi:test::perimeter::*aws:cloudwatch/logGroup:LogGroup::legacy-*",
              "reason": "Legacy app logs; retention migration tracked in SEC-231",
              "approver": "security-lead@example.com", "expires": "2027-03-31"}
    legacy = resource(LOG_GROUP, "legacy-batch", {"name": "/legacy/batch"})
    result = analyze_stack(POLICY, [legacy], {"waivers": [waiver]})
    assert not result.violations and result.waived[0]["urn"] == urn(LOG_GROUP, "legacy-batch")


BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
LIFECYCLE_V2 = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"


def as_v2(records, retyped):
    """`records` with the resources named in `retyped` {name: (old type, new type)} given the deprecated V2 types."""
    text = json.dumps(records)
    for name, (old, new) in retyped.items():
        text = text.replace(f"::{old}::{name}\"", f"::{new}::{name}\"")
    result = json.loads(text)
    for record in result:
        if record["name"] in retyped:
            record["type"] = retyped[record["name"]][1]
    return result


def test_deprecated_v2_bucket_and_lifecycle_are_classified_and_checked():
    retyped = {"invocation-bucket": (BUCKET, BUCKET_V2), "invocation-bucket-lifecycle": (LIFECYCLE, LIFECYCLE_V2)}
    assert analyze_stack(POLICY, as_v2(stack(), retyped)).clean
    too_long = stack({"invocation-bucket-lifecycle": (("rules", 0, "expiration", "days"), 3650)})
    result = analyze_stack(POLICY, as_v2(too_long, retyped))
    assert result.urns == [urn(BUCKET_V2, "invocation-bucket")]
    assert "expiration.days is 3650 days, above" in result.violations[0][0]


def update_phase_stack(trail_bucket="perimeter-trail", logging_bucket="perimeter-invocations",
                       lifecycle_target="perimeter-invocations", large_bucket=None, trail_days=400, invocation_days=90):
    """Every link by value, as `pulumi up` shows them: names and ids known, no property dependencies."""
    config = {"s3Config": {"bucketName": logging_bucket}}
    if large_bucket:
        config["cloudwatchConfig"] = {"logGroupName": "/perimeter/none",
                                      "largeDataDeliveryS3Config": {"bucketName": large_bucket}}
    return [
        resource(BUCKET, "trail-bucket", {"bucket": "perimeter-trail", "id": "perimeter-trail"}),
        resource(LIFECYCLE, "trail-lifecycle", {"bucket": "perimeter-trail", "rules": expiring(trail_days)}),
        resource(BUCKET, "invocation-bucket", {"bucket": "perimeter-invocations", "id": "bucket-id-1"}),
        resource(LIFECYCLE, "invocation-lifecycle", {"bucket": lifecycle_target, "rules": expiring(invocation_days)}),
        resource(TRAIL, "audit", {"s3BucketName": trail_bucket}),
        resource(LOGGING, "invocation-logging", {"loggingConfig": config}),
    ]


def test_update_phase_buckets_classified_and_matched_by_name_and_id():
    assert analyze_stack(POLICY, update_phase_stack()).clean
    assert analyze_stack(POLICY, update_phase_stack(lifecycle_target="bucket-id-1")).clean
    result = analyze_stack(POLICY, update_phase_stack(trail_days=30))
    assert result.urns == [urn(BUCKET, "trail-bucket")]
    assert "Bucket 'trail-bucket' (audit logs): lifecycle 'trail-lifecycle' rules[0].expiration.days is 30 days" \
        in result.violations[0][0]
    result = analyze_stack(POLICY, update_phase_stack(invocation_days=731))
    assert result.urns == [urn(BUCKET, "invocation-bucket")] and "above the 400 days" in result.violations[0][0]
    result = analyze_stack(POLICY, update_phase_stack(large_bucket="perimeter-invocations", logging_bucket="other",
                                                      invocation_days=731))
    assert result.urns == [urn(BUCKET, "invocation-bucket")] and "(model invocation logs)" in result.violations[0][0]


def test_update_phase_unrelated_names_do_not_classify():
    # The trail and the invocation logging name other buckets: bounds no longer apply, lifecycles still do.
    assert analyze_stack(POLICY, update_phase_stack(trail_bucket="elsewhere", logging_bucket="elsewhere",
                                                    trail_days=30, invocation_days=731)).clean
    result = analyze_stack(POLICY, update_phase_stack(lifecycle_target="elsewhere"))
    assert result.urns == [urn(BUCKET, "invocation-bucket")]
    assert "(model invocation logs): no enabled lifecycle rule expires its objects" in result.violations[0][0]


def test_trail_log_group_arn_without_the_stream_suffix():
    group = resource(LOG_GROUP, "trail-logs", {"name": "/perimeter/trail", "retentionInDays": 30})
    trail = resource(TRAIL, "audit", {"cloudWatchLogsGroupArn":
                                      "arn:aws:logs:eu-west-1:111122223333:log-group:/perimeter/trail"})
    result = analyze_stack(POLICY, [group, trail])
    assert result.urns == [urn(LOG_GROUP, "trail-logs")] and "(audit logs)" in result.violations[0][0]


def test_log_group_for_audit_and_invocations_names_both():
    group = resource(LOG_GROUP, "shared", {"name": "/perimeter/shared", "retentionInDays": 30})
    trail = resource(TRAIL, "audit", {"cloudWatchLogsGroupArn":
                                      "arn:aws:logs:eu-west-1:111122223333:log-group:/perimeter/shared:*"})
    logging = resource(LOGGING, "invocation-logging",
                       {"loggingConfig": {"cloudwatchConfig": {"logGroupName": "/perimeter/shared"}}})
    result = analyze_stack(POLICY, [group, trail, logging])
    assert "LogGroup 'shared' (audit and model invocation logs): retentionInDays is 30 days" in result.violations[0][0]


def test_invocation_retention_at_the_maximum_passes():
    assert analyze_stack(POLICY, stack({"invocations": (("retentionInDays",), 400)})).clean
    assert analyze_stack(POLICY, stack({"invocation-bucket-lifecycle": (("rules", 0, "expiration", "days"), 400)})).clean


def test_unknown_retention_is_named():
    result = analyze_stack(POLICY, stack({"app": (("retentionInDays",), UNKNOWN)}))
    assert result.clean and "LogGroup 'app': retentionInDays unknown at preview" in result.deferred[0]["message"]


@pytest.mark.parametrize("days, expires", [(0, False), (1, True)])
def test_an_expiration_counts_from_one_day(days, expires):
    result = analyze_stack(POLICY, stack({"invocation-bucket-lifecycle": (("rules", 0, "expiration", "days"), days)}))
    assert result.clean is expires
    if not expires:
        assert "no enabled lifecycle rule expires its objects" in result.violations[0][0]


def test_every_out_of_bounds_rule_is_listed():
    rules = expiring(3650) + [{"id": "short", "status": "Enabled", "filter": {"prefix": "tmp/"},
                               "expiration": {"days": 30}}]
    result = analyze_stack(POLICY, stack({"invocation-bucket-lifecycle": (("rules",), rules)}))
    assert "rules[0].expiration.days is 3650 days" in result.violations[0][0]
    rules = list(reversed(rules))
    result = analyze_stack(POLICY, stack({"invocation-bucket-lifecycle": (("rules",), rules)}))
    assert "rules[1].expiration.days is 3650 days" in result.violations[0][0]


def test_inline_and_configuration_rules_add_up():
    inputs = {"forceDestroy": False, "lifecycleRules": [{"enabled": True, "expiration": {"days": 30}}]}
    result = analyze_stack(POLICY, plain_stack(bucket_inputs=inputs))
    assert result.clean and not result.deferred


def test_missing_lifecycle_messages_name_the_fix():
    result = analyze_stack(POLICY, stack(drop={"invocation-bucket-lifecycle"}))
    message = next(m for m, _ in result.violations)
    assert ("Bucket 'invocation-bucket' (model invocation logs): no enabled lifecycle rule expires its objects, so "
            "prompts and answers are kept forever; add aws.s3.BucketLifecycleConfiguration(bucket=bucket.id, "
            "rules=[{'status': 'Enabled', 'expiration': {'days': <= 400}, ...}])") in message
    message = analyze_stack(POLICY, plain_stack(drop={"plain-lifecycle"})).violations[0][0]
    assert ("Bucket 'plain': has no enabled lifecycle rule, so nobody decided how long its objects are kept; add "
            "aws.s3.BucketLifecycleConfiguration(bucket=bucket.id, rules=[{'status': 'Enabled', ...}]).") in message
