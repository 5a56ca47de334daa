import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, raw, resource, run, waiver

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


def public(index):
    return (f"origins[{index}] is an S3 origin without origin_access_control_id (or an origin access identity), "
            "so the bucket must be public or is reachable around CloudFront")


def with_origins(*origins):
    """The distribution with wire-level origins (values the typed arguments would refuse)."""
    return raw("aws:cloudfront/distribution:Distribution", "site", {"enabled": True, "origins": list(origins)})


@pytest.mark.parametrize("domain", [
    "docs.s3.amazonaws.com", "docs.s3.eu-west-1.amazonaws.com", "docs.s3-eu-west-1.amazonaws.com",
    "docs.s3.cn-north-1.amazonaws.com.cn", "Docs.S3.EU-WEST-1.AmazonAWS.com", "docs.s3-website-eu-west-1.amazonaws.com",
    "docs.s3-website.eu-west-1.amazonaws.com",
])
def test_every_s3_endpoint_is_an_s3_origin(domain):
    subject = distribution(API_ORIGIN, {"origin_id": "s3", "domain_name": domain})
    assert run(POLICY, subject).finding() == f"Distribution 'site': {public(1)}."


@pytest.mark.parametrize("domain", [
    "api.example.com", "s3.example.com", "docs.s3.amazonaws.com.example.com", "docs.s3.amazonaws.community",
    "docs-s3.amazonaws.com", "docs.s3.eu_west_1.amazonaws.com",
])
def test_other_domains_are_not_s3_origins(domain):
    run(POLICY, distribution({"origin_id": "web", "domain_name": domain})).assert_clean()


@pytest.mark.parametrize("origin", [
    {"originId": "s3", "domainName": "docs.s3.amazonaws.com", "originAccessControlId": ""},
    {"originId": "s3", "domainName": "docs.s3.amazonaws.com", "originAccessControlId": "   "},
    {"originId": "s3", "domainName": "docs.s3.amazonaws.com", "originAccessControlId": 7},
    {"originId": "s3", "domainName": "docs.s3.amazonaws.com", "s3OriginConfig": {"originAccessIdentity": " "}},
    {"originId": "s3", "domainName": "docs.s3.amazonaws.com", "s3OriginConfig": {}},
    {"originId": "s3", "domainName": "web.example.com", "s3OriginConfig": {"originAccessIdentity": ""}},
], ids=["empty-oac", "blank-oac", "number-oac", "blank-oai", "no-oai", "s3-config-on-any-domain"])
def test_blank_or_malformed_access_blocks(origin):
    assert run(POLICY, with_origins(origin)).finding() == f"Distribution 'site': {public(0)}."


@pytest.mark.parametrize("origin", [
    {"originId": "s3", "domainName": "docs.s3.amazonaws.com", "originAccessControlId": "E2QWRUHAPOMQZL"},
    {"originId": "s3", "domainName": "docs.s3.amazonaws.com", "originAccessControlId": "",
     "s3OriginConfig": {"originAccessIdentity": "origin-access-identity/cloudfront/E1"}},
    {"originId": "s3", "domainName": UNKNOWN, "s3OriginConfig": {"originAccessIdentity": UNKNOWN}},
], ids=["oac", "oai-beside-empty-oac", "unknown-oai"])
def test_either_access_control_passes(origin):
    run(POLICY, with_origins(origin)).assert_clean()


def test_finding_lists_every_public_origin():
    bare = {"originId": "s3", "domainName": "docs.s3.amazonaws.com"}
    assert run(POLICY, with_origins(bare, {"originId": "api", "domainName": "api.example.com"}, bare)).finding() == (
        f"Distribution 'site': {public(0)}; {public(2)}.")


def test_non_object_origins_are_skipped():
    run(POLICY, with_origins("docs.s3.amazonaws.com", None)).assert_clean()


@pytest.mark.parametrize("origins, message", [
    ([UNKNOWN], "Distribution 'site': origins[0] unknown at preview"),
    ([{"originId": "x", "domainName": UNKNOWN}, UNKNOWN],
     "Distribution 'site': origins[0].domainName, origins[1] unknown at preview"),
])
def test_deferral_names_what_preview_cannot_see(origins, message):
    result = run(POLICY, with_origins(*origins))
    assert result.clean and [d["message"] for d in result.deferred] == [message]


def test_custom_origin_of_unknown_domain_is_not_s3():
    origin = {"originId": "api", "domainName": UNKNOWN, "customOriginConfig": {"httpPort": 80}}
    run(POLICY, with_origins(origin)).assert_clean()


def test_known_public_origin_blocks_beside_an_unknown():
    bare = {"originId": "s3", "domainName": "docs.s3.amazonaws.com"}
    assert run(POLICY, with_origins(UNKNOWN, bare)).finding() == f"Distribution 'site': {public(1)}."


@pytest.mark.parametrize("first", [
    None, {"originId": "s3", "domainName": "docs.s3.amazonaws.com", "originAccessControlId": "E2QWRUHAPOMQZL"},
], ids=["non-object", "private"])
def test_origins_after_a_skipped_or_private_one_are_still_checked(first):
    bare = {"originId": "s3", "domainName": "assets.s3.amazonaws.com"}
    assert run(POLICY, with_origins(first, bare)).finding() == f"Distribution 'site': {public(1)}."
