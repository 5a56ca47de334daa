import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "cloudfront-s3-origin-private"
S3_ORIGIN = {"origin_id": "s3", "domain_name": "docs.s3.eu-west-1.amazonaws.com", "origin_access_control_id": UNKNOWN}
API_ORIGIN = {"origin_id": "api", "domain_name": "api.example.com", "custom_origin_config": {
    "http_port": 80, "https_port": 443, "origin_protocol_policy": "https-only", "origin_ssl_protocols": ["TLSv1.2"]}}
BEHAVIOUR = {"allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"], "target_origin_id": "s3",
             "viewer_protocol_policy": "https-only"}


def distribution(*origins):
    return resource(aws.cloudfront.Distribution, "site", enabled=True, origins=list(origins),
                    default_cache_behavior=BEHAVIOUR, restrictions={"geo_restriction": {"restriction_type": "none"}},
                    viewer_certificate={"acm_certificate_arn": UNKNOWN, "minimum_protocol_version": "TLSv1.2_2021",
                                        "ssl_support_method": "sni-only"})


def test_s3_origin_with_access_control_passes():
    run(POLICY, distribution(S3_ORIGIN, API_ORIGIN)).assert_clean()
    legacy = {"origin_id": "s3", "domain_name": "docs.s3.amazonaws.com",
              "s3_origin_config": {"origin_access_identity": UNKNOWN}}
    run(POLICY, distribution(legacy)).assert_clean()


@pytest.mark.parametrize("origin", [
    {"origin_id": "s3", "domain_name": "docs.s3.eu-west-1.amazonaws.com"},
    {"origin_id": "s3", "domain_name": UNKNOWN, "s3_origin_config": {"origin_access_identity": ""}},
    {"origin_id": "site", "domain_name": "docs.s3-website-eu-west-1.amazonaws.com"},
], ids=["regional-domain", "empty-oai", "website-endpoint"])
def test_s3_origin_without_access_control_blocks(origin):
    subject = distribution(API_ORIGIN, origin)
    run(POLICY, subject).assert_violation("origins[1] is an S3 origin", on=subject)


def test_origin_of_unknown_kind_is_deferred():
    run(POLICY, distribution({"origin_id": "x", "domain_name": UNKNOWN})).assert_deferred("domainName")


def test_waiver_waives():
    subject = distribution({"origin_id": "s3", "domain_name": "docs.s3.amazonaws.com"})
    run(POLICY, subject, waivers=[waiver(subject, reason="Public marketing assets, bucket is public by design (MKT-2)")]) \
        .assert_waived()
