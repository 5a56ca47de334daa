"""bedrock-endpoint-private: Bedrock traffic stays on a private, scoped endpoint.

Why: prompts and completions may carry cardholder data, so calls to Bedrock
must not leave the VPC for the public endpoint, and the endpoint must not let
any principal use it for any Bedrock action (PCI DSS 1.3.1, 1.3.2, 7.3.1).
`aws.ec2.VpcEndpoint` defaults are wrong for this on every count:
- `vpc_endpoint_type` defaults to `Gateway`; Bedrock needs `Interface` (PrivateLink);
- `private_dns_enabled` defaults to false, so SDKs keep resolving the public
  endpoint and silently bypass the private one;
- an absent `policy` means AWS's default full-access policy. A known policy
  must not contain a statement of that shape (Allow, anybody, `*` or
  `bedrock:*` actions, `*` resources, no condition restricting the caller),
  read with the same statement logic as `resource-policy-not-public`.
A Bedrock endpoint is one whose service name's last segment is `bedrock` or
starts with `bedrock-` (bedrock-runtime, bedrock-agent, bedrock-agent-runtime,
and newer ones such as bedrock-mantle). An unknown service name is deferred:
it cannot be told whether the endpoint is a Bedrock one.
"""

from ..model import ResourceView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview
from ._iam_policy import grants_everything, policy_document_outcomes

VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
BEDROCK_SERVICE = "bedrock"
INTERFACE = "Interface"
DEFAULT_ENDPOINT_TYPE = "Gateway"


def is_bedrock_service(service_name: str) -> bool:
    segment = service_name.strip().rsplit(".", 1)[-1].lower()
    return segment == BEDROCK_SERVICE or segment.startswith(BEDROCK_SERVICE + "-")


def check(endpoint: ResourceView, config):
    service = endpoint.get("serviceName")
    if is_unknown(service):
        yield unknown_at_preview(endpoint, "serviceName (so whether it is a Bedrock endpoint)")
        return
    if not isinstance(service, str) or not is_bedrock_service(service):
        return
    yield from _endpoint_type(endpoint)
    yield from _private_dns(endpoint)
    yield from _policy(endpoint)


def _endpoint_type(endpoint: ResourceView):
    kind = endpoint.get("vpcEndpointType")
    if is_unknown(kind):
        yield unknown_at_preview(endpoint, "vpcEndpointType")
    elif (kind or DEFAULT_ENDPOINT_TYPE) != INTERFACE:
        yield Violation(f"{describe(endpoint)} has vpcEndpointType={kind or DEFAULT_ENDPOINT_TYPE!r} "
                        f"({'the default' if kind is None else 'set'}); Bedrock needs {INTERFACE!r}.")


def _private_dns(endpoint: ResourceView):
    enabled = endpoint.get("privateDnsEnabled")
    if is_unknown(enabled):
        yield unknown_at_preview(endpoint, "privateDnsEnabled")
    elif enabled is not True:
        yield Violation(f"{describe(endpoint)} has privateDnsEnabled={enabled!r} (absent means false), so clients "
                        "still resolve Bedrock's public endpoint.")


def _policy(endpoint: ResourceView):
    yield from policy_document_outcomes(
        endpoint, "policy", grants_everything,
        "any principal every action on every resource, the same as the default full-access policy",
        absent="has no policy, so AWS attaches its default full-access policy.")


RULE = Rule(
    name="bedrock-endpoint-private",
    description="Bedrock VPC endpoints must be Interface endpoints with private DNS and a scoped endpoint policy.",
    severity="high",
    pci_dss=("1.3.1", "1.3.2", "7.3.1"),
    soc2=("CC6.1", "CC6.6", "CC6.7"),
    remediation=('On aws.ec2.VpcEndpoint for Bedrock set vpc_endpoint_type="Interface", private_dns_enabled=True and '
                 'a policy that names the allowed actions (e.g. bedrock:InvokeModel, bedrock:Converse) and model '
                 'ARNs, or restricts the caller with aws:PrincipalAccount / aws:PrincipalOrgID.'),
    check=check,
    resource_types=(VPC_ENDPOINT,),
    violation_example=('aws.ec2.VpcEndpoint("bedrock", vpc_id=vpc.id, '
                       'service_name="com.amazonaws.eu-west-1.bedrock-runtime", vpc_endpoint_type="Interface")'),
)
