import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._iam_documents import policy
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "iam-passrole-scoped"
TYPES = ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy",
         "aws:iam/groupPolicy:GroupPolicy", "aws:iam/role:Role"]
LAMBDA_ROLE = "arn:aws:iam::111122223333:role/perimeter-assistant"
SCOPED = {"Sid": "PassAssistantRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": LAMBDA_ROLE,
          "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}
OTHER = {"Sid": "ReadRoles", "Effect": "Allow", "Action": ["iam:GetRole", "iam:ListRoles"], "Resource": "*"}


def subject(type_, *statements):
    document = policy(*(statements or (SCOPED, OTHER)))
    if type_ == "aws:iam/role:Role":
        return resource(type_, "data", {"assumeRolePolicy": UNKNOWN,
                                        "inlinePolicies": [{"name": "deploy", "policy": document}]}, region=None)
    return resource(type_, "data", {"policy": document}, region=None)


@pytest.mark.parametrize("type_", TYPES)
def test_scoped_passrole_passes(type_):
    result = analyze(POLICY, subject(type_))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_", TYPES)
def test_passrole_on_star_blocks_on_every_type(type_):
    result = analyze(POLICY, subject(type_, OTHER, {**SCOPED, "Resource": "*"}))
    assert len(result.violations) == 1 and 'Sid "PassAssistantRole"' in result.violations[0][0]


@pytest.mark.parametrize("changes", [
    pytest.param({"Resource": "*"}, id="star-even-with-passed-to-service"),
    pytest.param({"Action": "iam:*", "Resource": "*"}, id="iam-star"),
    pytest.param({"Action": "iam:Pass*", "Resource": "*"}, id="pass-star"),
    pytest.param({"Action": ["s3:GetObject", "*"], "Resource": "*"}, id="star-action"),
    pytest.param({"Action": "IAM:passrole", "Resource": "*"}, id="case-insensitive"),
    pytest.param({"Resource": "arn:aws:iam::111122223333:role/*"}, id="every-role-in-account"),
    pytest.param({"Resource": "arn:aws:iam::*:role/*"}, id="every-role-anywhere"),
    pytest.param({"Action": None, "NotAction": "s3:*", "Resource": "*"}, id="not-action-not-excluding-it"),
    pytest.param({"Resource": None, "NotResource": LAMBDA_ROLE}, id="not-resource"),
])
def test_each_form_of_every_role_blocks(changes):
    statement = {k: v for k, v in {**SCOPED, **changes}.items() if v is not None}
    assert len(analyze(POLICY, subject("aws:iam/policy:Policy", statement)).violations) == 1


@pytest.mark.parametrize("changes", [
    pytest.param({"Action": None, "NotAction": "iam:*", "Resource": "*"}, id="not-action-excluding-iam"),
    pytest.param({"Effect": "Deny", "Resource": "*"}, id="deny"),
    pytest.param({"Resource": "arn:aws:iam::111122223333:role/app-*"}, id="prefix-of-roles"),
])
def test_narrower_forms_pass(changes):
    statement = {k: v for k, v in {**SCOPED, **changes}.items() if v is not None}
    assert analyze(POLICY, subject("aws:iam/policy:Policy", statement)).clean


def test_unknown_resource_is_deferred():
    record = resource("aws:iam/policy:Policy", "data",
                      {"policy": {"Version": "2012-10-17", "Statement": [{**SCOPED, "Resource": UNKNOWN}]}}, region=None)
    result = analyze(POLICY, record)
    assert result.clean and "statement 1" in result.deferred[0]["message"]


def test_waiver_applies():
    result = analyze(POLICY, subject("aws:iam/policy:Policy", {**SCOPED, "Resource": "*"}), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1


@pytest.mark.parametrize("resource_", [
    "arn:aws:iam::111122223333:*", "arn:aws-cn:iam::111122223333:role/*", "ARN:AWS:IAM::111122223333:ROLE/*",
    " * ", "arn:*:iam::111122223333:role/*",
], ids=["every-iam-resource-in-account", "other-partition", "upper-case", "padded-star", "any-partition"])
def test_other_spellings_of_every_role_block(resource_):
    result = analyze(POLICY, subject("aws:iam/policy:Policy", {**SCOPED, "Resource": [LAMBDA_ROLE, resource_]}))
    assert len(result.violations) == 1 and result.violations[0][0].splitlines()[1] == (
        'Policy \'data\': policy statement 1 (Sid "PassAssistantRole") allow(s) iam:PassRole on every role.')


@pytest.mark.parametrize("resource_", ["arn:aws:iam::111122223333:role/*-admin", "arn:aws:iam::111122223333:user/*",
                                       "arn:aws:s3:::*"], ids=["suffix-pattern", "users", "other-service"])
def test_resources_that_are_not_every_role_pass(resource_):
    assert analyze(POLICY, subject("aws:iam/policy:Policy", {**SCOPED, "Resource": resource_})).clean
