import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE, mutated
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "opensearch-domain-tls"
TYPES = ["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"]
COMPLIANT = {
    "domainName": "search",
    "domainEndpointOptions": {"enforceHttps": True, "tlsSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10"},
    "nodeToNodeEncryption": {"enabled": True},
    "encryptAtRest": {"enabled": True, "kmsKeyId": UNKNOWN},
}


@pytest.mark.parametrize("type_", TYPES)
def test_compliant_domain_passes(type_):
    result = analyze(POLICY, resource(type_, "data", COMPLIANT))
    assert result.clean and not result.deferred


def test_enforce_https_defaults_to_true():
    assert analyze(POLICY, resource(TYPES[0], "data", mutated(COMPLIANT, ("domainEndpointOptions", "enforceHttps"), REMOVE))).clean


NO_HTTPS = "domainEndpointOptions.enforceHttps is false, so clients may use plain HTTP"
POLICY_UNSET = ("domainEndpointOptions.tlsSecurityPolicy is not set, so AWS chooses, not one of allowedTlsPolicies "
                "(TLS 1.2 minimum)")
NO_NODE_TO_NODE = "nodeToNodeEncryption.enabled is not true, so traffic between the domain's nodes is cleartext"
MUTATIONS = [
    (("domainEndpointOptions", "enforceHttps"), False, NO_HTTPS),
    (("domainEndpointOptions", "tlsSecurityPolicy"), "Policy-Min-TLS-1-0-2019-07",
     "domainEndpointOptions.tlsSecurityPolicy is 'Policy-Min-TLS-1-0-2019-07', not one of allowedTlsPolicies "
     "(TLS 1.2 minimum)"),
    (("domainEndpointOptions", "tlsSecurityPolicy"), REMOVE, POLICY_UNSET),
    (("domainEndpointOptions",), REMOVE, POLICY_UNSET),
    (("nodeToNodeEncryption", "enabled"), False, NO_NODE_TO_NODE),
    (("nodeToNodeEncryption",), REMOVE, NO_NODE_TO_NODE),
]


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("path, value, problem", MUTATIONS)
def test_each_violation_blocks(type_, path, value, problem):
    result = analyze(POLICY, resource(type_, "data", mutated(COMPLIANT, path, value)))
    assert len(result.violations) == 1 and result.violations[0][0].splitlines()[1] == f"Domain 'data': {problem}."


@pytest.mark.parametrize("path, named", [
    (("domainEndpointOptions",), "domainEndpointOptions.enforceHttps, domainEndpointOptions.tlsSecurityPolicy"),
    (("domainEndpointOptions", "enforceHttps"), "domainEndpointOptions.enforceHttps"),
    (("domainEndpointOptions", "tlsSecurityPolicy"), "domainEndpointOptions.tlsSecurityPolicy"),
    (("nodeToNodeEncryption", "enabled"), "nodeToNodeEncryption.enabled"),
])
def test_unknown_values_are_deferred(path, named):
    result = analyze(POLICY, resource(TYPES[0], "data", mutated(COMPLIANT, path, UNKNOWN)))
    assert result.clean and [d["message"] for d in result.deferred] == [f"Domain 'data': {named} unknown at preview"]


def test_configurable_policies():
    config = {"allowedTlsPolicies": ["Policy-Min-TLS-1-2-2019-07"]}
    assert len(analyze(POLICY, resource(TYPES[0], "data", COMPLIANT), config).violations) == 1


def test_waiver_applies():
    result = analyze(POLICY, resource(TYPES[0], "data", mutated(COMPLIANT, ("nodeToNodeEncryption",), REMOVE)),
                     {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1
