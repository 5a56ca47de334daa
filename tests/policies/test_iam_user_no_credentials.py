import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "iam-user-no-credentials"


@pytest.mark.parametrize("type_, what", [
    ("aws:iam/accessKey:AccessKey", "access key"),
    ("aws:iam/userLoginProfile:UserLoginProfile", "console password"),
])
def test_user_credentials_block(type_, what):
    result = analyze(POLICY, resource(type_, "data", {"user": UNKNOWN}, region=None))
    assert len(result.violations) == 1 and what in result.violations[0][0]


def test_other_iam_types_are_out_of_scope():
    assert analyze(POLICY, resource("aws:iam/user:User", "data", {"name": "alice"}, region=None)).clean


def test_waiver_applies():
    result = analyze(POLICY, resource("aws:iam/accessKey:AccessKey", "data", {"user": UNKNOWN}, region=None),
                     {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1


@pytest.mark.parametrize("type_, line", [
    ("aws:iam/accessKey:AccessKey", "AccessKey 'data' gives an IAM user a long-lived access key."),
    ("aws:iam/userLoginProfile:UserLoginProfile", "UserLoginProfile 'data' gives an IAM user a console password."),
])
def test_finding_text_names_the_credential(type_, line):
    (message, _), = analyze(POLICY, resource(type_, "data", {"user": UNKNOWN}, region=None)).violations
    assert message.splitlines()[1] == line
