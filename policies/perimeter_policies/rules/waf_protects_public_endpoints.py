"""waf-protects-public-endpoints: every internet-facing web endpoint sits behind a WAF web ACL.

Why: PCI DSS 6.4.2 wants public-facing web applications protected by an
automated technical solution that detects and prevents web attacks; for the
endpoints a program declares that is an AWS WAF web ACL (AWS Config
ALB_WAF_ENABLED, API_GW_ASSOCIATED_WITH_WAF, APPSYNC_ASSOCIATED_WITH_WAF,
CLOUDFRONT_ASSOCIATED_WITH_WAF). Covered:
- application load balancers that are internet-facing (`internal` not true);
- API Gateway REST API stages;
- AppSync GraphQL APIs with GLOBAL visibility (the default);
- CloudFront distributions, through their own `web_acl_id`.
The first three are protected by an `aws.wafv2.WebAclAssociation` whose
`resource_arn` is built from the endpoint's outputs (property dependency) or,
once known, equals its ARN. An association whose target preview can't name
defers the endpoints it may cover.
"""

from __future__ import annotations

from ..model import Deferred, ResourceView, StackView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe
from ._links import references

ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
STAGE = "aws:apigateway/stage:Stage"
GRAPHQL_API = "aws:appsync/graphQLApi:GraphQLApi"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"


def _public(endpoint: ResourceView) -> object:
    """True, False or None (unknown at preview) for whether the endpoint faces the internet."""
    if endpoint.type in LOAD_BALANCERS:
        internal, kind = endpoint.get("internal"), endpoint.get("loadBalancerType")
        if is_unknown(internal) or is_unknown(kind):
            return None
        return internal is not True and kind in (None, "application")
    if endpoint.type == GRAPHQL_API:
        visibility = endpoint.get("visibility")
        return None if is_unknown(visibility) else visibility in (None, "GLOBAL")
    return True


def check(stack: StackView, config):
    associations = references(stack, stack.of_type(ASSOCIATION), "resourceArn", LOAD_BALANCERS + (STAGE, GRAPHQL_API))
    for endpoint in stack.of_type(*LOAD_BALANCERS, STAGE, GRAPHQL_API):
        public = _public(endpoint)
        if public is False or associations.cover(endpoint, (endpoint.get("arn"),)):
            continue
        if public is None or associations.unresolved:
            yield Deferred(f"{describe(endpoint)}: whether it is public, or which resource a web ACL association "
                           "protects, is unknown at preview", endpoint.urn)
        else:
            yield Violation(f"{describe(endpoint)} faces the internet with no aws.wafv2.WebAclAssociation.",
                            endpoint.urn)
    for distribution in stack.of_type(DISTRIBUTION):
        acl = distribution.get("webAclId")
        if not is_unknown(acl) and not (isinstance(acl, str) and acl.strip()):
            yield Violation(f"{describe(distribution)} has no web_acl_id.", distribution.urn)


RULE = Rule(
    name="waf-protects-public-endpoints",
    description=("Internet-facing ALBs, API Gateway stages, AppSync APIs and CloudFront distributions are protected "
                 "by a WAF web ACL."),
    severity="high",
    pci_dss=("6.4.2", "1.4.2"),
    soc2=("CC6.6", "CC6.8"),
    remediation=("Add aws.wafv2.WebAclAssociation(resource_arn=<endpoint>.arn, web_acl_arn=acl.arn) for each "
                 "internet-facing ALB, API stage and AppSync API, and set web_acl_id=acl.arn (a CLOUDFRONT-scope "
                 "web ACL) on each aws.cloudfront.Distribution."),
    check=check,
    resource_types=LOAD_BALANCERS + (STAGE, GRAPHQL_API, DISTRIBUTION),
    scope="stack",
    violation_example='aws.lb.LoadBalancer("web", internal=False, subnets=public_subnet_ids)  # no WebAclAssociation',
)
