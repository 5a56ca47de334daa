import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "api-gateway-domain-tls"
REST, HTTP = "aws:apigateway/domainName:DomainName", "aws:apigatewayv2/domainName:DomainName"


def rest(policy="TLS_1_2"):
    inputs = {"domainName": "api.example.com", "regionalCertificateArn": UNKNOWN,
              "endpointConfiguration": {"types": "REGIONAL"}}
    if policy is not None:
        inputs["securityPolicy"] = policy
    return resource(REST, "data", inputs)


def http(policy="TLS_1_2"):
    configuration = {"certificateArn": UNKNOWN, "endpointType": "REGIONAL"}
    if policy is not None:
        configuration["securityPolicy"] = policy
    return resource(HTTP, "data", {"domainName": "api.example.com", "domainNameConfiguration": configuration})


@pytest.mark.parametrize("subject", [rest, http])
@pytest.mark.parametrize("policy", ["TLS_1_2", "SecurityPolicy_TLS13_1_3_2025_09", "SecurityPolicy_TLS13_1_2_2021_06"])
def test_tls12_policies_pass(subject, policy):
    result = analyze(POLICY, subject(policy))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("subject", [rest, http])
@pytest.mark.parametrize("policy, named", [("TLS_1_0", "'TLS_1_0'"), (None, "not set")])
def test_old_or_absent_policy_blocks(subject, policy, named):
    result = analyze(POLICY, subject(policy))
    assert len(result.violations) == 1 and named in result.violations[0][0]


def test_http_domain_message_names_the_nested_input():
    assert "domainNameConfiguration.securityPolicy" in analyze(POLICY, http("TLS_1_0")).violations[0][0]


def test_configurable_allow_list():
    assert len(analyze(POLICY, rest("TLS_1_2"), {"allowedSecurityPolicies": ["SecurityPolicy_TLS13_1_3_2025_09"]}).violations) == 1


@pytest.mark.parametrize("record", [
    rest(UNKNOWN), http(UNKNOWN),
    resource(HTTP, "data", {"domainName": "api.example.com", "domainNameConfiguration": UNKNOWN}),
])
def test_unknown_policy_is_deferred(record):
    result = analyze(POLICY, record)
    assert result.clean and result.deferred


def test_waiver_applies():
    result = analyze(POLICY, rest("TLS_1_0"), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1


def test_finding_and_deferral_text():
    assert analyze(POLICY, rest(None)).violations[0][0].splitlines()[1] == (
        "DomainName 'data': securityPolicy is not set, so AWS chooses; it must be one of allowedSecurityPolicies "
        "(TLS 1.2 minimum).")
    assert [d["message"] for d in analyze(POLICY, rest(UNKNOWN)).deferred] == [
        "DomainName 'data': securityPolicy is unknown at preview"]
