import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._iam_documents import SERVICE_PRINCIPAL, TLS_ONLY, policy
from tests.policies._stack import at, build
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze_stack

POLICY = "transport-policy-denies-insecure"
QUEUE, QUEUE_POLICY = "aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy"
TOPIC, TOPIC_POLICY = "aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy"
BUCKET, BUCKET_V2, BUCKET_POLICY = "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/bucketPolicy:BucketPolicy"


def tls_only(action):
    return {**TLS_ONLY, "Action": action, "Resource": "*"}


STACK = {
    "queue": (QUEUE, {"kmsMasterKeyId": UNKNOWN}, {}),
    "queue-policy": (QUEUE_POLICY, {"queueUrl": UNKNOWN, "policy": policy(tls_only("sqs:*"))}, {"queueUrl": ["queue"]}),
    "topic": (TOPIC, {"kmsMasterKeyId": UNKNOWN, "policy": policy(tls_only("sns:Publish"))}, {}),
    "bucket": (BUCKET, {"bucket": "perimeter-data"}, {}),
    "bucket-policy": (BUCKET_POLICY, {"bucket": UNKNOWN, "policy": policy(TLS_ONLY, SERVICE_PRINCIPAL)}, {"bucket": ["bucket"]}),
    "legacy": (BUCKET_V2, {"bucket": "perimeter-legacy"}, {}),
    "legacy-policy": (BUCKET_POLICY, {"bucket": "perimeter-legacy", "policy": policy(tls_only("*"))}, {}),
    "topic-with-policy": (TOPIC, {"kmsMasterKeyId": UNKNOWN}, {}),
    "topic-policy": (TOPIC_POLICY, {"arn": UNKNOWN, "policy": policy(tls_only("sns:*"))}, {"arn": ["topic-with-policy"]}),
}


def test_guarded_resources_pass():
    result = analyze_stack(POLICY, build(STACK))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("target, drop, changes", [
    ("queue", ("queue-policy",), {}),
    ("queue", (), {"queue-policy": [(("policy",), policy({**tls_only("sqs:*"), "Effect": "Allow"}))]}),
    ("topic", (), {"topic": [(("policy",), policy(tls_only("sqs:*")))]}),  # another service's actions
    ("topic-with-policy", ("topic-policy",), {}),
    ("bucket", (), {"bucket-policy": [(("policy",), policy({**TLS_ONLY, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}))]}),
    ("bucket", (), {"bucket-policy": [(("policy",), policy({**TLS_ONLY, "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}))]}),
    ("legacy", ("legacy-policy",), {}),
])
def test_unguarded_resource_is_reported(target, drop, changes):
    result = analyze_stack(POLICY, build(STACK, changes, drop))
    assert result.urns == [at(STACK, target)] and "aws:SecureTransport false" in result.violations[0][0]


@pytest.mark.parametrize("changes", [
    {"queue-policy": [(("policy",), UNKNOWN)]},
    {"topic": [(("policy",), {"Version": "2012-10-17", "Statement": [{**tls_only("sns:*"), "Condition": UNKNOWN}]})]},
])
def test_unknown_policy_is_deferred(changes):
    result = analyze_stack(POLICY, build(STACK, changes))
    target = next(iter(changes)).removesuffix("-policy")
    assert result.clean and [(d["urn"], d["message"]) for d in result.deferred] == [
        (at(STACK, target), f"{STACK[target][0].rsplit(':', 1)[-1]} '{target}': its resource policy is unknown at preview")]


def topic_with_condition(condition):
    return build(STACK, {"topic": [(("policy",), policy({**tls_only("sns:*"), "Condition": condition}))]})


@pytest.mark.parametrize("condition", [
    {"BoolIfExists": {"aws:SecureTransport": "false"}},
    {"bool": {"AWS:SECURETRANSPORT": ["false"]}},
    {"StringNotEquals": {"aws:SourceVpce": "vpce-0abc"}, "Bool": {"aws:SecureTransport": "false"}},
], ids=["bool-if-exists", "any-case", "beside-another-operator"])
def test_each_spelling_of_the_guard_passes(condition):
    result = analyze_stack(POLICY, topic_with_condition(condition))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("condition", [
    None,  # an unconditional deny is not the TLS guard the rule asks for
    {"StringNotEquals": {"aws:SourceVpce": "vpce-0abc"}},
    {"Bool": "aws:SecureTransport"},  # malformed block: no guard, and no crash
    {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
], ids=["no-condition", "other-operator", "malformed-bool-block", "other-bool-key"])
def test_a_deny_without_the_secure_transport_condition_is_reported(condition):
    result = analyze_stack(POLICY, topic_with_condition(condition))
    assert result.urns == [at(STACK, "topic")] and not result.cant_run
    assert ("Topic 'topic' has no resource policy denying requests without TLS (aws:SecureTransport false)."
            in result.violations[0][0])


def test_unknown_secure_transport_value_is_deferred():
    stack = build(STACK, {"topic": [(("policy",), {"Version": "2012-10-17", "Statement": [
        {**tls_only("sns:*"), "Condition": {"Bool": {"aws:SecureTransport": UNKNOWN}}}]})]})
    result = analyze_stack(POLICY, stack)
    assert result.clean and [d["urn"] for d in result.deferred] == [at(STACK, "topic")]


def test_a_policy_built_from_a_v2_bucket_resolves_for_both_bucket_types():
    # The V2 bucket's policy names it by dependency: the unguarded Bucket is reported, not deferred.
    spec = {**STACK, "legacy-policy": (BUCKET_POLICY, {"bucket": UNKNOWN, "policy": policy(tls_only("*"))},
                                       {"bucket": ["legacy"]})}
    result = analyze_stack(POLICY, build(spec, drop=("bucket-policy",)))
    assert result.urns == [at(STACK, "bucket")] and not result.deferred


def test_unresolved_policy_target_is_deferred():
    spec = {**STACK, "queue-policy": (QUEUE_POLICY, {"queueUrl": UNKNOWN, "policy": policy(tls_only("sqs:*"))}, {})}
    result = analyze_stack(POLICY, build(spec))
    assert result.clean and result.deferred


def test_advisory_and_waivable():
    spec = {"data": (QUEUE, {"kmsMasterKeyId": UNKNOWN}, {})}
    result = analyze_stack(POLICY, build(spec), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1
