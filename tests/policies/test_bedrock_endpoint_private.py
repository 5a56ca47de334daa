import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._iam_documents import ACCOUNT, DEFAULT_FULL_ACCESS, INVOKE_ONLY, policy
from tests.policy_harness import analyze, resource

POLICY = "bedrock-endpoint-private"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
RUNTIME = "com.amazonaws.eu-west-1.bedrock-runtime"
COMPLIANT = {"vpcId": UNKNOWN, "serviceName": RUNTIME, "vpcEndpointType": "Interface", "privateDnsEnabled": True,
             "subnetIds": [UNKNOWN, UNKNOWN], "securityGroupIds": [UNKNOWN], "policy": policy(INVOKE_ONLY)}


def endpoint(**changes):
    inputs = {**COMPLIANT, **changes}
    return resource(VPC_ENDPOINT, "bedrock", {k: v for k, v in inputs.items() if v is not None})


@pytest.mark.parametrize("service", ["bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime",
                                     "bedrock-mantle", "bedrock-runtime-fips"])
def test_compliant_endpoint_passes_for_every_bedrock_service(service):
    result = analyze(POLICY, endpoint(serviceName=f"com.amazonaws.eu-west-1.{service}"))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("mutation, named", [
    ({"vpcEndpointType": None}, "vpcEndpointType='Gateway' (the default)"),
    ({"vpcEndpointType": "GatewayLoadBalancer"}, "vpcEndpointType='GatewayLoadBalancer' (set)"),
    ({"privateDnsEnabled": None}, "privateDnsEnabled=None"),
    ({"privateDnsEnabled": False}, "privateDnsEnabled=False"),
    ({"policy": None}, "default full-access policy"),
    ({"policy": policy(INVOKE_ONLY, DEFAULT_FULL_ACCESS)}, "statement 2 allow(s) any principal every action"),
    ({"policy": policy({**DEFAULT_FULL_ACCESS, "Principal": {"AWS": ["*"]}, "Action": "bedrock:*"})}, "statement 1"),
    ({"policy": '{"Statement": '}, "is not valid JSON"),
])
def test_each_violation_blocks(mutation, named):
    result = analyze(POLICY, endpoint(**mutation))
    assert len(result.violations) == 1 and named in result.violations[0][0]


def test_full_access_statement_restricted_to_the_account_passes():
    scoped = {**DEFAULT_FULL_ACCESS, "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}
    assert analyze(POLICY, endpoint(policy=policy(scoped))).clean


def test_deny_everything_else_statement_is_not_full_access():
    deny = {**DEFAULT_FULL_ACCESS, "Effect": "Deny", "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}}
    assert analyze(POLICY, endpoint(policy=policy(INVOKE_ONLY, deny))).clean


def test_default_endpoint_reports_every_missing_control():
    result = analyze(POLICY, endpoint(vpcEndpointType=None, privateDnsEnabled=None, policy=None))
    assert len(result.violations) == 3


def test_bad_settings_still_block_beside_unknown_unrelated_inputs():
    result = analyze(POLICY, endpoint(privateDnsEnabled=False, vpcId=UNKNOWN, dnsOptions=UNKNOWN, tags=UNKNOWN))
    assert len(result.violations) == 1 and not result.cant_run


@pytest.mark.parametrize("mutation", [{"policy": UNKNOWN}, {"privateDnsEnabled": UNKNOWN},
                                      {"vpcEndpointType": UNKNOWN}])
def test_unknown_setting_is_deferred_not_cant_run(mutation):
    result = analyze(POLICY, endpoint(**mutation))
    assert result.clean and len(result.deferred) == 1


def test_unknown_service_name_is_deferred_even_with_default_settings():
    result = analyze(POLICY, endpoint(serviceName=UNKNOWN, privateDnsEnabled=None, policy=None))
    assert result.clean and "whether it is a Bedrock endpoint" in result.deferred[0]["message"]


@pytest.mark.parametrize("service", ["com.amazonaws.eu-west-1.s3", "com.amazonaws.eu-west-1.sagemaker.runtime",
                                     "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"])
def test_other_services_are_out_of_scope(service):
    assert analyze(POLICY, endpoint(serviceName=service, vpcEndpointType=None, policy=None)).clean


@pytest.mark.parametrize("mutation, deferred", [
    ({"vpcEndpointType": UNKNOWN}, "VpcEndpoint 'bedrock': vpcEndpointType is unknown at preview"),
    ({"privateDnsEnabled": UNKNOWN}, "VpcEndpoint 'bedrock': privateDnsEnabled is unknown at preview"),
    ({"serviceName": UNKNOWN},
     "VpcEndpoint 'bedrock': serviceName (so whether it is a Bedrock endpoint) is unknown at preview"),
])
def test_deferral_names_the_unknown_input(mutation, deferred):
    assert [d["message"] for d in analyze(POLICY, endpoint(**mutation)).deferred] == [deferred]


@pytest.mark.parametrize("mutation, line", [
    ({"privateDnsEnabled": False}, "VpcEndpoint 'bedrock' has privateDnsEnabled=False (absent means false), so "
                                   "clients still resolve Bedrock's public endpoint."),
    ({"policy": None}, "VpcEndpoint 'bedrock' has no policy, so AWS attaches its default full-access policy."),
])
def test_violation_says_why_it_matters(mutation, line):
    result = analyze(POLICY, endpoint(**mutation))
    assert len(result.violations) == 1 and line in result.violations[0][0].splitlines()


def test_service_name_without_dots_is_not_a_bedrock_endpoint_and_does_not_break_the_check():
    result = analyze(POLICY, endpoint(serviceName="vpce-svc-0123456789abcdef0", vpcEndpointType=None, policy=None))
    assert result.clean and not result.deferred
