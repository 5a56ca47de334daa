"""s3-bucket-admin-actions-not-shared: compliant policies, one violation per way of sharing, unknowns, config."""

import json

import pulumi_aws as aws
import pytest
from perimeter_policies.model import ResourceView, Violation
from perimeter_policies.rules.s3_bucket_admin_actions_not_shared import RULE
from perimeter_policies.testing import UNKNOWN, provider, resource, run, waiver

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
POLICY = "s3-bucket-admin-actions-not-shared"
OURS, THEIRS = "111122223333", "444455556666"
ARN = "arn:aws:s3:::perimeter-data"
TRUSTED = {"trustedAccountIds": [OURS]}


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal, action, **extra):
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": [ARN, ARN + "/*"], **extra}


VENDOR_READS = allow({"AWS": f"arn:aws:iam::{THEIRS}:root"}, ["s3:GetObject", "s3:ListBucket"])
OUR_ADMIN = allow({"AWS": f"arn:aws:iam::{OURS}:role/storage-admin"}, ["s3:PutBucketPolicy", "s3:DeleteBucket"])
CLOUDTRAIL = allow({"Service": "cloudtrail.amazonaws.com"}, "s3:*")
DENY_ALL = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [ARN, ARN + "/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
COMPLIANT = document(VENDOR_READS, OUR_ADMIN, CLOUDTRAIL, DENY_ALL)
SUBJECTS = {
    "aws:s3/bucketPolicy:BucketPolicy": resource(aws.s3.BucketPolicy, "data", bucket=UNKNOWN, policy=COMPLIANT),
    "aws:s3/bucket:Bucket": resource(aws.s3.Bucket, "data", bucket="perimeter-data", policy=COMPLIANT),
    "aws:s3/bucketV2:BucketV2": resource(aws.s3.BucketV2, "data", bucket="perimeter-data", policy=COMPLIANT),
}

SHARING = [
    pytest.param(allow({"AWS": f"arn:aws:iam::{THEIRS}:root"}, "s3:PutBucketPolicy"), id="other-account-root"),
    pytest.param(allow({"AWS": THEIRS}, "s3:DeleteBucket"), id="bare-account-id"),
    pytest.param(allow({"AWS": [f"arn:aws:iam::{OURS}:root", f"arn:aws:iam::{THEIRS}:role/x"]}, "s3:Put*"),
                 id="one-of-two-outside-wildcard-action"),
    pytest.param(allow({"AWS": "arn:aws:iam::*:root"}, "s3:*"), id="wildcard-account"),
    pytest.param(allow({"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}, "s3:PutBucketAcl"), id="canonical-user"),
    pytest.param(allow("*", "s3:PutBucketVersioning"), id="everyone"),
    pytest.param(allow({"AWS": "*"}, "*", Condition={"StringEquals": {"aws:PrincipalAccount": THEIRS}}),
                 id="everyone-pinned-to-their-account"),
    pytest.param(allow({"AWS": "*"}, "s3:*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}),
                 id="everyone-in-the-organisation"),
    pytest.param({"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{OURS}:root"}, "Action": "s3:*",
                  "Resource": ARN}, id="not-principal"),
    pytest.param(allow({"AWS": f"arn:aws:iam::{THEIRS}:root"}, None, NotAction="s3:GetObject"), id="not-action"),
    pytest.param(allow({"AWS": "AROAEXAMPLEROLEID"}, "s3:PutBucketPolicy"), id="unique-id-of-a-deleted-role"),
    pytest.param(allow({"Service": "cloudtrail.amazonaws.com", "AWS": THEIRS}, "s3:DeleteBucket"),
                 id="other-account-beside-a-service"),
    pytest.param(allow({"Federated": f"arn:aws:iam::{OURS}:saml-provider/corp"}, "s3:PutBucketAcl"),
                 id="federated-users-of-our-identity-provider"),
]


def without_none(statement):
    return {k: v for k, v in statement.items() if v is not None}


@pytest.mark.parametrize("type_", sorted(SUBJECTS))
def test_compliant_policy_passes(type_):
    run(POLICY, SUBJECTS[type_], config=TRUSTED).assert_clean()


@pytest.mark.parametrize("type_", sorted(SUBJECTS))
def test_foreign_admin_grant_blocks_on_every_type(type_):
    bad = SUBJECTS[type_].replace(policy=document(VENDOR_READS, allow({"AWS": THEIRS}, "s3:DeleteBucketPolicy")))
    run(POLICY, bad, config=TRUSTED).assert_violation("statement 2", "outside the trusted accounts (111122223333)",
                                                      on=bad)


@pytest.mark.parametrize("statement", SHARING)
def test_each_way_of_sharing_an_admin_action_blocks(statement):
    bad = SUBJECTS["aws:s3/bucketPolicy:BucketPolicy"].replace(policy=document(without_none(statement)))
    run(POLICY, bad, config=TRUSTED).assert_violation("prohibited bucket actions", on=bad)


@pytest.mark.parametrize("statement", [
    pytest.param(allow("*", "s3:PutBucketPolicy", Condition={"StringEquals": {"aws:PrincipalAccount": OURS}}),
                 id="everyone-pinned-to-our-account"),
    pytest.param(allow({"AWS": "*"}, "s3:*", Condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{OURS}:role/*"}}),
                 id="everyone-pinned-to-our-roles"),
    pytest.param(allow({"AWS": f"arn:aws:iam::{THEIRS}:root"}, "s3:GetObject*"), id="data-action-only"),
    pytest.param({**allow({"AWS": THEIRS}, "s3:*"), "Effect": "Deny"}, id="deny"),
])
def test_narrow_or_trusted_grants_pass(statement):
    subject = SUBJECTS["aws:s3/bucketPolicy:BucketPolicy"].replace(policy=document(statement))
    run(POLICY, subject, config=TRUSTED).assert_clean()


def test_no_trusted_accounts_means_every_account_is_outside():
    run(POLICY, SUBJECTS["aws:s3/bucketPolicy:BucketPolicy"]).assert_violation("(none configured)")


@pytest.mark.parametrize("allowed", [[OURS], json.dumps([OURS])])
def test_the_providers_allowed_accounts_are_trusted(allowed):
    subject = resource(aws.s3.BucketPolicy, "data", bucket=UNKNOWN, policy=COMPLIANT,
                       provider_record=provider(allowedAccountIds=allowed))
    run(POLICY, subject).assert_clean()


@pytest.mark.parametrize("allowed", [OURS, "012345678901", f"[{OURS}"], ids=["bare-number", "leading-zero", "broken-json"])
def test_allowed_accounts_that_are_not_a_list_trust_no_one(allowed):
    """The provider requires a list; a malformed value adds no trusted account, whatever it happens to parse as."""
    subject = resource(aws.s3.BucketPolicy, "data", bucket=UNKNOWN, policy=COMPLIANT,
                       provider_record=provider(allowedAccountIds=allowed))
    run(POLICY, subject).assert_violation("(none configured)")


def test_prohibited_actions_are_configurable():
    subject = SUBJECTS["aws:s3/bucketPolicy:BucketPolicy"]
    run(POLICY, subject, config={**TRUSTED, "prohibitedActions": ["s3:GetObject"]}).assert_violation("s3:GetObject")


@pytest.mark.parametrize("statement, words", [
    (allow({"AWS": UNKNOWN}, "s3:PutBucketPolicy"), "statement 1"),
    (allow({"AWS": [UNKNOWN]}, "s3:PutBucketPolicy"), "statement 1"),
    (allow(UNKNOWN, "s3:PutBucketPolicy"), "statement 1"),
    (allow("*", "s3:PutBucketPolicy", Condition={"StringEquals": {"aws:PrincipalAccount": UNKNOWN}}), "statement 1"),
    (allow("*", "s3:PutBucketPolicy", Condition={"StringEquals": UNKNOWN}), "statement 1"),
    (allow("*", "s3:PutBucketPolicy", Condition={"StringEquals": {"aws:PrincipalAccount": [UNKNOWN]}}), "statement 1"),
    (allow({"AWS": UNKNOWN}, "s3:PutBucketPolicy", Condition={"StringEquals": {"aws:PrincipalAccount": OURS}}),
     "statement 1"),
    (allow({"AWS": [UNKNOWN]}, "s3:PutBucketPolicy", Condition={"StringEquals": {"aws:PrincipalAccount": OURS}}),
     "statement 1"),
    (allow({"CanonicalUser": [UNKNOWN]}, "s3:PutBucketAcl"), "statement 1"),
])
def test_principal_unknown_at_preview_is_deferred(statement, words):
    subject = SUBJECTS["aws:s3/bucketPolicy:BucketPolicy"].replace(policy={"Version": "2012-10-17",
                                                                          "Statement": [statement]})
    run(POLICY, subject, config=TRUSTED).assert_deferred(words)


def test_document_from_outputs_is_deferred_and_malformed_blocks():
    run(POLICY, SUBJECTS["aws:s3/bucketPolicy:BucketPolicy"].unknown("policy")).assert_deferred("policy")
    run(POLICY, SUBJECTS["aws:s3/bucketPolicy:BucketPolicy"].replace(policy="{")).assert_violation("not valid JSON")


def test_waiver_waives_and_expired_waiver_does_not():
    bad = SUBJECTS["aws:s3/bucketPolicy:BucketPolicy"].replace(policy=document(allow({"AWS": THEIRS}, "s3:*")))
    run(POLICY, bad, config=TRUSTED, waivers=[waiver(bad)]).assert_waived()
    run(POLICY, bad, config=TRUSTED, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")


def test_a_known_outsider_blocks_beside_an_unknown_principal():
    subject = SUBJECTS["aws:s3/bucketPolicy:BucketPolicy"].replace(policy={"Version": "2012-10-17", "Statement": [
        allow({"AWS": UNKNOWN, "CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}, "s3:PutBucketAcl")]})
    run(POLICY, subject, config=TRUSTED).assert_violation("statement 1")


def test_finding_lists_the_prohibited_actions_and_the_trusted_accounts():
    bad = SUBJECTS["aws:s3/bucketPolicy:BucketPolicy"].replace(policy=document(allow({"AWS": THEIRS}, "s3:*")))
    config = {"trustedAccountIds": [OURS, "222233334444"], "prohibitedActions": ["s3:DeleteBucket", "s3:PutBucketAcl"]}
    message = run(POLICY, bad, config=config).assert_violation().violations[0][0]
    assert message.splitlines()[1] == (
        "BucketPolicy 'data': policy statement 1 allow(s) prohibited bucket actions (s3:DeleteBucket, s3:PutBucketAcl) "
        "to principals outside the trusted accounts (111122223333, 222233334444).")


def test_a_resource_without_a_provider_trusts_the_configured_accounts_only():
    view = ResourceView("aws:s3/bucketPolicy:BucketPolicy", "data", "urn:data", {"policy": COMPLIANT}, provider=None)
    config = {"trustedAccountIds": [OURS], "prohibitedActions": ["s3:DeleteBucket"]}
    assert list(RULE.check(view, config)) == []
    assert [type(outcome) for outcome in RULE.check(view, {**config, "trustedAccountIds": []})] == [Violation]
