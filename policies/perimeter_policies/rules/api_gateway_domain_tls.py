"""api-gateway-domain-tls: API Gateway custom domains accept TLS 1.2 or newer only.

Why: a custom domain is where clients reach an API, so its security policy is
the TLS floor for everything the API carries (PCI DSS 4.2.1). REST domains
(`aws.apigateway.DomainName.security_policy`) also offer `TLS_1_0`, and AWS
picks the policy when none is named, so it must be named. HTTP and WebSocket
domains (`aws.apigatewayv2.DomainName.domain_name_configuration.security_policy`)
must name one too. The accepted names are `allowedSecurityPolicies`: the
legacy `TLS_1_2` and the enhanced `SecurityPolicy_*` policies, all TLS 1.2+.
A value unknown at preview is deferred to `pulumi up`.
"""

from __future__ import annotations

from ..model import ResourceView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview
from ._paths import expand

POLICY_PATHS = {
    "aws:apigateway/domainName:DomainName": ("securityPolicy",),
    "aws:apigatewayv2/domainName:DomainName": ("domainNameConfiguration", "securityPolicy"),
}
TLS12_POLICIES = (
    "TLS_1_2", "SecurityPolicy_TLS12_2018_EDGE", "SecurityPolicy_TLS12_PFS_2025_EDGE",
    "SecurityPolicy_TLS13_1_2_2021_06", "SecurityPolicy_TLS13_1_2_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09", "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09", "SecurityPolicy_TLS13_1_3_2025_09",
    "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
)


def check(domain: ResourceView, config):
    for path, policy in expand(domain.props, POLICY_PATHS[domain.type]):
        if is_unknown(policy):
            yield unknown_at_preview(domain, path)
        elif policy not in config["allowedSecurityPolicies"]:
            shown = "not set, so AWS chooses" if policy is None else f"{policy!r}"
            yield Violation(f"{describe(domain)}: {path} is {shown}; it must be one of allowedSecurityPolicies "
                            "(TLS 1.2 minimum).")


RULE = Rule(
    name="api-gateway-domain-tls",
    description="API Gateway custom domain names use a TLS 1.2+ security policy.",
    severity="high",
    pci_dss=("4.2.1",),
    soc2=("CC6.7",),
    remediation=("Set security_policy='TLS_1_2' (or an enhanced 'SecurityPolicy_TLS13_*' policy with "
                 "endpoint_access_mode) on aws.apigateway.DomainName, and domain_name_configuration="
                 "{'security_policy': 'TLS_1_2', ...} on aws.apigatewayv2.DomainName."),
    check=check,
    resource_types=tuple(POLICY_PATHS),
    config_properties={
        "allowedSecurityPolicies": {
            "type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
            "description": "API Gateway security policies accepted on custom domains (each with TLS 1.2 minimum).",
        },
    },
    default_config={"allowedSecurityPolicies": list(TLS12_POLICIES)},
    violation_example='aws.apigateway.DomainName("api", domain_name="api.example.com", regional_certificate_arn=cert.arn, security_policy="TLS_1_0")',
)
