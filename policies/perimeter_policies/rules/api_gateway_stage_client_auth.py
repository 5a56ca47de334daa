"""api-gateway-stage-client-auth: REST API stages authenticate to their backends, or stay private (advisory).

Why: API Gateway's client certificate (`client_certificate_id` on a stage) is
how a backend proves a request came through the gateway, with its WAF,
throttling and authorizers, and not from someone calling the backend
directly; with TLS between them it is mutual authentication on the hop that
carries the data (PCI DSS 4.2.1, 8.3.1). A stage of a PRIVATE REST API is
reachable only through VPC endpoints, and a private integration (VPC link)
does not leave the network; there the certificate adds little.

So an `aws.apigateway.Stage` passes with a `client_certificate_id`, or when
its REST API (found through the `rest_api` reference, or its id once known)
has `endpoint_configuration.types` `PRIVATE`. Advisory: whether a backend
checks the certificate, or needs to (Lambda integrations are invoked through
IAM), is judgment the program does not show. A stage whose REST API preview
cannot resolve is deferred; one whose REST API is not declared in this
program is reported, since nothing shows it private. HTTP APIs
(`apigatewayv2`) have no backend client certificates and are not checked.
"""

from __future__ import annotations

from ..model import Deferred, StackView, Violation, as_list, is_unknown
from ..rule import Rule
from ._findings import describe
from ._links import feeds

STAGE = "aws:apigateway/stage:Stage"
REST_API = "aws:apigateway/restApi:RestApi"


def _private(api) -> object:
    types = as_list(api.get("endpointConfiguration", "types"))
    return types if is_unknown(types) else "PRIVATE" in types


def check(stack: StackView, config):
    apis = stack.of_type(REST_API)
    for stage in stack.of_type(STAGE):
        certificate = stage.get("clientCertificateId")
        if is_unknown(certificate) or (isinstance(certificate, str) and certificate):
            continue
        reference = stage.get("restApi")
        api = next((a for a in apis if feeds(stage, "restApi", a, reference, (a.get("id"),))), None)
        verdict = _private(api) if api is not None else False
        if verdict is True:
            continue
        # With no REST API of this stack feeding the stage, an unknown reference is one preview cannot resolve.
        if is_unknown(verdict) or (api is None and is_unknown(reference)):
            yield Deferred(f"{describe(stage)}: its REST API's endpoint type is unknown at preview", stage.urn)
        else:
            yield Violation(f"{describe(stage)} has no client certificate and its REST API is not PRIVATE, so its "
                            "backend cannot tell gateway traffic from direct calls.", stage.urn)


RULE = Rule(
    name="api-gateway-stage-client-auth",
    description="API Gateway REST stages present a client certificate to their backend, unless the API is private.",
    severity="medium",
    pci_dss=("4.2.1", "8.3.1"),
    soc2=("CC6.7", "CC6.6"),
    remediation=("Create an aws.apigateway.ClientCertificate and set client_certificate_id=cert.id on the stage (and "
                 "make the backend require it), or make the API private: endpoint_configuration={'types': 'PRIVATE'} "
                 "with a VPC endpoint policy."),
    check=check,
    resource_types=(STAGE,),
    scope="stack",
    enforcement_level="advisory",
    violation_example='aws.apigateway.Stage("v1", rest_api=api.id, deployment=deployment.id, stage_name="v1")',
)
