"""cloudfront-viewer-tls: CloudFront serves viewers over TLS 1.2+ and reaches custom origins over HTTPS.

Why: PCI DSS 4.2.1 wants strong cryptography on both legs of a distribution.

- Viewers: every cache behavior (the default one and each ordered one) uses
  `viewer_protocol_policy` `redirect-to-https` or `https-only`; `allow-all`
  serves cleartext. The viewer certificate's `minimum_protocol_version` is in
  `allowedMinimumProtocolVersions` (default TLSv1.2_2021 and newer). The
  CloudFront default certificate (`*.cloudfront.net`) always accepts TLS 1.0,
  so it is a finding on its own. A custom certificate (ACM or IAM) is served
  with `ssl_support_method="sni-only"`: `vip` and `static-ip` put it on
  dedicated IP addresses that also answer clients without SNI (old
  TLS stacks), at a monthly charge, and are not needed by any client that
  supports TLS 1.2 (AWS Config CLOUDFRONT_SNI_ENABLED).
- Origins: a custom origin uses `origin_protocol_policy="https-only"` and no
  `origin_ssl_protocols` older than TLS 1.2 (`SSLv3`, `TLSv1`, `TLSv1.1`).
  S3 origins are reached over HTTPS by CloudFront.

Values unknown at preview are deferred to `pulumi up`.
"""

from __future__ import annotations

from ..model import ResourceView, dig, is_unknown
from ..rule import Rule
from ._findings import describe, settle
from ._paths import EACH, expand

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
HTTPS_VIEWER_POLICIES = ("redirect-to-https", "https-only")
TLS12_MINIMUM_VERSIONS = ("TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025")
OLD_ORIGIN_PROTOCOLS = ("SSLv3", "TLSv1", "TLSv1.1")
SNI_ONLY = "sni-only"


def _viewer_problems(distribution: ResourceView, problems: list, unknowns: list) -> None:
    behaviors = [("defaultCacheBehavior", distribution.get("defaultCacheBehavior"))]
    behaviors += [(path, b) for path, b in expand(distribution.props, ("orderedCacheBehaviors", EACH)) if b is not None]
    for path, behavior in behaviors:
        policy = dig(behavior, "viewerProtocolPolicy")  # unknown when the whole behavior is
        if is_unknown(policy):
            unknowns.append(f"{path}.viewerProtocolPolicy")
        elif policy not in HTTPS_VIEWER_POLICIES:
            problems.append(f"{path}.viewerProtocolPolicy is {policy!r}, not redirect-to-https or https-only")


def _certificate_problems(distribution: ResourceView, config, problems: list, unknowns: list) -> None:
    certificate = distribution.get("viewerCertificate")
    default = dig(certificate, "cloudfrontDefaultCertificate")
    minimum = dig(certificate, "minimumProtocolVersion")
    if is_unknown(default):
        unknowns.append("viewerCertificate.cloudfrontDefaultCertificate")
    elif default is True:
        problems.append("viewerCertificate uses the CloudFront default certificate, which accepts TLS 1.0; "
                        "use an ACM certificate (acm_certificate_arn, ssl_support_method='sni-only')")
        return
    _sni_problems(certificate, problems, unknowns)
    if is_unknown(minimum):
        unknowns.append("viewerCertificate.minimumProtocolVersion")
    elif minimum not in config["allowedMinimumProtocolVersions"]:
        shown = "not set" if minimum is None else repr(minimum)
        problems.append(f"viewerCertificate.minimumProtocolVersion is {shown}, not one of "
                        f"{list(config['allowedMinimumProtocolVersions'])}")


def _sni_problems(certificate, problems: list, unknowns: list) -> None:
    custom = [dig(certificate, key) for key in ("acmCertificateArn", "iamCertificateId")]
    if all(value is None for value in custom):
        return
    method = dig(certificate, "sslSupportMethod")
    if is_unknown(method):
        unknowns.append("viewerCertificate.sslSupportMethod")
    elif method != SNI_ONLY:
        shown = "not set" if method is None else repr(method)
        problems.append(f"viewerCertificate.sslSupportMethod is {shown}; serve the custom certificate with "
                        f"ssl_support_method='{SNI_ONLY}', not on dedicated IP addresses")


def _origin_problems(distribution: ResourceView, problems: list, unknowns: list) -> None:
    for path, custom in expand(distribution.props, ("origins", EACH, "customOriginConfig")):
        if custom is None:
            continue
        # both unknown when the whole customOriginConfig is
        policy, protocols = dig(custom, "originProtocolPolicy"), dig(custom, "originSslProtocols")
        if is_unknown(policy):
            unknowns.append(f"{path}.originProtocolPolicy")
        elif policy != "https-only":
            problems.append(f"{path}.originProtocolPolicy is {policy!r}, not https-only")
        if is_unknown(protocols):
            unknowns.append(f"{path}.originSslProtocols")
        elif isinstance(protocols, list):
            old = [p for p in protocols if p in OLD_ORIGIN_PROTOCOLS]
            if old:
                problems.append(f"{path}.originSslProtocols allows {old}; keep only TLSv1.2")


def check(distribution: ResourceView, config):
    problems, unknowns = [], []
    _viewer_problems(distribution, problems, unknowns)
    _certificate_problems(distribution, config, problems, unknowns)
    _origin_problems(distribution, problems, unknowns)
    yield from settle(problems, unknowns, subject=describe(distribution))


RULE = Rule(
    name="cloudfront-viewer-tls",
    description=("CloudFront distributions require HTTPS from viewers with a TLS 1.2+ minimum protocol, serve custom "
                 "certificates by SNI, and reach custom origins over HTTPS with TLS 1.2."),
    severity="high",
    pci_dss=("4.2.1",),
    soc2=("CC6.7",),
    remediation=("Set viewer_protocol_policy='redirect-to-https' on default_cache_behavior and every "
                 "ordered_cache_behaviors entry; viewer_certificate={'acm_certificate_arn': cert.arn, "
                 "'ssl_support_method': 'sni-only', 'minimum_protocol_version': 'TLSv1.2_2021'}; custom origins "
                 "with origin_protocol_policy='https-only' and origin_ssl_protocols=['TLSv1.2']."),
    check=check,
    resource_types=(DISTRIBUTION,),
    config_properties={
        "allowedMinimumProtocolVersions": {
            "type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
            "description": "CloudFront viewer minimum_protocol_version values accepted (TLS 1.2 or newer).",
        },
    },
    default_config={"allowedMinimumProtocolVersions": list(TLS12_MINIMUM_VERSIONS)},
    violation_example=('aws.cloudfront.Distribution("site", default_cache_behavior={"viewer_protocol_policy": '
                       '"allow-all", ...}, viewer_certificate={"cloudfront_default_certificate": True}, ...)'),
)
