import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._iam_documents import SERVICE_PRINCIPAL, TLS_ONLY, policy
from tests.policies._stack import at, build
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze_stack

POLICY = "audit-trail-bucket-protected"
TRAIL, BUCKET = "aws:cloudtrail/trail:Trail", "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
DENY_DELETES = {"Sid": "DenyLogDeletion", "Effect": "Deny", "Principal": "*",
                "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"], "Resource": "arn:aws:s3:::perimeter-trail/*"}
STACK = {
    "data": (BUCKET, {"bucket": "perimeter-trail"}, {}),
    "data-policy": (BUCKET_POLICY, {"bucket": UNKNOWN, "policy": policy(TLS_ONLY, SERVICE_PRINCIPAL, DENY_DELETES)},
                    {"bucket": ["data"]}),
    "audit": (TRAIL, {"s3BucketName": UNKNOWN, "isMultiRegionTrail": True}, {"s3BucketName": ["data"]}),
    "other": (BUCKET, {"bucket": "perimeter-docs"}, {}),  # not an audit bucket: out of scope
}
LOCKED = {**STACK, "data": (BUCKET, {"bucket": "perimeter-trail", "objectLockEnabled": True}, {}),
          "data-policy": (BUCKET_POLICY, {"bucket": UNKNOWN, "policy": policy(TLS_ONLY)}, {"bucket": ["data"]}),
          "data-lock": (LOCK, {"bucket": UNKNOWN, "rule": {"defaultRetention": {"mode": "GOVERNANCE", "days": 365}}},
                        {"bucket": ["data"]})}


@pytest.mark.parametrize("spec", [STACK, LOCKED], ids=["deny-deletes", "object-lock"])
def test_protected_trail_bucket_passes(spec):
    result = analyze_stack(POLICY, build(spec))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("action", ["s3:Delete*", "s3:*", "*"])
def test_wildcard_deny_passes(action):
    spec = {**STACK, "data-policy": (BUCKET_POLICY, {"bucket": "perimeter-trail",
                                                     "policy": policy({**DENY_DELETES, "Action": action})}, {})}
    assert analyze_stack(POLICY, build(spec)).clean


@pytest.mark.parametrize("statement", [
    pytest.param(None, id="no-deny"),
    pytest.param({**DENY_DELETES, "Action": "s3:DeleteObject"}, id="versions-still-deletable"),
    pytest.param({**DENY_DELETES, "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}}, id="one-principal-only"),
    pytest.param({**DENY_DELETES, "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}, id="allow"),
])
def test_unprotected_trail_bucket_blocks(statement):
    statements = [TLS_ONLY, SERVICE_PRINCIPAL] + ([statement] if statement else [])
    spec = {**STACK, "data-policy": (BUCKET_POLICY, {"bucket": UNKNOWN, "policy": policy(*statements)}, {"bucket": ["data"]})}
    result = analyze_stack(POLICY, build(spec))
    assert result.urns == [at(STACK, "data")] and "receives CloudTrail logs" in result.violations[0][0]


def test_break_glass_exemption_passes():
    statement = {**DENY_DELETES, "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/break-glass"}}}
    spec = {**STACK, "data-policy": (BUCKET_POLICY, {"bucket": UNKNOWN, "policy": policy(statement)}, {"bucket": ["data"]})}
    assert analyze_stack(POLICY, build(spec)).clean


def test_deny_scoped_by_another_condition_blocks():
    statement = {**DENY_DELETES, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    spec = {**STACK, "data-policy": (BUCKET_POLICY, {"bucket": UNKNOWN, "policy": policy(statement)}, {"bucket": ["data"]})}
    assert len(analyze_stack(POLICY, build(spec)).violations) == 1


def test_lock_without_default_retention_blocks():
    result = analyze_stack(POLICY, build(LOCKED, {"data-lock": [(("rule",), {})]}))
    assert result.urns == [at(STACK, "data")]


def test_no_bucket_policy_blocks():
    assert len(analyze_stack(POLICY, build(STACK, drop=("data-policy",))).violations) == 1


def test_policy_built_from_outputs_is_deferred():
    result = analyze_stack(POLICY, build(STACK, {"data-policy": [(("policy",), UNKNOWN)]}))
    assert result.clean and result.deferred


def test_trail_bucket_of_another_program_is_out_of_reach():
    spec = {**STACK, "audit": (TRAIL, {"s3BucketName": "org-trail-bucket"}, {})}
    assert analyze_stack(POLICY, build(spec, drop=("data-policy",))).clean


def test_waiver_applies():
    result = analyze_stack(POLICY, build(STACK, drop=("data-policy",)), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1


def test_deprecated_bucket_v2_is_checked_too():
    spec = {**STACK, "data": ("aws:s3/bucketV2:BucketV2", {"bucket": "perimeter-trail"}, {}),
            "audit": (TRAIL, {"s3BucketName": "perimeter-trail"}, {})}
    result = analyze_stack(POLICY, build(spec, drop=("data-policy",)))
    assert len(result.violations) == 1 and "BucketV2 'data'" in result.violations[0][0]


ALL = {"objectLockScope": "all-buckets"}
OTHER_LOCK = (LOCK, {"bucket": UNKNOWN, "rule": {"defaultRetention": {"mode": "COMPLIANCE", "years": 1}}},
              {"bucket": ["other"]})


def test_every_bucket_needs_object_lock_when_configured():
    result = analyze_stack(POLICY, build(LOCKED), ALL)
    assert result.urns == [at(LOCKED, "other")]
    assert "Bucket 'other' has no Object Lock default retention: add" in result.violations[0][0]
    assert "'mode': 'GOVERNANCE'" in result.violations[0][0]
    assert analyze_stack(POLICY, build({**LOCKED, "other-lock": OTHER_LOCK}), ALL).clean


def test_all_buckets_scope_does_not_accept_a_deny_delete_policy():
    result = analyze_stack(POLICY, build({**STACK, "other-lock": OTHER_LOCK}), ALL)
    assert result.urns == [at(STACK, "data")] and "no Object Lock default retention" in result.violations[0][0]


def test_all_buckets_scope_accepts_the_inline_lock_and_defers_unknowns():
    inline = {"bucket": "perimeter-docs", "objectLockEnabled": True,
              "objectLockConfiguration": {"objectLockEnabled": "Enabled",
                                          "rule": {"defaultRetention": {"mode": "GOVERNANCE", "days": 30}}}}
    assert analyze_stack(POLICY, build({**LOCKED, "other": (BUCKET, inline, {})}), ALL).clean
    unknown = {"bucket": "perimeter-docs", "objectLockConfiguration": {"rule": UNKNOWN}}
    result = analyze_stack(POLICY, build({**LOCKED, "other": (BUCKET, unknown, {})}), ALL)
    assert result.clean and "object lock configuration is unknown" in result.deferred[0]["message"]
    spec = {**LOCKED, "other-lock": (LOCK, {"bucket": UNKNOWN, "rule": OTHER_LOCK[1]["rule"]}, {})}
    result = analyze_stack(POLICY, build(spec), ALL)
    assert result.clean and result.deferred


def test_object_lock_mode_is_required_when_configured():
    config = {**ALL, "objectLockMode": "COMPLIANCE"}
    result = analyze_stack(POLICY, build({**LOCKED, "other-lock": OTHER_LOCK}), config)
    assert result.urns == [at(LOCKED, "data")]
    assert "no Object Lock default retention in COMPLIANCE mode" in result.violations[0][0]
    assert "'mode': 'COMPLIANCE'" in result.violations[0][0]
    # In the audit-trail scope, a GOVERNANCE lock no longer counts but the deny-delete policy still does.
    result = analyze_stack(POLICY, build(LOCKED), {"objectLockMode": "COMPLIANCE"})
    assert result.urns == [at(LOCKED, "data")] and "receives CloudTrail logs" in result.violations[0][0]
    assert analyze_stack(POLICY, build(STACK), {"objectLockMode": "COMPLIANCE"}).clean


@pytest.mark.parametrize("retention", [{"mode": "GOVERNANCE", "days": UNKNOWN}, {"mode": UNKNOWN, "years": 1}, UNKNOWN],
                         ids=["days", "mode", "block"])
def test_lock_retention_unknown_at_preview_is_deferred(retention):
    config = {**ALL, "objectLockMode": "GOVERNANCE"}
    spec = {**LOCKED, "other-lock": (LOCK, {"bucket": UNKNOWN, "rule": {"defaultRetention": retention}},
                                     {"bucket": ["other"]})}
    result = analyze_stack(POLICY, build(spec), config)
    assert result.clean and "Bucket 'other': its object lock configuration is unknown" in result.deferred[0]["message"]
    inline = {"bucket": "perimeter-docs", "objectLockConfiguration": {"rule": {"defaultRetention": retention}}}
    result = analyze_stack(POLICY, build({**LOCKED, "other": (BUCKET, inline, {})}), config)
    assert result.clean and result.deferred


@pytest.mark.parametrize("retention", [{"mode": "GOVERNANCE", "days": 0}, {"mode": "GOVERNANCE", "days": True},
                                       {"mode": "GOVERNANCE", "years": "1"}, {"mode": "GOVERNANCE"}],
                         ids=["zero", "boolean", "text", "no-period"])
def test_lock_without_a_positive_period_blocks(retention):
    spec = {**LOCKED, "other-lock": (LOCK, {"bucket": UNKNOWN, "rule": {"defaultRetention": retention}},
                                     {"bucket": ["other"]})}
    result = analyze_stack(POLICY, build(spec), ALL)
    assert result.urns == [at(LOCKED, "other")] and "no Object Lock default retention" in result.violations[0][0]


UNPROTECTED = ("Bucket 'data' receives CloudTrail logs but neither Object Lock with a default retention nor a bucket "
               "policy denying s3:DeleteObject and s3:DeleteObjectVersion to everyone protects them.")


def with_deny_condition(condition) -> dict:
    # A document passed as an object (not JSON text) can hold values unknown at preview.
    document = {"Version": "2012-10-17", "Statement": [{**DENY_DELETES, "Condition": condition}]}
    return {**STACK, "data-policy": (BUCKET_POLICY, {"bucket": UNKNOWN, "policy": document}, {"bucket": ["data"]})}


@pytest.mark.parametrize("condition", [
    pytest.param({"StringNotEquals": {"aws:SourceVpc": "vpc-0123"}}, id="negated-but-not-on-the-caller"),
    pytest.param({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app"}}, id="only-one-caller"),
    pytest.param(["ArnNotEquals"], id="malformed"),
])
def test_deny_scoped_other_than_by_exempting_callers_blocks(condition):
    result = analyze_stack(POLICY, build(with_deny_condition(condition)))
    assert [(message.splitlines()[1], where) for message, where in result.violations] == [(UNPROTECTED, at(STACK, "data"))]


@pytest.mark.parametrize("condition", [UNKNOWN, {"ArnNotEquals": UNKNOWN}], ids=["condition", "operator-block"])
def test_deny_condition_unknown_at_preview_is_deferred(condition):
    result = analyze_stack(POLICY, build(with_deny_condition(condition)))
    assert result.clean and result.deferred == [{
        "message": "Bucket 'data' (CloudTrail bucket): its object lock or bucket policy is unknown at preview",
        "urn": at(STACK, "data")}]


def test_an_allow_for_everyone_does_not_protect():
    result = analyze_stack(POLICY, build({**STACK, "data-policy": (BUCKET_POLICY, {
        "bucket": UNKNOWN, "policy": policy({**DENY_DELETES, "Effect": "Allow"})}, {"bucket": ["data"]})}))
    assert result.urns == [at(STACK, "data")]


def test_an_inline_bucket_policy_protects():
    inline = {"bucket": "perimeter-trail", "policy": policy(DENY_DELETES)}
    spec = {**STACK, "data": (BUCKET, inline, {})}
    result = analyze_stack(POLICY, build(spec, drop=("data-policy",)))
    assert result.clean and not result.deferred
    weak = {**inline, "policy": policy(TLS_ONLY)}
    assert analyze_stack(POLICY, build({**STACK, "data": (BUCKET, weak, {})}, drop=("data-policy",))).urns == [
        at(STACK, "data")]


def test_a_trail_bucket_named_by_its_id_is_judged():
    # An autonamed bucket read back after creation: the trail names its id.
    spec = {**STACK, "data": (BUCKET, {"id": "perimeter-trail"}, {}),
            "audit": (TRAIL, {"s3BucketName": "perimeter-trail"}, {})}
    assert analyze_stack(POLICY, build(spec, drop=("data-policy",))).urns == [at(STACK, "data")]


def test_every_trail_bucket_is_judged_whatever_comes_before_it():
    spec = {"other": STACK["other"], **STACK,
            "second": (BUCKET, {"bucket": "perimeter-trail-2"}, {}),
            "second-audit": (TRAIL, {"s3BucketName": "perimeter-trail-2"}, {})}
    assert analyze_stack(POLICY, build(spec)).urns == [at(spec, "second")]


def test_a_lock_retention_unknown_at_preview_defers_the_trail_bucket():
    spec = {**LOCKED, "data-lock": (LOCK, {"bucket": UNKNOWN, "rule": {"defaultRetention": {"days": UNKNOWN}}},
                                    {"bucket": ["data"]})}
    result = analyze_stack(POLICY, build(spec))
    assert result.clean and [d["urn"] for d in result.deferred] == [at(STACK, "data")]


def test_all_buckets_findings_name_the_fix_and_defer_on_the_bucket():
    result = analyze_stack(POLICY, build(LOCKED), ALL)
    assert result.violations[0][0].splitlines()[1] == (
        "Bucket 'other' has no Object Lock default retention: add aws.s3.BucketObjectLockConfiguration(bucket=bucket.id, "
        "rule={'default_retention': {'mode': 'GOVERNANCE', 'days': ...}}) (objectLockScope is all-buckets).")
    unknown = {"bucket": "perimeter-docs", "objectLockConfiguration": {"rule": UNKNOWN}}
    result = analyze_stack(POLICY, build({**LOCKED, "other": (BUCKET, unknown, {})}), ALL)
    assert result.deferred == [{"message": "Bucket 'other': its object lock configuration is unknown at preview",
                                "urn": at(LOCKED, "other")}]


def test_all_buckets_scope_reports_every_unlocked_bucket():
    assert analyze_stack(POLICY, build(STACK), ALL).urns == [at(STACK, "data"), at(STACK, "other")]
