import json

import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._iam_documents import (
    ACCOUNT_ROOT,
    BUCKET_ARN,
    PUBLIC_READ,
    SERVICE_PRINCIPAL,
    STAR_FOR_OWN_ACCOUNT,
    TLS_ONLY,
    policy,
)
from tests.policy_harness import analyze, resource

POLICY = "resource-policy-not-public"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
# The types this control covers and the input holding each one's policy, listed here (not read from the
# rule's table): a type dropped from the rule fails its cases below instead of silently losing them.
POLICY_INPUTS = {
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:s3/bucket:Bucket": "policy",
    "aws:s3/bucketV2:BucketV2": "policy",
    "aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy": "policy",
    "aws:kms/key:Key": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:sqs/queue:Queue": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:sns/topic:Topic": "policy",
    "aws:opensearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:opensearch/domain:Domain": "accessPolicies",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:lambda/resourcePolicy:ResourcePolicy": "policy",
}
COMPLIANT_DOCUMENT = policy(TLS_ONLY, SERVICE_PRINCIPAL, STAR_FOR_OWN_ACCOUNT, ACCOUNT_ROOT)


def subject(type_=BUCKET_POLICY, document=COMPLIANT_DOCUMENT, **unrelated):
    # Every other input of these resources is an id or ARN, unknown at a first preview.
    inputs = {"bucket": UNKNOWN, "region": "eu-west-1", **unrelated}
    if document is not None:
        inputs[POLICY_INPUTS[type_]] = document
    return resource(type_, "data", inputs)


def with_statement(**changes):
    return policy(TLS_ONLY, {**PUBLIC_READ, **changes})


@pytest.mark.parametrize("type_", sorted(POLICY_INPUTS))
def test_compliant_policy_passes_on_every_type(type_):
    result = analyze(POLICY, subject(type_))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_", sorted(POLICY_INPUTS))
def test_public_statement_blocks_on_every_type(type_):
    result = analyze(POLICY, subject(type_, policy(TLS_ONLY, PUBLIC_READ)))
    assert len(result.violations) == 1
    message = result.violations[0][0]
    assert 'statement 2 (Sid "PublicRead")' in message and POLICY_INPUTS[type_] in message


@pytest.mark.parametrize("mutation", [
    pytest.param({}, id="principal-star"),
    pytest.param({"Principal": {"AWS": "*"}}, id="aws-star"),
    pytest.param({"Principal": {"AWS": [f"arn:aws:iam::{'1' * 12}:root", "*"]}}, id="list-holding-star"),
    pytest.param({"Principal": None, "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/x"}}, id="not-principal"),
    pytest.param({"Condition": {"Bool": {"aws:SecureTransport": "true"}}}, id="non-restricting-condition"),
    pytest.param({"Condition": {"StringEquals": {"aws:SourceAccount": "*"}}}, id="wildcard-source-account"),
    pytest.param({"Condition": {"StringNotEquals": {"aws:SourceAccount": "444455556666"}}}, id="negated-operator"),
    pytest.param({"Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}}, id="if-exists"),
    pytest.param({"Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}}, id="any-source-ip"),
    pytest.param({"Condition": {"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}}}, id="two-halves-of-ipv4"),
    pytest.param({"Condition": {"IpAddress": {"aws:SourceIp": [f"{n}.0.0.0/8" for n in range(1, 224)]}}},
                 id="every-public-slash-8"),
    pytest.param({"Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "8.0.0.0/8"]}}}, id="private-plus-a-public-8"),
    pytest.param({"Condition": {"IpAddress": {"aws:SourceIp": "2000::/3"}}}, id="ipv6-global-unicast"),
    pytest.param({"Condition": {"StringLike": {"aws:SourceAccount": "1111*"}}}, id="account-pattern"),
    pytest.param({"Condition": {"StringLike": {"aws:PrincipalOrgID": "o-*"}}}, id="org-pattern"),
    pytest.param({"Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}}}, id="arn-any-account"),
    pytest.param({"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/*"}}},
                 id="arn-with-star"),
    pytest.param({"Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}, id="via-service-only"),
    pytest.param({"Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-0123456789abcdef0", "*"]}}},
                 id="one-wildcard-among-endpoints"),
])
def test_each_public_form_blocks(mutation):
    statement = {k: v for k, v in {**PUBLIC_READ, **mutation}.items() if v is not None}
    assert len(analyze(POLICY, subject(document=policy(statement))).violations) == 1


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"aws:SourceAccount": "111122223333"}},
    {"ArnEquals": {"AWS:SOURCEARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit"}},
    {"StringEquals": {"aws:SourceVpc": "vpc-0123456789abcdef0"}},
    {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8"]}},
    {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}},
    {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]}},
    {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}},
    {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}},
    {"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "s3.eu-west-1.amazonaws.com"}},
])
def test_star_restricted_by_a_concrete_caller_condition_passes(condition):
    assert analyze(POLICY, subject(document=with_statement(Condition=condition))).clean


def test_public_statement_still_blocks_beside_unknown_unrelated_inputs():
    result = analyze(POLICY, subject("aws:sqs/queuePolicy:QueuePolicy", policy(PUBLIC_READ), queueUrl=UNKNOWN))
    assert len(result.violations) == 1 and not result.cant_run


def test_policy_built_from_outputs_is_deferred():
    result = analyze(POLICY, subject(document=UNKNOWN))
    assert result.clean and "policy is unknown at preview" in result.deferred[0]["message"]


def test_object_policy_with_unknown_resource_still_blocks():
    document = {"Version": "2012-10-17", "Statement": [{**PUBLIC_READ, "Resource": UNKNOWN}]}
    result = analyze(POLICY, subject(document=document))
    assert len(result.violations) == 1 and not result.cant_run


def test_object_policy_with_unknown_principal_is_deferred():
    document = {"Version": "2012-10-17", "Statement": [{**PUBLIC_READ, "Principal": {"AWS": UNKNOWN}}]}
    result = analyze(POLICY, subject(document=document))
    assert result.clean and "statement 1" in result.deferred[0]["message"]


@pytest.mark.parametrize("document, problem", [
    ('{"Statement": [', "is not valid JSON"),
    (json.dumps(["not", "a", "policy"]), "not an IAM policy document"),
    (json.dumps({"Version": "2012-10-17"}), "has no Statement"),
    (json.dumps({"Statement": [{"Effect": "Permit", "Principal": "*", "Action": "s3:*", "Resource": BUCKET_ARN}]}),
     "Effect 'Permit'"),
])
def test_malformed_policy_blocks_with_a_clear_message(document, problem):
    result = analyze(POLICY, subject(document=document))
    assert len(result.violations) == 1 and problem in result.violations[0][0]


def test_absent_policy_is_out_of_scope():
    assert analyze(POLICY, subject("aws:sqs/queue:Queue", None)).clean


def test_cannot_be_waived():
    waiver = {"resource": "*::data", "reason": "public website assets, reviewed by security",
              "approver": "ciso@example.com", "expires": "2099-01-01"}
    result = analyze(POLICY, subject(document=policy(PUBLIC_READ)), {"waivers": [waiver]})
    assert not result.waived and "cannot be waived" in result.violations[0][0]


def test_caller_condition_from_an_output_counts_as_specific():
    document = {"Version": "2012-10-17", "Statement": [
        {**PUBLIC_READ, "Condition": {"StringEquals": {"aws:PrincipalAccount": UNKNOWN}}}]}
    assert analyze(POLICY, subject(document=document)).clean


def test_finding_names_the_input_the_statement_and_why_it_is_public():
    result = analyze(POLICY, subject(BUCKET_POLICY, policy(TLS_ONLY, PUBLIC_READ)))
    assert "BucketPolicy 'data': policy statement 2 (Sid \"PublicRead\") allow(s) Principal '*' with no condition " \
           "restricting the caller." in result.violations[0][0].splitlines()
