"""api-gateway-endpoint-type-approved: REST APIs use an endpoint type from the allow-list (default PRIVATE or REGIONAL).

Why: where an API's TLS ends is where account data first appears in clear,
and PCI DSS 1.3.1 and 4.2.1 want that edge known and controlled. A REST API
with no `endpoint_configuration` is EDGE-optimized: API Gateway fronts it
with a CloudFront distribution AWS manages, so clients' TLS terminates at
edge locations worldwide, outside the stack's approved regions, and that
distribution takes none of our CloudFront settings (viewer TLS policy, WAF,
logging). REGIONAL keeps termination in the API's region (with our own
CloudFront in front where needed), and PRIVATE keeps the API reachable only
through VPC endpoints. The accepted types are a policy choice
(`allowedEndpointTypes`; AWS Config API_GW_ENDPOINT_TYPE_CHECK takes the same
list). A type unknown at preview is deferred to `pulumi up`.
"""

from __future__ import annotations

from ..model import ResourceView, as_list, is_unknown
from ..rule import Rule
from ._findings import describe, settle

REST_API = "aws:apigateway/restApi:RestApi"
ENDPOINT_TYPES = ("EDGE", "REGIONAL", "PRIVATE")
DEFAULT_TYPE = "EDGE"


def check(api: ResourceView, config):
    problems: list[str] = []
    unknowns: list[str] = []
    allowed = config["allowedEndpointTypes"]
    types = as_list(api.get("endpointConfiguration", "types"))
    if is_unknown(types):
        unknowns.append("endpointConfiguration.types")
    else:
        for kind in types or [DEFAULT_TYPE]:
            if is_unknown(kind):
                unknowns.append("endpointConfiguration.types")
            elif kind not in allowed:
                shown = f"not set ({DEFAULT_TYPE})" if not types else repr(kind)
                problems.append(f"endpointConfiguration.types is {shown}, not one of allowedEndpointTypes "
                                f"{list(allowed)}")
    yield from settle(problems, unknowns, subject=describe(api))


RULE = Rule(
    name="api-gateway-endpoint-type-approved",
    description="API Gateway REST APIs use an approved endpoint type (default PRIVATE or REGIONAL, not EDGE-optimized).",
    severity="medium",
    pci_dss=("1.3.1", "4.2.1"),
    soc2=("CC6.6", "CC6.7"),
    remediation=("Set endpoint_configuration={'types': 'REGIONAL'} (or 'PRIVATE' with vpc_endpoint_ids) on the "
                 "aws.apigateway.RestApi; put your own CloudFront distribution in front if an edge is needed."),
    check=check,
    resource_types=(REST_API,),
    config_properties={
        "allowedEndpointTypes": {
            "type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string", "enum": list(ENDPOINT_TYPES)},
            "description": "REST API endpoint types accepted (EDGE, REGIONAL, PRIVATE).",
        },
    },
    default_config={"allowedEndpointTypes": ["PRIVATE", "REGIONAL"]},
    violation_example='aws.apigateway.RestApi("payments", name="payments")  # EDGE-optimized by default',
)
