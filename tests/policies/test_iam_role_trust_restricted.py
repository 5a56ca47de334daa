import json

import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._iam_documents import ACCOUNT, policy
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "iam-role-trust-restricted"
ROLE = "aws:iam/role:Role"
GITHUB = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
LAMBDA = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
ACCOUNT_ROLE = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/deployer"},
                "Action": "sts:AssumeRole"}
GITHUB_MAIN = {"Sid": "GitHubMain", "Effect": "Allow", "Principal": {"Federated": GITHUB},
               "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {
                   "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                   "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/perimeter:ref:refs/heads/main"}}}
COMPLIANT = policy(LAMBDA, ACCOUNT_ROLE, GITHUB_MAIN)


def role(document=COMPLIANT):
    inputs = {"name": "data"}
    if document is not None:
        inputs["assumeRolePolicy"] = document
    return resource(ROLE, "data", inputs, region=None)


def test_compliant_trust_passes():
    result = analyze(POLICY, role())
    assert result.clean and not result.deferred


@pytest.mark.parametrize("statement", [
    pytest.param({"Principal": "*", "Action": "sts:AssumeRole"}, id="anyone"),
    pytest.param({"Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}, id="any-account"),
    pytest.param({"NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}, id="not-principal"),
    pytest.param({"Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                  "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "444455556666"}}}, id="negated-condition"),
    pytest.param({**GITHUB_MAIN, "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud":
                                                                "sts.amazonaws.com"}}}, id="web-identity-audience-only"),
    pytest.param({**GITHUB_MAIN, "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "*"}}},
                 id="web-identity-any-subject"),
    pytest.param({k: v for k, v in GITHUB_MAIN.items() if k != "Condition"}, id="web-identity-no-condition"),
])
def test_each_open_trust_blocks(statement):
    result = analyze(POLICY, role(policy(LAMBDA, {"Effect": "Allow", **statement})))
    assert len(result.violations) == 1 and "statement 2" in result.violations[0][0]


@pytest.mark.parametrize("statement", [
    {"Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
    {"Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:1234abcd-0000-1111-2222-333344445555"}}},
    {"Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:saml-provider/okta"}, "Action": "sts:AssumeRoleWithSAML",
     "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}},
])
def test_pinned_trust_passes(statement):
    assert analyze(POLICY, role(policy({"Effect": "Allow", **statement}))).clean


def test_trust_built_from_outputs_is_deferred():
    result = analyze(POLICY, role(UNKNOWN))
    assert result.clean and "assumeRolePolicy is unknown at preview" in result.deferred[0]["message"]


def test_unknown_principal_is_deferred():
    document = {"Version": "2012-10-17", "Statement": [{**ACCOUNT_ROLE, "Principal": {"AWS": UNKNOWN}}]}
    result = analyze(POLICY, role(document))
    assert result.clean and result.deferred


def test_missing_or_malformed_trust_blocks():
    assert "has no assumeRolePolicy" in analyze(POLICY, role(None)).violations[0][0]
    assert "is not valid JSON" in analyze(POLICY, role("{")).violations[0][0]
    assert "has no Statement" in analyze(POLICY, role(json.dumps({}))).violations[0][0]


def test_cannot_be_waived():
    result = analyze(POLICY, role(policy({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})),
                     {"waivers": [WAIVER]})
    assert not result.waived and "cannot be waived" in result.violations[0][0]


def test_findings_say_who_could_assume_the_role():
    open_ = analyze(POLICY, role(policy(LAMBDA, {k: v for k, v in GITHUB_MAIN.items() if k != "Condition"})))
    assert open_.violations[0][0].splitlines()[1] == ('Role \'data\': assumeRolePolicy statement 2 (Sid "GitHubMain") '
                                                      'allow(s) anyone, any account or any identity-token holder to '
                                                      'assume the role.')
    assert analyze(POLICY, role(None)).violations[0][0].splitlines()[1] == "Role 'data' has no assumeRolePolicy."


@pytest.mark.parametrize("statement", [
    pytest.param({"Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
                  "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:sub": "eu-west-1:0000-1111"}}},
                 id="cognito-identity-pinned"),
    pytest.param({**GITHUB_MAIN, "Effect": "Deny", "Condition": {}}, id="deny-web-identity"),
    pytest.param({"Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:saml-provider/okta"},
                  "Action": "sts:AssumeRoleWithSAML"}, id="saml-is-not-web-identity"),
    pytest.param({"Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity"},
                 id="service-principal"),
])
def test_trusts_that_are_not_open_web_identity_pass(statement):
    assert analyze(POLICY, role(policy({"Effect": "Allow", **statement}))).clean


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"token.actions.githubusercontent.com:subject": "repo:acme/perimeter:ref:refs/heads/main"}},
    {"StringEquals": {"cognito-identity.amazonaws.com:amr": "authenticated"}},
], ids=["not-the-sub-key", "cognito-without-pool"])
def test_web_identity_pinned_on_another_key_blocks(condition):
    statement = {**GITHUB_MAIN, "Condition": condition}
    assert len(analyze(POLICY, role(policy(statement))).violations) == 1
