import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._iam_documents import policy
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "iam-user-no-policies"
ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
READ = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"})


def test_policy_attachment_to_roles_and_groups_passes():
    record = resource(ATTACHMENT, "data", {"policyArn": UNKNOWN, "roles": [UNKNOWN], "groups": ["ops"]}, region=None)
    result = analyze(POLICY, record)
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_, inputs", [
    ("aws:iam/userPolicy:UserPolicy", {"user": "alice", "policy": READ}),
    ("aws:iam/userPolicyAttachment:UserPolicyAttachment", {"user": UNKNOWN, "policyArn": UNKNOWN}),
    (ATTACHMENT, {"policyArn": UNKNOWN, "users": ["alice"], "roles": [UNKNOWN]}),
])
def test_user_permissions_block(type_, inputs):
    result = analyze(POLICY, resource(type_, "data", inputs, region=None))
    assert len(result.violations) == 1 and "IAM user" in result.violations[0][0]


def test_policy_attachment_users_unknown_is_deferred():
    result = analyze(POLICY, resource(ATTACHMENT, "data", {"policyArn": UNKNOWN, "users": UNKNOWN}, region=None))
    assert result.clean and "users is unknown" in result.deferred[0]["message"]


def test_waiver_applies():
    record = resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "data", {"user": UNKNOWN, "policyArn": UNKNOWN},
                      region=None)
    result = analyze(POLICY, record, {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1


@pytest.mark.parametrize("type_, inputs, line", [
    ("aws:iam/userPolicy:UserPolicy", {"user": "alice", "policy": READ},
     "UserPolicy 'data' grants permissions directly to an IAM user."),
    ("aws:iam/userPolicyAttachment:UserPolicyAttachment", {"user": UNKNOWN, "policyArn": UNKNOWN},
     "UserPolicyAttachment 'data' grants permissions directly to an IAM user."),
    (ATTACHMENT, {"policyArn": UNKNOWN, "users": ["alice", UNKNOWN]},
     "PolicyAttachment 'data' attaches its policy to IAM users (2 listed in users)."),
])
def test_finding_text_names_the_grant(type_, inputs, line):
    (message, where), = analyze(POLICY, resource(type_, "data", inputs, region=None)).violations
    assert message.splitlines()[1] == line and where.endswith(f"{type_}::data")


def test_deferral_text():
    result = analyze(POLICY, resource(ATTACHMENT, "data", {"policyArn": UNKNOWN, "users": UNKNOWN}, region=None))
    assert [d["message"] for d in result.deferred] == ["PolicyAttachment 'data': users is unknown at preview"]
