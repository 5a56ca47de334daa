import pytest
from perimeter_policies.model import UNKNOWN

from tests.policy_harness import analyze, resource

POLICY = "lambda-not-public"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"
PERMISSION = "aws:lambda/permission:Permission"
COMPLIANT = {
    FUNCTION_URL: {"functionName": UNKNOWN, "authorizationType": "AWS_IAM"},
    PERMISSION: {"function": UNKNOWN, "action": "lambda:InvokeFunction", "principal": "s3.amazonaws.com",
                 "sourceArn": UNKNOWN, "sourceAccount": "111122223333"},
}


def subject(type_, **changes):
    inputs = {**COMPLIANT[type_], **changes}
    return resource(type_, "chat", {k: v for k, v in inputs.items() if v is not None})


@pytest.mark.parametrize("type_", list(COMPLIANT))
def test_compliant_baseline_passes_with_unknown_ids(type_):
    result = analyze(POLICY, subject(type_))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("restriction", [
    {"sourceAccount": "111122223333", "sourceArn": None},
    {"sourceAccount": None, "sourceArn": UNKNOWN},
    {"sourceAccount": None, "sourceArn": None, "principalOrgId": "o-a1b2c3d4e5"},
])
def test_star_principal_restricted_by_source_or_org_passes(restriction):
    assert analyze(POLICY, subject(PERMISSION, principal="*", **restriction)).clean


@pytest.mark.parametrize("type_, changes, named", [
    (FUNCTION_URL, {"authorizationType": "NONE"}, "authorizationType=NONE"),
    (PERMISSION, {"principal": "*", "sourceArn": None, "sourceAccount": None}, "principal '*'"),
    (PERMISSION, {"principal": "*", "sourceArn": None, "sourceAccount": None, "action": "lambda:InvokeFunctionUrl",
                  "functionUrlAuthType": "NONE"}, "'lambda:InvokeFunctionUrl'"),
])
def test_each_public_invocation_path_blocks(type_, changes, named):
    result = analyze(POLICY, subject(type_, **changes))
    assert len(result.violations) == 1 and named in result.violations[0][0]


def test_public_url_still_blocks_beside_unknown_unrelated_inputs():
    result = analyze(POLICY, subject(FUNCTION_URL, authorizationType="NONE", qualifier=UNKNOWN, cors=UNKNOWN))
    assert len(result.violations) == 1 and not result.cant_run


@pytest.mark.parametrize("type_, changes", [
    (FUNCTION_URL, {"authorizationType": UNKNOWN}),
    (PERMISSION, {"principal": UNKNOWN, "sourceArn": None, "sourceAccount": None}),
])
def test_unknown_setting_is_deferred_not_cant_run(type_, changes):
    result = analyze(POLICY, subject(type_, **changes))
    assert result.clean and len(result.deferred) == 1
