import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "iam-no-admin-managed-policy"
ATTACHMENTS = ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/userPolicyAttachment:UserPolicyAttachment",
               "aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment"]
ROLE = "aws:iam/role:Role"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
LAMBDA_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
CUSTOMER = "arn:aws:iam::111122223333:policy/AdministratorAccess"  # customer-managed: the document rules' job


def subject(type_, arn):
    if type_ == ROLE:
        return resource(ROLE, "data", {"assumeRolePolicy": UNKNOWN, "managedPolicyArns": [LAMBDA_BASIC, arn]}, region=None)
    return resource(type_, "data", {"policyArn": arn, "role": UNKNOWN}, region=None)


@pytest.mark.parametrize("type_", ATTACHMENTS + [ROLE])
@pytest.mark.parametrize("arn", [READ_ONLY, LAMBDA_BASIC, CUSTOMER])
def test_other_policies_pass(type_, arn):
    result = analyze(POLICY, subject(type_, arn))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_", ATTACHMENTS + [ROLE])
def test_administrator_access_blocks_on_every_type(type_):
    result = analyze(POLICY, subject(type_, "arn:aws:iam::aws:policy/AdministratorAccess"))
    assert len(result.violations) == 1 and "AdministratorAccess" in result.violations[0][0]


@pytest.mark.parametrize("arn", [
    "arn:aws:iam::aws:policy/PowerUserAccess",
    "arn:aws:iam::aws:policy/IAMFullAccess",
    "arn:aws:iam::aws:policy/AmazonS3FullAccess",
    "arn:aws:iam::aws:policy/AWSLambda_FullAccess",
    "arn:aws:iam::aws:policy/AdministratorAccess-Amplify",
    "arn:aws-us-gov:iam::aws:policy/AmazonBedrockFullAccess",
    "arn:aws:iam::aws:policy/job-function/SomethingFullAccess",
])
def test_full_access_policies_block(arn):
    assert len(analyze(POLICY, subject(ATTACHMENTS[0], arn)).violations) == 1


def test_denied_names_are_configurable():
    config = {"deniedPolicyNames": ["ReadOnlyAccess"]}
    assert len(analyze(POLICY, subject(ATTACHMENTS[0], READ_ONLY), config).violations) == 1
    assert analyze(POLICY, subject(ATTACHMENTS[0], "arn:aws:iam::aws:policy/AdministratorAccess"), config).clean


def test_arn_unknown_at_preview_is_deferred():
    result = analyze(POLICY, subject(ATTACHMENTS[0], UNKNOWN))
    assert result.clean and "policyArn is unknown at preview" in result.deferred[0]["message"]
    result = analyze(POLICY, resource(ROLE, "data", {"managedPolicyArns": [UNKNOWN]}, region=None))
    assert result.clean and result.deferred


def test_cannot_be_waived():
    result = analyze(POLICY, subject(ATTACHMENTS[0], "arn:aws:iam::aws:policy/AdministratorAccess"), {"waivers": [WAIVER]})
    assert not result.waived and "cannot be waived" in result.violations[0][0]


def test_finding_names_the_policy_and_why():
    result = analyze(POLICY, subject(ATTACHMENTS[0], "arn:aws:iam::aws:policy/AdministratorAccess"))
    assert ("RolePolicyAttachment 'data': policyArn attaches the AWS-managed policy "
            "'arn:aws:iam::aws:policy/AdministratorAccess', which grants administrator or full access.") \
        in result.violations[0][0].splitlines()


def test_an_unknown_arn_does_not_hide_a_later_admin_one():
    role = resource(ROLE, "data", {"managedPolicyArns": [UNKNOWN, "arn:aws:iam::aws:policy/AdministratorAccess"]},
                    region=None)
    result = analyze(POLICY, role)
    assert len(result.violations) == 1 and "'arn:aws:iam::aws:policy/AdministratorAccess'" in result.violations[0][0]
    assert [d["message"] for d in result.deferred] == ["Role 'data': managedPolicyArns is unknown at preview"]


def test_an_entry_that_is_not_an_arn_string_is_not_a_managed_policy():
    role = resource(ROLE, "data", {"managedPolicyArns": [{"arn": "arn:aws:iam::aws:policy/AdministratorAccess"}]},
                    region=None)
    assert analyze(POLICY, role).clean
