import json

import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._iam_documents import ACCOUNT, policy
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "iam-policy-least-privilege"
DOCUMENT_TYPES = ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy",
                  "aws:iam/groupPolicy:GroupPolicy"]
ROLE = "aws:iam/role:Role"
NARROW = {"Sid": "ReadDocs", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
          "Resource": ["arn:aws:s3:::docs", "arn:aws:s3:::docs/*"]}
INVOKE = {"Sid": "Invoke", "Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}
LOGS_ANYWHERE = {"Sid": "Logs", "Effect": "Allow", "Action": "logs:*", "Resource": "*"}  # not a sensitive service
DENY_ALL = {"Sid": "NoDelete", "Effect": "Deny", "Action": "*", "Resource": "*"}
COMPLIANT = policy(NARROW, INVOKE, LOGS_ANYWHERE, DENY_ALL)


def subject(type_, document=COMPLIANT, name="data"):
    if type_ == ROLE:
        return resource(ROLE, name, {"assumeRolePolicy": UNKNOWN, "inlinePolicies": [
            {"name": "read", "policy": policy(NARROW)}, {"name": "app", "policy": document}]}, region=None)
    return resource(type_, name, {"policy": document, "role": UNKNOWN}, region=None)


@pytest.mark.parametrize("type_", DOCUMENT_TYPES + [ROLE])
def test_compliant_document_passes(type_):
    result = analyze(POLICY, subject(type_))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_", DOCUMENT_TYPES + [ROLE])
def test_admin_statement_blocks_on_every_type(type_):
    result = analyze(POLICY, subject(type_, policy(NARROW, {"Sid": "Admin", "Effect": "Allow", "Action": "*",
                                                              "Resource": "*"})))
    assert len(result.violations) == 1
    assert 'statement 2 (Sid "Admin")' in result.violations[0][0]


def test_role_message_names_the_inline_policy():
    message = analyze(POLICY, subject(ROLE, policy({"Effect": "Allow", "Action": "*", "Resource": "*"}))).violations[0][0]
    assert "inlinePolicies[1].policy" in message


@pytest.mark.parametrize("statement", [
    pytest.param({"Action": "*", "Resource": "*"}, id="star"),
    pytest.param({"Action": ["s3:GetObject", "*:*"], "Resource": "*"}, id="star-colon-star"),
    pytest.param({"Action": "iam:*", "Resource": "*"}, id="iam"),
    pytest.param({"Action": "KMS:*", "Resource": ["*"]}, id="kms-upper"),
    pytest.param({"Action": "bedrock:*", "Resource": "*"}, id="bedrock"),
    pytest.param({"Action": "s3:*", "Resource": "*"}, id="s3"),
    pytest.param({"Action": "secretsmanager:*", "Resource": "*"}, id="secretsmanager"),
    pytest.param({"Action": "sts:*", "Resource": "*"}, id="sts"),
    pytest.param({"NotAction": "iam:*", "Resource": "*"}, id="not-action"),
    pytest.param({"Action": "kms:*", "NotResource": "arn:aws:kms:eu-west-1:111122223333:key/abc"}, id="not-resource"),
    pytest.param({"Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
                 id="non-restricting-condition"),
])
def test_each_broad_grant_blocks(statement):
    result = analyze(POLICY, subject("aws:iam/policy:Policy", policy({"Effect": "Allow", **statement})))
    assert len(result.violations) == 1


@pytest.mark.parametrize("statement", [
    pytest.param({"Action": "s3:*", "Resource": "arn:aws:s3:::docs/*"}, id="service-star-on-one-bucket"),
    pytest.param({"Action": "s3:Get*", "Resource": "*"}, id="narrow-wildcard"),
    pytest.param({"Action": "ec2:*", "Resource": "*"}, id="insensitive-service"),
    pytest.param({"Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}},
                 id="restricting-condition"),
])
def test_narrower_grants_pass(statement):
    assert analyze(POLICY, subject("aws:iam/policy:Policy", policy({"Effect": "Allow", **statement}))).clean


def test_sensitive_services_are_configurable():
    document = policy({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})
    result = analyze(POLICY, subject("aws:iam/policy:Policy", document), {"sensitiveServices": ["ec2"]})
    assert len(result.violations) == 1


def test_document_built_from_outputs_is_deferred():
    result = analyze(POLICY, subject("aws:iam/rolePolicy:RolePolicy", UNKNOWN))
    assert result.clean and "policy is unknown at preview" in result.deferred[0]["message"]


def test_inline_policies_unknown_are_deferred():
    record = resource(ROLE, "data", {"assumeRolePolicy": UNKNOWN, "inlinePolicies": UNKNOWN}, region=None)
    result = analyze(POLICY, record)
    assert result.clean and "inlinePolicies is unknown" in result.deferred[0]["message"]


def test_unknown_resource_beside_star_action_is_deferred_not_passed():
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": UNKNOWN}]}
    result = analyze(POLICY, subject("aws:iam/policy:Policy", document))
    assert result.clean and result.deferred


def test_role_without_inline_policies_passes():
    assert analyze(POLICY, resource(ROLE, "data", {"assumeRolePolicy": UNKNOWN}, region=None)).clean


def test_malformed_document_blocks():
    result = analyze(POLICY, subject("aws:iam/policy:Policy", json.dumps({"Version": "2012-10-17"})))
    assert "has no Statement" in result.violations[0][0]


def test_cannot_be_waived():
    result = analyze(POLICY, subject("aws:iam/policy:Policy", policy({"Effect": "Allow", "Action": "*", "Resource": "*"})),
                     {"waivers": [WAIVER]})
    assert not result.waived and "cannot be waived" in result.violations[0][0]


def test_every_service_is_sensitive_with_a_star_entry():
    document = policy({"Effect": "Allow", "Action": ["logs:*"], "Resource": "*"})
    assert analyze(POLICY, subject("aws:iam/policy:Policy", document)).clean
    result = analyze(POLICY, subject("aws:iam/policy:Policy", document), {"sensitiveServices": ["*"]})
    assert len(result.violations) == 1 and "Resource '*'" in result.violations[0][0]
    # A listed narrower wildcard is still narrow, even with every service sensitive.
    narrow = policy({"Effect": "Allow", "Action": "logs:Put*", "Resource": "*"})
    assert analyze(POLICY, subject("aws:iam/policy:Policy", narrow), {"sensitiveServices": ["*"]}).clean


@pytest.mark.parametrize("statement", [
    pytest.param({"Action": "s3:*", "Resource": "arn:aws:s3:::docs/*"}, id="service-star-on-one-bucket"),
    pytest.param({"Action": "kms:*", "Resource": "arn:aws:kms:eu-west-1:111122223333:key/abc",
                  "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}, id="conditioned"),
    pytest.param({"Action": "*", "Resource": "arn:aws:s3:::docs"}, id="star-on-one-bucket"),
    pytest.param({"NotAction": "s3:GetObject", "Resource": "arn:aws:s3:::docs"}, id="not-action"),
])
def test_full_access_on_scoped_resources_when_configured(statement):
    document = policy(NARROW, {"Effect": "Allow", **statement})
    assert analyze(POLICY, subject("aws:iam/policy:Policy", document)).clean
    result = analyze(POLICY, subject("aws:iam/policy:Policy", document), {"fullAccessOnScopedResources": True})
    assert len(result.violations) == 1
    assert "statement 2 allow(s)" in result.violations[0][0] and "on any resource" in result.violations[0][0]


def test_full_access_mode_keeps_narrow_actions_and_denies_clean():
    config = {"fullAccessOnScopedResources": True}
    assert analyze(POLICY, subject("aws:iam/policy:Policy"), config).clean
    ec2 = policy({"Effect": "Allow", "Action": "ec2:*", "Resource": "arn:aws:ec2:eu-west-1:111122223333:instance/i-1"})
    assert analyze(POLICY, subject("aws:iam/policy:Policy", ec2), config).clean
    result = analyze(POLICY, subject("aws:iam/policy:Policy", ec2), {**config, "sensitiveServices": ["*"]})
    assert len(result.violations) == 1


def test_full_access_mode_defers_an_unknown_action():
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": UNKNOWN, "Resource": "arn:x"}]}
    result = analyze(POLICY, subject("aws:iam/policy:Policy", document), {"fullAccessOnScopedResources": True})
    assert result.clean and result.deferred


@pytest.mark.parametrize("config, finding", [
    ({}, "'*' or a sensitive service's '<service>:*' actions on Resource '*' with no restricting condition."),
    ({"fullAccessOnScopedResources": True},
     "'*' or a sensitive service's '<service>:*' actions (full access to a service, on any resource)."),
])
def test_finding_text_names_the_statement_and_what_it_grants(config, finding):
    document = policy(NARROW, {"Effect": "Allow", "Action": "kms:*", "Resource": "*"})
    message = analyze(POLICY, subject("aws:iam/policy:Policy", document), config).violations[0][0]
    assert message.splitlines()[1] == "Policy 'data': policy statement 2 allow(s) " + finding


def test_a_wildcard_after_a_second_colon_is_not_a_whole_service():
    # 'ec2:Describe:*' matches only actions named 'Describe:...' (none exist), not every ec2 action.
    document = policy({"Effect": "Allow", "Action": "ec2:Describe:*", "Resource": "*"})
    assert analyze(POLICY, subject("aws:iam/policy:Policy", document), {"sensitiveServices": ["*"]}).clean
