"""iam-user-no-policies and iam-user-no-credentials: identities are roles, not IAM users."""

import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._iam_documents import policy
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

NO_POLICIES, NO_CREDENTIALS = "iam-user-no-policies", "iam-user-no-credentials"
ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
READ = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"})


def test_policy_attachment_to_roles_and_groups_passes():
    record = resource(ATTACHMENT, "data", {"policyArn": UNKNOWN, "roles": [UNKNOWN], "groups": ["ops"]}, region=None)
    result = analyze(NO_POLICIES, record)
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_, inputs", [
    ("aws:iam/userPolicy:UserPolicy", {"user": "alice", "policy": READ}),
    ("aws:iam/userPolicyAttachment:UserPolicyAttachment", {"user": UNKNOWN, "policyArn": UNKNOWN}),
    (ATTACHMENT, {"policyArn": UNKNOWN, "users": ["alice"], "roles": [UNKNOWN]}),
])
def test_user_permissions_block(type_, inputs):
    result = analyze(NO_POLICIES, resource(type_, "data", inputs, region=None))
    assert len(result.violations) == 1 and "IAM user" in result.violations[0][0]


def test_policy_attachment_users_unknown_is_deferred():
    result = analyze(NO_POLICIES, resource(ATTACHMENT, "data", {"policyArn": UNKNOWN, "users": UNKNOWN}, region=None))
    assert result.clean and "users is unknown" in result.deferred[0]["message"]


@pytest.mark.parametrize("type_, what", [
    ("aws:iam/accessKey:AccessKey", "access key"),
    ("aws:iam/userLoginProfile:UserLoginProfile", "console password"),
])
def test_user_credentials_block(type_, what):
    result = analyze(NO_CREDENTIALS, resource(type_, "data", {"user": UNKNOWN}, region=None))
    assert len(result.violations) == 1 and what in result.violations[0][0]


def test_other_iam_types_are_out_of_scope():
    assert analyze(NO_CREDENTIALS, resource("aws:iam/user:User", "data", {"name": "alice"}, region=None)).clean


@pytest.mark.parametrize("policy_name, type_", [
    (NO_CREDENTIALS, "aws:iam/accessKey:AccessKey"),
    (NO_POLICIES, "aws:iam/userPolicyAttachment:UserPolicyAttachment"),
])
def test_waiver_applies(policy_name, type_):
    result = analyze(policy_name, resource(type_, "data", {"user": UNKNOWN, "policyArn": UNKNOWN}, region=None),
                     {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1
