import pytest
from perimeter_policies.model import UNKNOWN

from tests.policy_harness import analyze, resource

POLICY = "s3-no-public-acl"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl"
BUCKET_ACL_V2 = "aws:s3/bucketAclV2:BucketAclV2"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"

OWNER_GRANT = {"grantee": {"type": "CanonicalUser", "id": UNKNOWN}, "permission": "FULL_CONTROL"}
COMPLIANT = {
    BUCKET: {"bucket": "perimeter-data", "acl": "private"},
    BUCKET_ACL: {"bucket": UNKNOWN, "accessControlPolicy": {"owner": {"id": UNKNOWN}, "grants": [OWNER_GRANT]}},
    BUCKET_ACL_V2: {"bucket": UNKNOWN, "acl": "log-delivery-write"},
    OWNERSHIP: {"bucket": UNKNOWN, "rule": {"objectOwnership": "BucketOwnerEnforced"}},
}


def group_grant(uri, permission="READ"):
    return {"grantee": {"type": "Group", "uri": uri}, "permission": permission}


def subject(type_, **changes):
    inputs = {**COMPLIANT[type_], **changes}
    return resource(type_, "data", {k: v for k, v in inputs.items() if v is not None})


@pytest.mark.parametrize("type_", list(COMPLIANT))
def test_compliant_baseline_passes_with_unknown_ids(type_):
    result = analyze(POLICY, subject(type_))
    assert result.clean and not result.deferred


@pytest.mark.parametrize("type_, mutation, named", [
    (BUCKET, {"acl": "public-read"}, "acl='public-read'"),
    (BUCKET, {"acl": "public-read-write"}, "acl='public-read-write'"),
    (BUCKET, {"acl": "authenticated-read"}, "acl='authenticated-read'"),
    (BUCKET, {"acl": None, "grants": [{"type": "Group", "uri": ALL_USERS, "permissions": ["READ"]}]}, "AllUsers"),
    (BUCKET_ACL, {"acl": "public-read"}, "acl='public-read'"),
    (BUCKET_ACL, {"accessControlPolicy": {"grants": [OWNER_GRANT, group_grant(ALL_USERS)]}}, "grants[1]"),
    (BUCKET_ACL_V2, {"acl": None, "accessControlPolicy": {"grants": [group_grant(AUTHENTICATED_USERS)]}},
     "AuthenticatedUsers"),
    (OWNERSHIP, {"rule": {"objectOwnership": "BucketOwnerPreferred"}}, "BucketOwnerPreferred"),
    (OWNERSHIP, {"rule": {"objectOwnership": "ObjectWriter"}}, "ObjectWriter"),
])
def test_each_public_acl_or_acl_enabling_setting_blocks(type_, mutation, named):
    result = analyze(POLICY, subject(type_, **mutation))
    assert len(result.violations) == 1
    assert named in result.violations[0][0]


def test_log_delivery_group_grant_is_not_public():
    grants = {"grants": [OWNER_GRANT, group_grant(LOG_DELIVERY, "WRITE")]}
    assert analyze(POLICY, subject(BUCKET_ACL, accessControlPolicy=grants)).clean


def test_public_grant_still_blocks_beside_unknown_grantee_ids():
    grants = {"owner": {"id": UNKNOWN}, "grants": [OWNER_GRANT, group_grant(ALL_USERS)]}
    result = analyze(POLICY, subject(BUCKET_ACL, bucket=UNKNOWN, expectedBucketOwner=UNKNOWN, accessControlPolicy=grants))
    assert len(result.violations) == 1 and not result.cant_run


@pytest.mark.parametrize("type_, mutation", [
    (BUCKET_ACL_V2, {"acl": UNKNOWN}),
    (BUCKET_ACL, {"accessControlPolicy": {"grants": UNKNOWN}}),
    (BUCKET_ACL, {"accessControlPolicy": {"grants": [group_grant(UNKNOWN)]}}),
    (OWNERSHIP, {"rule": {"objectOwnership": UNKNOWN}}),
])
def test_unknown_setting_is_deferred_not_cant_run(type_, mutation):
    result = analyze(POLICY, subject(type_, **mutation))
    assert result.clean and len(result.deferred) == 1


BUCKET_V2 = "aws:s3/bucketV2:BucketV2"


@pytest.mark.parametrize("acl", ["public-read", "public-read-write", "authenticated-read"])
def test_deprecated_bucket_v2_with_a_public_canned_acl_blocks(acl):
    result = analyze(POLICY, resource(BUCKET_V2, "data", {"bucket": "perimeter-data", "acl": acl}))
    assert len(result.violations) == 1 and f"acl='{acl}'" in result.violations[0][0]


def test_deprecated_bucket_v2_with_a_private_acl_passes():
    assert analyze(POLICY, resource(BUCKET_V2, "data", {"bucket": "perimeter-data", "acl": "private"})).clean


@pytest.mark.parametrize("type_, changes, finding", [
    (BUCKET, {"acl": None, "grants": [{"type": "Group", "uri": ALL_USERS, "permissions": ["READ"]}]},
     f"Bucket 'data' grants[0] grants access to the public group {ALL_USERS}."),
    (BUCKET_ACL, {"accessControlPolicy": {"grants": [OWNER_GRANT, group_grant(AUTHENTICATED_USERS)]}},
     f"BucketAcl 'data' accessControlPolicy.grants[1] grants access to the public group {AUTHENTICATED_USERS}."),
], ids=["inline-grants", "access-control-policy"])
def test_public_grant_names_the_grant_and_the_group(type_, changes, finding):
    result = analyze(POLICY, subject(type_, **changes))
    assert len(result.violations) == 1 and finding in result.violations[0][0].splitlines()


@pytest.mark.parametrize("type_, changes, reason", [
    (BUCKET, {"acl": UNKNOWN}, "Bucket 'data': acl is unknown at preview"),
    (BUCKET, {"acl": None, "grants": UNKNOWN}, "Bucket 'data': grants is unknown at preview"),
    (BUCKET, {"acl": None, "grants": [UNKNOWN]}, "Bucket 'data': grants[0] grantee is unknown at preview"),
    (BUCKET_ACL, {"accessControlPolicy": {"grants": [OWNER_GRANT, {"grantee": UNKNOWN, "permission": "READ"}]}},
     "BucketAcl 'data': accessControlPolicy.grants[1] grantee is unknown at preview"),
    (OWNERSHIP, {"rule": {"objectOwnership": UNKNOWN}},
     "BucketOwnershipControls 'data': rule.objectOwnership is unknown at preview"),
], ids=["acl", "grants", "grantee", "acp-grantee", "ownership"])
def test_deferral_names_the_unknown_input(type_, changes, reason):
    result = analyze(POLICY, subject(type_, **changes))
    assert result.clean and [d["message"] for d in result.deferred] == [reason]
