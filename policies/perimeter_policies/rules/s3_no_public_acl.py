"""s3-no-public-acl: no S3 ACL grants access to everyone, and ACLs are disabled.

Why: an ACL grant to the AllUsers or AuthenticatedUsers group (or the
`public-read`, `public-read-write` and `authenticated-read` canned ACLs) opens
a bucket to the internet or to every AWS account, bypassing the bucket policy
a reviewer reads (PCI DSS 1.4.4, 7.3.1). AWS recommends disabling ACLs
altogether with object ownership `BucketOwnerEnforced`, so access is decided by
policies alone; any other ownership setting leaves ACLs in force and is a
violation too.
"""

from ..model import ResourceView, Violation, as_list, dig, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview
from ._s3 import BUCKETS

ACL_TYPES = ("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2")
OWNERSHIP_CONTROLS = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
PUBLIC_CANNED_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
# Grantee URIs are http://acs.amazonaws.com/groups/global/<group>.
PUBLIC_GROUPS = ("/groups/global/allusers", "/groups/global/authenticatedusers")
ACLS_DISABLED = "BucketOwnerEnforced"


def check(resource: ResourceView, config):
    if resource.type == OWNERSHIP_CONTROLS:
        yield from _ownership(resource)
        return
    yield from _canned_acl(resource)
    if resource.type in BUCKETS:
        yield from _grants(resource, "grants", resource.get("grants"), ("uri",))  # deprecated inline grants
    else:
        yield from _grants(resource, "accessControlPolicy.grants", resource.get("accessControlPolicy", "grants"),
                           ("grantee", "uri"))


def _canned_acl(resource: ResourceView):
    acl = resource.get("acl")
    if is_unknown(acl):
        yield unknown_at_preview(resource, "acl")
    elif isinstance(acl, str) and acl in PUBLIC_CANNED_ACLS:
        yield Violation(f"{describe(resource)} sets the public canned ACL acl={acl!r}.")


def _grants(resource: ResourceView, field: str, grants, uri_path: tuple):
    grants = as_list(grants)
    if is_unknown(grants):
        yield unknown_at_preview(resource, field)
        return
    for index, grant in enumerate(grants):
        uri = dig(grant, *uri_path)
        if is_unknown(uri):
            yield unknown_at_preview(resource, f"{field}[{index}] grantee")
        elif isinstance(uri, str) and uri.lower().endswith(PUBLIC_GROUPS):
            yield Violation(f"{describe(resource)} {field}[{index}] grants access to the public group {uri}.")


def _ownership(controls: ResourceView):
    ownership = controls.get("rule", "objectOwnership")
    if is_unknown(ownership):
        yield unknown_at_preview(controls, "rule.objectOwnership")
    elif ownership != ACLS_DISABLED:
        yield Violation(f"{describe(controls)} has rule.objectOwnership={ownership!r}, which keeps ACLs in force; "
                        f"use {ACLS_DISABLED!r} to disable them.")


RULE = Rule(
    name="s3-no-public-acl",
    description="S3 ACLs must not grant public access, and bucket ownership controls must disable ACLs.",
    severity="high",
    pci_dss=("1.4.4", "7.3.1"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Remove acl / grants from aws.s3.Bucket and aws.s3.BucketAcl (no public-read, public-read-write, "
                 "authenticated-read, AllUsers or AuthenticatedUsers grants) and set "
                 "rule={'object_ownership': 'BucketOwnerEnforced'} on aws.s3.BucketOwnershipControls."),
    check=check,
    resource_types=BUCKETS + ACL_TYPES + (OWNERSHIP_CONTROLS,),
    violation_example='aws.s3.BucketAcl("site", bucket=bucket.id, acl="public-read")',
)
