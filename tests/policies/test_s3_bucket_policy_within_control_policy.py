"""s3-bucket-policy-within-control-policy: policies inside the default and a custom control policy, one violation
per dimension that widens, unknowns, config, waivers."""

import json

import pulumi_aws as aws
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from perimeter_policies.rules.s3_bucket_policy_within_control_policy import pattern_covers
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
POLICY = "s3-bucket-policy-within-control-policy"
ACCOUNT, VENDOR = "111122223333", "444455556666"
ARN = "arn:aws:s3:::perimeter-trail"


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal, action, resource=ARN + "/*", **extra):
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource, **extra}


TRAIL_WRITES = allow({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject",
                     Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})
TRAIL_ACL = allow({"Service": "cloudtrail.amazonaws.com"}, ["s3:GetBucketAcl"], ARN,
                  Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})
READER = allow({"AWS": f"arn:aws:iam::{ACCOUNT}:role/auditor"}, ["s3:GetObject", "s3:ListBucket"], [ARN, ARN + "/*"])
NO_DELETES = {"Effect": "Deny", "Principal": "*", "Action": "s3:Delete*", "Resource": ARN + "/*"}
COMPLIANT = document(TRAIL_WRITES, TRAIL_ACL, READER, NO_DELETES)
SUBJECTS = {
    "aws:s3/bucketPolicy:BucketPolicy": resource(aws.s3.BucketPolicy, "trail", bucket=UNKNOWN, policy=COMPLIANT),
    "aws:s3/bucket:Bucket": resource(aws.s3.Bucket, "trail", bucket="perimeter-trail", policy=COMPLIANT),
    "aws:s3/bucketV2:BucketV2": resource(aws.s3.BucketV2, "trail", bucket="perimeter-trail", policy=COMPLIANT),
}
BUCKET_POLICY = SUBJECTS["aws:s3/bucketPolicy:BucketPolicy"]
# An organisation's own control policy: our account's roles may read, CloudTrail may write under our account only.
CUSTOM = {"controlPolicy": {"Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:*"}, "Action": ["s3:Get*", "s3:List*"],
     "Resource": "arn:aws:s3:::perimeter-*"},
    {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": ["s3:PutObject", "s3:GetBucketAcl"],
     "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
]}}


@pytest.mark.parametrize("type_", sorted(SUBJECTS))
def test_data_access_fits_the_default_control_policy(type_):
    run(POLICY, SUBJECTS[type_]).assert_clean()


@pytest.mark.parametrize("type_", sorted(SUBJECTS))
def test_administration_is_beyond_the_default_on_every_type(type_):
    bad = SUBJECTS[type_].replace(policy=document(READER, allow({"AWS": VENDOR}, "s3:PutBucketPolicy", ARN)))
    run(POLICY, bad).assert_violation("statement 2", "more than the control policy", on=bad)


@pytest.mark.parametrize("statement", [
    pytest.param(allow({"AWS": VENDOR}, "s3:DeleteObject"), id="delete"),
    pytest.param(allow({"AWS": VENDOR}, "s3:Get*"), id="wider-wildcard"),
    pytest.param(allow({"AWS": VENDOR}, "s3:*"), id="service-star"),
    pytest.param(allow("*", None, NotAction="s3:GetObject"), id="not-action"),
])
def test_actions_beyond_the_default_block(statement):
    bad = BUCKET_POLICY.replace(policy=document({k: v for k, v in statement.items() if v is not None}))
    run(POLICY, bad).assert_violation("statement 1")


def test_custom_control_policy_accepts_what_it_allows():
    run(POLICY, BUCKET_POLICY, config=CUSTOM).assert_clean()


@pytest.mark.parametrize("statement, dimension", [
    pytest.param(allow({"AWS": f"arn:aws:iam::{VENDOR}:role/auditor"}, "s3:GetObject"), "principal", id="principal"),
    pytest.param(allow({"AWS": VENDOR}, "s3:GetObject"), "principal", id="bare-account"),
    pytest.param(allow("*", "s3:GetObject"), "principal", id="everyone"),
    pytest.param({"Effect": "Allow", "NotPrincipal": {"AWS": VENDOR}, "Action": "s3:GetObject", "Resource": ARN},
                 "principal", id="not-principal"),
    pytest.param(allow({"Service": "logging.s3.amazonaws.com"}, "s3:PutObject",
                       Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}), "principal", id="other-service"),
    pytest.param(allow({"AWS": f"arn:aws:iam::{ACCOUNT}:role/auditor"}, "s3:PutObject"), "action", id="action"),
    pytest.param(allow({"AWS": f"arn:aws:iam::{ACCOUNT}:role/auditor"}, "s3:GetObject", "arn:aws:s3:::other/*"),
                 "resource", id="resource"),
    pytest.param(allow({"AWS": f"arn:aws:iam::{ACCOUNT}:role/auditor"}, "s3:GetObject", None, NotResource=ARN),
                 "resource", id="not-resource"),
    pytest.param(allow({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject"), "condition", id="condition-missing"),
    pytest.param(allow({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject",
                       Condition={"StringEquals": {"aws:SourceAccount": [ACCOUNT, VENDOR]}}), "condition",
                 id="condition-wider-values"),
    pytest.param(allow({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject",
                       Condition={"StringLike": {"aws:SourceAccount": ACCOUNT}}), "condition",
                 id="condition-other-operator"),
])
def test_each_dimension_beyond_a_custom_control_policy_blocks(statement, dimension):
    bad = BUCKET_POLICY.replace(policy=document({k: v for k, v in statement.items() if v is not None}))
    run(POLICY, bad, config=CUSTOM).assert_violation("statement 1", "more than the control policy")


def test_each_triple_may_fit_a_different_control_statement():
    mixed = allow({"Service": "cloudtrail.amazonaws.com"}, ["s3:PutObject", "s3:GetBucketAcl"], [ARN, ARN + "/*"],
                  Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": "arn:x"}})
    run(POLICY, BUCKET_POLICY.replace(policy=document(mixed)), config=CUSTOM).assert_clean()


@pytest.mark.parametrize("control_condition, granted, fits", [
    ({"StringNotEquals": {"aws:SourceVpc": ["vpc-1"]}}, {"StringNotEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}}, True),
    ({"StringNotEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}}, {"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}, False),
    ({"Bool": {"aws:SecureTransport": "true"}}, {"Bool": {"aws:SecureTransport": "true"}}, True),
    ({"Bool": {"aws:SecureTransport": "true"}}, {"Bool": {"aws:SecureTransport": ["true", "false"]}}, False),
    ({"Bool": {"aws:SecureTransport": "true"}}, {"bool": {"AWS:SecureTransport": "true"}}, True),
    ({"ArnLike": {"aws:SourceArn": ["arn:a", "arn:b"]}}, {"ArnLike": {"aws:SourceArn": "arn:a"}}, True),
    ({"ArnLike": {"aws:SourceArn": "arn:a"}}, {"ArnLike": {"aws:SourceArn": []}}, False),
    ({"ArnLike": {"aws:SourceArn": "arn:a"}}, {"ArnLike": {"aws:PrincipalArn": "arn:a"}}, False),
    ({"StringNotEquals": {"aws:SourceVpc": ["vpc-1"]}}, {"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}, True),
    ({"StringEquals": {"aws:SourceAccount": [ACCOUNT, VENDOR]}}, {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
     True),
    ({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}, {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
     True),
    ({"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}},
     {"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}, True),
])
def test_condition_comparison(control_condition, granted, fits):
    config = {"controlPolicy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                               "Resource": "*", "Condition": control_condition}]}}
    subject = BUCKET_POLICY.replace(policy=document(allow("*", "s3:GetObject", Condition=granted)))
    result = run(POLICY, subject, config=config)
    result.assert_clean() if fits else result.assert_violation("statement 1")


@pytest.mark.parametrize("statement, words", [
    (allow(UNKNOWN, "s3:GetObject"), "statement 1"),
    (allow({"AWS": UNKNOWN}, "s3:GetObject"), "statement 1"),
    (allow({"AWS": [UNKNOWN]}, "s3:GetObject"), "statement 1"),
    (allow({"AWS": VENDOR}, UNKNOWN), "statement 1"),
    (allow({"AWS": VENDOR}, "s3:GetObject", UNKNOWN), "statement 1"),
    (allow({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject", Condition=UNKNOWN), "statement 1"),
    (allow({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject", Condition={"StringEquals": UNKNOWN}), "statement 1"),
    (allow({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject",
           Condition={"StringEquals": {"aws:SourceAccount": UNKNOWN}}), "statement 1"),
])
def test_unknown_pieces_are_deferred(statement, words):
    subject = BUCKET_POLICY.replace(policy={"Version": "2012-10-17", "Statement": [statement]})
    run(POLICY, subject, config=CUSTOM).assert_deferred(words)


def test_unknown_resource_fits_a_control_on_every_resource():
    subject = BUCKET_POLICY.replace(policy={"Version": "2012-10-17", "Statement": [
        allow({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject", [UNKNOWN],
              Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})]})
    run(POLICY, subject, config=CUSTOM).assert_clean()
    run(POLICY, subject.replace(policy={"Version": "2012-10-17", "Statement": [allow("*", "s3:GetObject", [UNKNOWN])]}),
        config=CUSTOM).assert_violation("statement 1")


def test_malformed_and_incomplete_statements_block():
    run(POLICY, BUCKET_POLICY.replace(policy="{")).assert_violation("not valid JSON")
    run(POLICY, BUCKET_POLICY.replace(policy=document({"Effect": "Allow", "Principal": "*", "Resource": ARN}))
        ).assert_violation("without a principal, an action or a resource")
    run(POLICY, BUCKET_POLICY.replace(policy=document(allow({"AWS": 5}, "s3:GetObject"))),
        config=CUSTOM).assert_violation("statement 1")
    run(POLICY, BUCKET_POLICY.unknown("policy")).assert_deferred("policy")


def test_deny_only_policy_fits_anything():
    run(POLICY, BUCKET_POLICY.replace(policy=document(NO_DELETES)), config=CUSTOM).assert_clean()


@pytest.mark.parametrize("control, granted, covered", [
    ("s3:Get*", "s3:GetObject", True), ("s3:Get*", "s3:Get*", True), ("s3:Get*", "s3:GetObject*", True),
    ("s3:Get*", "s3:G*", False), ("s3:Get?", "s3:Get*", False), ("s3:Get?", "s3:Get?", True),
    ("s3:Get?", "s3:GetX", True), ("s3:GetX", "s3:Get?", False), ("*", "anything*", True), ("a", "ab", False),
    ("ab", "a", False), ("a*b", "a*", False), ("a*", "", False), ("*", "", True),
])
def test_pattern_inclusion(control, granted, covered):
    assert pattern_covers(control, granted, False) is covered


def test_pattern_inclusion_case():
    assert pattern_covers("s3:getobject", "S3:GetObject", True)
    assert not pattern_covers("s3:getobject", "S3:GetObject", False)


@given(st.text(alphabet="ab*?", max_size=5), st.text(alphabet="ab", max_size=5))
@settings(max_examples=300, deadline=None)
def test_pattern_inclusion_is_sound(control, name):
    # A concrete name is covered exactly when the control pattern matches it (fnmatch semantics, * and ? only).
    import re
    regex = re.escape(control).replace(r"\*", ".*").replace(r"\?", ".")
    assert pattern_covers(control, name, False) is (re.fullmatch(regex, name, re.DOTALL) is not None)


def test_waiver_waives_and_expired_waiver_does_not():
    bad = BUCKET_POLICY.replace(policy=document(allow({"AWS": VENDOR}, "s3:DeleteObject")))
    run(POLICY, bad, waivers=[waiver(bad)]).assert_waived()
    run(POLICY, bad, waivers=[waiver(bad, days=-1)]).assert_violation("expired on")


def test_finding_names_the_statement_and_the_control_policy():
    bad = BUCKET_POLICY.replace(policy=document(READER, allow({"AWS": VENDOR}, "s3:PutBucketPolicy", ARN)))
    assert run(POLICY, bad).finding() == (
        "BucketPolicy 'trail': policy statement 2 allow(s) more than the control policy in policy config permits "
        "(principal, action, resource or condition).")


def test_statement_without_an_action_is_malformed():
    bad = BUCKET_POLICY.replace(policy=document({"Effect": "Allow", "Principal": "*", "Resource": ARN}))
    assert run(POLICY, bad).finding() == (
        "BucketPolicy 'trail': policy has an Allow statement without a principal, an action or a resource.")


@pytest.mark.parametrize("statement, fits", [
    pytest.param(allow({"AWS": ACCOUNT}, "s3:GetObject"), True, id="bare-account-is-its-root"),
    pytest.param(allow({"AWS": f" arn:aws:iam::{ACCOUNT}:role/auditor "}, "s3:GetObject"), True, id="padded-principal"),
    pytest.param(allow({"AWS": f"arn:aws:iam::{ACCOUNT}:role/auditor"}, "S3:GETOBJECT"), True, id="action-case"),
    pytest.param(allow({"AWS": f"arn:aws:iam::{ACCOUNT}:role/auditor"}, "s3:GetObject", "arn:aws:s3:::PERIMETER-trail"),
                 False, id="resource-case"),
    pytest.param(allow({"Service": "CloudTrail.amazonaws.com"}, "s3:PutObject",
                       Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}), False, id="principal-case"),
    pytest.param(allow({"AWS": VENDOR, "Service": "cloudtrail.amazonaws.com"}, "s3:PutObject",
                       Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}), False, id="every-principal-kind"),
])
def test_names_compared_against_a_custom_control_policy(statement, fits):
    result = run(POLICY, BUCKET_POLICY.replace(policy=document(statement)), config=CUSTOM)
    result.assert_clean() if fits else result.assert_violation("statement 1")


def test_everything_but_some_actions_fits_a_control_on_every_s3_action():
    config = {"controlPolicy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                               "Resource": "*"}]}}
    subject = BUCKET_POLICY.replace(policy=document(allow("*", None, NotAction="s3:DeleteBucket")))
    run(POLICY, subject, config=config).assert_clean()


def test_unknown_resource_is_deferred_against_a_control_on_named_resources():
    subject = BUCKET_POLICY.replace(policy={"Version": "2012-10-17", "Statement": [
        allow({"AWS": f"arn:aws:iam::{ACCOUNT}:role/auditor"}, "s3:GetObject", [UNKNOWN])]})
    run(POLICY, subject, config=CUSTOM).assert_deferred("statement 1")


# The unknown Bool block sorts before the known StringEquals one (a Struct's keys arrive sorted): the comparison must
# go on past an unknown operator.
@pytest.mark.parametrize("granted, deferred", [
    ({"Bool": UNKNOWN, "StringEquals": {"aws:SourceAccount": VENDOR}}, False),
    ({"Bool": UNKNOWN, "StringEquals": {"aws:SourceAccount": ACCOUNT}}, True),
    ({"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:SourceAccount": [UNKNOWN]}}, True),
])
def test_a_known_wider_condition_blocks_beside_an_unknown_one(granted, deferred):
    config = {"controlPolicy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                               "Resource": "*", "Condition": {
                                                   "StringEquals": {"aws:SourceAccount": ACCOUNT},
                                                   "Bool": {"aws:SecureTransport": "true"}}}]}}
    subject = BUCKET_POLICY.replace(policy={"Version": "2012-10-17", "Statement": [
        allow("*", "s3:GetObject", Condition=granted)]})
    result = run(POLICY, subject, config=config)
    result.assert_deferred("statement 1") if deferred else result.assert_violation("statement 1")
