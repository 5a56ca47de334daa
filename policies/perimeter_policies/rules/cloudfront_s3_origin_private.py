"""cloudfront-s3-origin-private: CloudFront reaches S3 origins through origin access control, not a public bucket.

Why: a CloudFront distribution serving from S3 without origin access control
(or the legacy origin access identity) only works if the bucket is readable
by everyone, or it leaves a second, uncached, unlogged path to the objects
around CloudFront's TLS policy and WAF (PCI DSS 1.4.2, 7.3.1; AWS Config
CLOUDFRONT_S3_ORIGIN_ACCESS_CONTROL_ENABLED and
CLOUDFRONT_ORIGIN_ACCESS_IDENTITY_ENABLED). An origin counts as S3 when it has
an `s3_origin_config` or its domain name is an S3 endpoint
(`<bucket>.s3.<region>.amazonaws.com`, `.s3.amazonaws.com`); it is private
when `origin_access_control_id` is set, or `s3_origin_config.origin_access_identity`
is. S3 website endpoints are public by design and are reported too. Values
unknown at preview are outputs of an OAC or OAI and count as set.
"""

from __future__ import annotations

import re

from ..model import ResourceView, dig, is_unknown
from ..rule import Rule
from ._findings import describe, settle
from ._paths import EACH, expand

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
S3_DOMAIN = re.compile(r"\.s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$|\.s3-website[.-]", re.IGNORECASE)


def _set(value) -> bool:
    return is_unknown(value) or (isinstance(value, str) and bool(value.strip()))


def check(distribution: ResourceView, config):
    problems, unknowns = [], []
    for path, origin in expand(distribution.props, ("origins", EACH)):
        if is_unknown(origin):
            unknowns.append(path)
            continue
        if not isinstance(origin, dict):
            continue
        domain = origin.get("domainName")
        s3_config = origin.get("s3OriginConfig")
        is_s3 = s3_config is not None or (isinstance(domain, str) and bool(S3_DOMAIN.search(domain)))
        if not is_s3:
            if is_unknown(domain) and origin.get("customOriginConfig") is None:
                unknowns.append(f"{path}.domainName")
            continue
        if _set(origin.get("originAccessControlId")) or _set(dig(s3_config, "originAccessIdentity")):
            continue
        problems.append(f"{path} is an S3 origin without origin_access_control_id (or an origin access identity), "
                        "so the bucket must be public or is reachable around CloudFront")
    yield from settle(problems, unknowns, subject=describe(distribution))


RULE = Rule(
    name="cloudfront-s3-origin-private",
    description="CloudFront S3 origins use origin access control (or an origin access identity).",
    severity="high",
    pci_dss=("1.4.2", "7.3.1"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Create an aws.cloudfront.OriginAccessControl (origin_access_control_origin_type='s3', "
                 "signing_behavior='always', signing_protocol='sigv4'), set origin_access_control_id on the S3 "
                 "origin, and allow only cloudfront.amazonaws.com with aws:SourceArn = the distribution in the "
                 "bucket policy."),
    check=check,
    resource_types=(DISTRIBUTION,),
    violation_example=('aws.cloudfront.Distribution("site", origins=[{"domain_name": bucket.bucket_regional_domain_name, '
                       '"origin_id": "s3"}], ...)'),
)
