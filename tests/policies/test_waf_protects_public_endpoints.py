import dataclasses

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "waf-protects-public-endpoints"
ALB = resource(aws.lb.LoadBalancer, "web", internal=False, subnets=[UNKNOWN])
STAGE = resource(aws.apigateway.Stage, "prod", rest_api=UNKNOWN, deployment=UNKNOWN, stage_name="prod")
GRAPHQL = resource(aws.appsync.GraphQLApi, "graph", authentication_type="AWS_IAM", name="graph")
ENDPOINTS = [ALB, STAGE, GRAPHQL]
BEHAVIOUR = {"allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"], "target_origin_id": "s3",
             "viewer_protocol_policy": "https-only"}
DISTRIBUTION = resource(aws.cloudfront.Distribution, "site", enabled=True, web_acl_id=UNKNOWN,
                        origins=[{"origin_id": "s3", "domain_name": "d.s3.amazonaws.com"}],
                        default_cache_behavior=BEHAVIOUR, restrictions={"geo_restriction": {"restriction_type": "none"}},
                        viewer_certificate={"cloudfront_default_certificate": True})


def association(target, name="waf"):
    return resource(aws.wafv2.WebAclAssociation, name, resource_arn=UNKNOWN, web_acl_arn=UNKNOWN,
                    property_dependencies={"resourceArn": [target]})


def test_protected_endpoints_pass():
    run(POLICY, ENDPOINTS + [association(e, f"waf-{e.name}") for e in ENDPOINTS] + [DISTRIBUTION]).assert_clean()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=["alb", "api-stage", "appsync"])
def test_unprotected_public_endpoint_blocks(endpoint):
    run(POLICY, [endpoint]).assert_violation("no aws.wafv2.WebAclAssociation", on=endpoint)


def test_distribution_without_web_acl_blocks():
    run(POLICY, [DISTRIBUTION.replace(web_acl_id=None)]).assert_violation("has no web_acl_id")


def test_internal_and_private_endpoints_are_out_of_scope():
    run(POLICY, [ALB.replace(internal=True), ALB.replace(load_balancer_type="network"),
                 GRAPHQL.replace(visibility="PRIVATE")]).assert_clean()


def test_association_matched_by_arn_at_update_and_unresolved_one_defers():
    alb = dataclasses.replace(ALB, outputs={**ALB.inputs, "arn": "arn:aws:elasticloadbalancing:eu-west-1:1:lb/web"})
    known = resource(aws.wafv2.WebAclAssociation, "waf", resource_arn="arn:aws:elasticloadbalancing:eu-west-1:1:lb/web",
                     web_acl_arn="arn:aws:wafv2:eu-west-1:1:regional/webacl/x")
    run(POLICY, [alb, known]).assert_clean()
    unresolved = resource(aws.wafv2.WebAclAssociation, "waf", resource_arn=UNKNOWN, web_acl_arn=UNKNOWN)
    run(POLICY, [ALB, unresolved]).assert_deferred("unknown at preview")


def test_waiver_waives():
    run(POLICY, [ALB], waivers=[waiver(ALB, reason="Shield Advanced + Firewall Manager manage this ALB (NET-9)")]) \
        .assert_waived()


def test_alb_namespace_load_balancer_is_covered_too():
    legacy = resource(aws.alb.LoadBalancer, "legacy", internal=False, subnets=[UNKNOWN])
    run(POLICY, [legacy]).assert_violation("no aws.wafv2.WebAclAssociation", on=legacy)


def test_finding_and_deferral_texts_and_urns():
    result = run(POLICY, [STAGE]).assert_violation(on=STAGE)
    assert "\nStage 'prod' faces the internet with no aws.wafv2.WebAclAssociation.\n" in result.violations[0][0]
    result = run(POLICY, [DISTRIBUTION.replace(web_acl_id="  ")]).assert_violation(on=DISTRIBUTION)
    assert "\nDistribution 'site' has no web_acl_id.\n" in result.violations[0][0]
    result = run(POLICY, [ALB.unknown("internal")]).assert_deferred()
    assert [(d["urn"], d["message"]) for d in result.deferred] == [
        (ALB.urn, "LoadBalancer 'web': whether it is public, or which resource a web ACL association protects, is "
                  "unknown at preview")]


@pytest.mark.parametrize("endpoint", [ALB.replace(load_balancer_type="application").unknown("loadBalancerType"),
                                      GRAPHQL.replace(visibility="GLOBAL").unknown("visibility")],
                         ids=["lb-type", "appsync-visibility"])
def test_unknown_exposure_is_deferred(endpoint):
    run(POLICY, [endpoint]).assert_deferred("whether it is public")


def test_explicit_application_type_and_global_visibility_are_public():
    run(POLICY, [ALB.replace(load_balancer_type="application")]).assert_violation("no aws.wafv2.WebAclAssociation")
    run(POLICY, [GRAPHQL.replace(visibility="GLOBAL")]).assert_violation("no aws.wafv2.WebAclAssociation")


def test_every_endpoint_is_checked_after_a_protected_one():
    run(POLICY, [ALB, association(ALB), STAGE]).assert_violation("Stage 'prod'", on=STAGE)
