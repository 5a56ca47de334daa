import pytest
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE, mutated
from tests.policies._waivers import WAIVER
from tests.policy_harness import analyze, resource

POLICY = "cloudfront-viewer-tls"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
COMPLIANT = {
    "enabled": True,
    "origins": [
        {"originId": "app", "domainName": "app.example.com",
         "customOriginConfig": {"httpPort": 80, "httpsPort": 443, "originProtocolPolicy": "https-only",
                                "originSslProtocols": ["TLSv1.2"]}},
        {"originId": "assets", "domainName": UNKNOWN, "originAccessControlId": UNKNOWN},
    ],
    "defaultCacheBehavior": {"targetOriginId": "app", "viewerProtocolPolicy": "redirect-to-https",
                             "allowedMethods": ["GET", "HEAD"], "cachedMethods": ["GET", "HEAD"]},
    "orderedCacheBehaviors": [{"pathPattern": "/assets/*", "targetOriginId": "assets",
                               "viewerProtocolPolicy": "https-only", "allowedMethods": ["GET", "HEAD"],
                               "cachedMethods": ["GET", "HEAD"]}],
    "viewerCertificate": {"acmCertificateArn": UNKNOWN, "sslSupportMethod": "sni-only",
                          "minimumProtocolVersion": "TLSv1.2_2021"},
    "restrictions": {"geoRestriction": {"restrictionType": "none"}},
}


def distribution(inputs=COMPLIANT):
    return resource(DISTRIBUTION, "data", inputs, region=None)


def test_compliant_distribution_passes():
    result = analyze(POLICY, distribution())
    assert result.clean and not result.deferred


MUTATIONS = [
    (("defaultCacheBehavior", "viewerProtocolPolicy"), "allow-all", "defaultCacheBehavior.viewerProtocolPolicy is 'allow-all'"),
    (("orderedCacheBehaviors", 0, "viewerProtocolPolicy"), "allow-all", "orderedCacheBehaviors[0].viewerProtocolPolicy"),
    (("viewerCertificate", "minimumProtocolVersion"), "TLSv1.2_2019", "minimumProtocolVersion is 'TLSv1.2_2019'"),
    (("viewerCertificate", "minimumProtocolVersion"), "TLSv1", "minimumProtocolVersion is 'TLSv1'"),
    (("viewerCertificate", "minimumProtocolVersion"), REMOVE, "minimumProtocolVersion is not set"),
    (("viewerCertificate",), {"cloudfrontDefaultCertificate": True}, "CloudFront default certificate"),
    (("viewerCertificate", "sslSupportMethod"), "vip", "sslSupportMethod is 'vip'; serve the custom certificate with "
                                                       "ssl_support_method='sni-only'"),
    (("viewerCertificate", "sslSupportMethod"), "static-ip", "sslSupportMethod is 'static-ip'"),
    (("viewerCertificate", "sslSupportMethod"), REMOVE, "sslSupportMethod is not set"),
    (("viewerCertificate",), {"iamCertificateId": "ASCA0000", "sslSupportMethod": "vip",
                              "minimumProtocolVersion": "TLSv1.2_2021"}, "sslSupportMethod is 'vip'"),
    (("origins", 0, "customOriginConfig", "originProtocolPolicy"), "match-viewer", "origins[0].customOriginConfig.originProtocolPolicy"),
    (("origins", 0, "customOriginConfig", "originProtocolPolicy"), "http-only", "not https-only"),
    (("origins", 0, "customOriginConfig", "originSslProtocols"), ["TLSv1", "TLSv1.2"], "allows ['TLSv1']"),
]


@pytest.mark.parametrize("path, value, named", MUTATIONS)
def test_each_violation_blocks(path, value, named):
    result = analyze(POLICY, distribution(mutated(COMPLIANT, path, value)))
    assert len(result.violations) == 1 and named in result.violations[0][0]


def test_configurable_minimum_versions():
    config = {"allowedMinimumProtocolVersions": ["TLSv1.3_2025"]}
    assert len(analyze(POLICY, distribution(), config).violations) == 1


@pytest.mark.parametrize("path", [
    ("defaultCacheBehavior", "viewerProtocolPolicy"), ("viewerCertificate",),
    ("viewerCertificate", "minimumProtocolVersion"), ("origins", 0, "customOriginConfig"),
    ("viewerCertificate", "sslSupportMethod"),
])
def test_unknown_values_are_deferred(path):
    result = analyze(POLICY, distribution(mutated(COMPLIANT, path, UNKNOWN)))
    assert result.clean and result.deferred


def test_unknown_support_method_is_named():
    result = analyze(POLICY, distribution(mutated(COMPLIANT, ("viewerCertificate", "sslSupportMethod"), UNKNOWN)))
    assert result.clean and "viewerCertificate.sslSupportMethod unknown" in result.deferred[0]["message"]


def test_sni_applies_to_custom_certificates_only():
    no_custom = mutated(COMPLIANT, ("viewerCertificate",), {"minimumProtocolVersion": "TLSv1.2_2021"})
    result = analyze(POLICY, distribution(no_custom))
    assert result.clean and not result.deferred
    iam = mutated(COMPLIANT, ("viewerCertificate",), {"iamCertificateId": "ASCA0000", "sslSupportMethod": "sni-only",
                                                      "minimumProtocolVersion": "TLSv1.2_2021"})
    result = analyze(POLICY, distribution(iam))
    assert result.clean and not result.deferred


def test_known_problem_blocks_beside_unknowns():
    inputs = mutated(mutated(COMPLIANT, ("viewerCertificate",), UNKNOWN),
                     ("defaultCacheBehavior", "viewerProtocolPolicy"), "allow-all")
    assert len(analyze(POLICY, distribution(inputs)).violations) == 1


def test_waiver_applies():
    inputs = mutated(COMPLIANT, ("defaultCacheBehavior", "viewerProtocolPolicy"), "allow-all")
    result = analyze(POLICY, distribution(inputs), {"waivers": [WAIVER]})
    assert not result.violations and len(result.waived) == 1


def test_default_certificate_message_names_the_fix():
    inputs = mutated(COMPLIANT, ("viewerCertificate",), {"cloudfrontDefaultCertificate": True})
    assert analyze(POLICY, distribution(inputs)).finding() == (
        "Distribution 'data': viewerCertificate uses the CloudFront default certificate, which accepts TLS 1.0; "
        "use an ACM certificate (acm_certificate_arn, ssl_support_method='sni-only').")


@pytest.mark.parametrize("path, deferral", [
    (("viewerCertificate", "cloudfrontDefaultCertificate"),
     "Distribution 'data': viewerCertificate.cloudfrontDefaultCertificate unknown at preview"),
    (("viewerCertificate", "minimumProtocolVersion"),
     "Distribution 'data': viewerCertificate.minimumProtocolVersion unknown at preview"),
    (("viewerCertificate",),
     "Distribution 'data': viewerCertificate.cloudfrontDefaultCertificate, viewerCertificate.sslSupportMethod, "
     "viewerCertificate.minimumProtocolVersion unknown at preview"),
    (("origins", 0, "customOriginConfig", "originProtocolPolicy"),
     "Distribution 'data': origins[0].customOriginConfig.originProtocolPolicy unknown at preview"),
    (("origins", 0, "customOriginConfig", "originSslProtocols"),
     "Distribution 'data': origins[0].customOriginConfig.originSslProtocols unknown at preview"),
    (("origins", 0, "customOriginConfig"),
     "Distribution 'data': origins[0].customOriginConfig.originProtocolPolicy, "
     "origins[0].customOriginConfig.originSslProtocols unknown at preview"),
])
def test_deferral_names_each_unknown_setting(path, deferral):
    result = analyze(POLICY, distribution(mutated(COMPLIANT, path, UNKNOWN)))
    assert result.clean and [d["message"] for d in result.deferred] == [deferral]


def test_custom_origin_after_an_s3_origin_is_checked():
    s3_origin, custom_origin = COMPLIANT["origins"][1], COMPLIANT["origins"][0]
    inputs = mutated(COMPLIANT, ("origins",), [
        s3_origin, {**custom_origin, "customOriginConfig": {"originProtocolPolicy": "http-only"}}])
    assert analyze(POLICY, distribution(inputs)).finding() == (
        "Distribution 'data': origins[1].customOriginConfig.originProtocolPolicy is 'http-only', not https-only.")
