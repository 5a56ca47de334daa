import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "lambda-not-public"
COMPLIANT = {
    "url": resource(aws.lambda_.FunctionUrl, "chat", function_name=UNKNOWN, authorization_type="AWS_IAM"),
    "permission": resource(aws.lambda_.Permission, "chat", function=UNKNOWN, action="lambda:InvokeFunction",
                           principal="s3.amazonaws.com", source_arn=UNKNOWN, source_account="111122223333"),
}
URL, PERMISSION = COMPLIANT["url"], COMPLIANT["permission"]
OPEN = dict(principal="*", source_arn=None, source_account=None)


@pytest.mark.parametrize("kind", list(COMPLIANT))
def test_compliant_baseline_passes_with_unknown_ids(kind):
    run(POLICY, COMPLIANT[kind]).assert_clean()


@pytest.mark.parametrize("restriction", [
    {"source_account": "111122223333", "source_arn": None},
    {"source_account": None, "source_arn": UNKNOWN},
    {"source_account": None, "source_arn": None, "principal_org_id": "o-a1b2c3d4e5"},
], ids=["account", "unknown-arn", "org"])
def test_star_principal_restricted_by_source_or_org_passes(restriction):
    run(POLICY, PERMISSION.replace(principal="*", **restriction)).assert_clean()


@pytest.mark.parametrize("subject, named", [
    (URL.replace(authorization_type="NONE"), "authorizationType=NONE"),
    (PERMISSION.replace(**OPEN), "principal '*'"),
    (PERMISSION.replace(**OPEN, action="lambda:InvokeFunctionUrl", function_url_auth_type="NONE"),
     "'lambda:InvokeFunctionUrl'"),
], ids=["url-no-auth", "star-permission", "star-url-permission"])
def test_each_public_invocation_path_blocks(subject, named):
    run(POLICY, subject).assert_violation(named, on=subject)


def test_public_url_still_blocks_beside_unknown_unrelated_inputs():
    run(POLICY, URL.replace(authorization_type="NONE", qualifier=UNKNOWN, cors=UNKNOWN)).assert_violation("NONE")


@pytest.mark.parametrize("subject", [URL.unknown("authorizationType"), PERMISSION.replace(**OPEN).unknown("principal")],
                         ids=["url", "permission"])
def test_unknown_setting_is_deferred_not_cant_run(subject):
    run(POLICY, subject).assert_deferred("unknown at preview")


def test_waiver_waives_a_public_url():
    public = URL.replace(authorization_type="NONE")
    run(POLICY, public, waivers=[waiver(public, reason="Public status page, no account data, reviewed")]).assert_waived()


@pytest.mark.parametrize("emptied", ["source_account", "source_arn", "principal_org_id"])
def test_star_principal_whose_restricting_field_is_an_empty_string_blocks(emptied):
    permission = PERMISSION.replace(**{**OPEN, emptied: ""})
    run(POLICY, permission).assert_violation("to principal '*' with no sourceAccount, sourceArn or principalOrgId.",
                                             on=PERMISSION)


@pytest.mark.parametrize("subject, unknown, reason", [
    (URL, "authorizationType", "FunctionUrl 'chat': authorizationType is unknown at preview"),
    (PERMISSION, "principal", "Permission 'chat': principal is unknown at preview"),
], ids=["url", "permission"])
def test_deferral_names_the_input_preview_cannot_know(subject, unknown, reason):
    result = run(POLICY, subject.unknown(unknown))
    assert [d["message"] for d in result.deferred] == [reason] and result.clean
