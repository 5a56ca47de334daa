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


MUTATIONS = [
    (("domainEndpointOptions", "enforceHttps"), False, "enforceHttps is false"),
    (("domainEndpointOptions", "tlsSecurityPolicy"), "Policy-Min-TLS-1-0-2019-07", "'Policy-Min-TLS-1-0-2019-07'"),
    (("domainEndpointOptions", "tlsSecurityPolicy"), REMOVE, "tlsSecurityPolicy is not set"),
    (("domainEndpointOptions",), REMOVE, "tlsSecurityPolicy is not set"),
    (("nodeToNodeEncryption", "enabled"), False, "nodeToNodeEncryption.enabled is not true"),
    (("nodeToNodeEncryption",), REMOVE, "nodeToNodeEncryption.enabled is not true"),
]


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("path, value, named", MUTATIONS)
def test_each_violation_blocks(type_, path, value, named):
    result = analyze(POLICY, resource(type_, "data", mutated(COMPLIANT, path, value)))
    assert len(result.violations) == 1 and named in result.violations[0][0]


@pytest.mark.parametrize("path", [("domainEndpointOptions",), ("domainEndpointOptions", "tlsSecurityPolicy"),
                                  ("nodeToNodeEncryption", "enabled")])
def test_unknown_values_are_deferred(path):
    result = analyze(POLICY, resource(TYPES[0], "data", mutated(COMPLIANT, path, UNKNOWN)))
    assert result.clean and result.deferred


def test_configurable_policies():
    config = {"allowedTlsPolicies": ["Policy-Min-TLS-1-2-2019-07"]}
    assert len(analyze(POLICY, resource(TYPES[0], "data", COMPLIANT), config).violations) == 1


def test_waiver_applies():
    result = analyze(POLICY, resource(TYPES[0], "data", mutated(COMPLIANT, ("nodeToNodeEncryption",), REMOVE)),
                     {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1
