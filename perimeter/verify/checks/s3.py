"""S3 buckets (encryption, public access, ownership, versioning, TLS, lifecycle) and the account block."""

from __future__ import annotations

import json

from ..outputs import ACCOUNT_PUBLIC_ACCESS_BLOCK, BUCKET
from . import check
from ._keys import key_problems

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
BLOCK_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
OWNER_ENFORCED = "BucketOwnerEnforced"


def bucket_encryption_problems(reader, bucket: str, expected_key=None):
    """Shared with the invocation-logging check, which needs its destination bucket encrypted too."""
    answer = reader.call("s3", "GetBucketEncryption", absent=frozenset({"ServerSideEncryptionConfigurationNotFoundError"}),
                         Bucket=bucket)
    rules = (answer or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    defaults = [r.get("ApplyServerSideEncryptionByDefault", {}) for r in rules]
    kms = next((d for d in defaults if d.get("SSEAlgorithm") in KMS_ALGORITHMS), None)
    if kms is None:
        algorithms = ", ".join(d.get("SSEAlgorithm", "?") for d in defaults) or "none"
        yield f"bucket {bucket} default encryption is {algorithms}, not SSE-KMS."
        return
    yield from key_problems(reader, f"bucket {bucket}", kms.get("KMSMasterKeyID"), expected_key)


@check("cmk-encryption-at-rest", BUCKET)
def bucket_encrypted_with_expected_key(reader, target):
    yield from bucket_encryption_problems(reader, target.spec["name"], target.spec.get("kmsKeyArn"))


def _block_problems(what: str, answer):
    if answer is None:
        yield f"{what} has no public access block, so every flag is off."
        return
    flags = answer["PublicAccessBlockConfiguration"]
    off = [flag for flag in BLOCK_FLAGS if flags.get(flag) is not True]
    if off:
        yield f"{what} public access block leaves {', '.join(off)} off; all four flags must be on."


@check("s3-public-access-blocked", BUCKET)
def bucket_public_access_blocked(reader, target):
    answer = reader.call("s3", "GetPublicAccessBlock", absent=frozenset({"NoSuchPublicAccessBlockConfiguration"}),
                         Bucket=target.spec["name"])
    yield from _block_problems(f"bucket {target.spec['name']}", answer)


@check("s3-public-access-blocked", ACCOUNT_PUBLIC_ACCESS_BLOCK)
def account_public_access_blocked(reader, target):
    answer = reader.call("s3control", "GetPublicAccessBlock",
                         absent=frozenset({"NoSuchPublicAccessBlockConfiguration"}), AccountId=reader.account_id)
    yield from _block_problems(f"account {reader.account_id}", answer)


@check("s3-ownership-enforced", BUCKET)
def bucket_owner_enforced(reader, target):
    answer = reader.call("s3", "GetBucketOwnershipControls", absent=frozenset({"OwnershipControlsNotFoundError"}),
                         Bucket=target.spec["name"])
    rules = (answer or {}).get("OwnershipControls", {}).get("Rules", [])
    if not any(rule.get("ObjectOwnership") == OWNER_ENFORCED for rule in rules):
        current = ", ".join(r.get("ObjectOwnership", "?") for r in rules) or "none"
        yield f"bucket {target.spec['name']} object ownership is {current}; {OWNER_ENFORCED} disables ACLs."


@check("s3-bucket-versioning", BUCKET)
def bucket_versioned(reader, target):
    status = reader.call("s3", "GetBucketVersioning", Bucket=target.spec["name"]).get("Status")
    if status != "Enabled":
        yield f"bucket {target.spec['name']} versioning is {status or 'never enabled'}; it must be Enabled."


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _denies_plain_http(statement) -> bool:
    """Deny, to everybody, every S3 action, when the request is not over TLS."""
    insecure = {key.lower(): value for key, value in statement.get("Condition", {}).get("Bool", {}).items()}
    principal = statement.get("Principal")
    everybody = principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS")))
    return (statement.get("Effect") == "Deny" and everybody
            and any(str(v).lower() == "false" for v in _as_list(insecure.get("aws:securetransport")))
            and any(a in ("*", "s3:*") for a in _as_list(statement.get("Action"))))


@check("s3-tls-only", BUCKET)
def bucket_requires_tls(reader, target):
    bucket = target.spec["name"]
    answer = reader.call("s3", "GetBucketPolicy", absent=frozenset({"NoSuchBucketPolicy"}), Bucket=bucket)
    if answer is None:
        yield f"bucket {bucket} has no bucket policy, so plain-HTTP requests are not denied."
        return
    statements = _as_list(json.loads(answer["Policy"]).get("Statement", []))
    if not any(_denies_plain_http(s) for s in statements):
        yield (f"bucket {bucket} policy has no statement denying s3:* to everyone when "
               "aws:SecureTransport is false.")


@check("s3-lifecycle-bounded", BUCKET)
def bucket_lifecycle_bounded(reader, target):
    bucket, bounds = target.spec["name"], target.spec["retentionDays"]
    answer = reader.call("s3", "GetBucketLifecycleConfiguration",
                         absent=frozenset({"NoSuchLifecycleConfiguration"}), Bucket=bucket)
    rules = [r for r in (answer or {}).get("Rules", []) if r.get("Status") == "Enabled"]
    current = [r["Expiration"]["Days"] for r in rules if "Days" in r.get("Expiration", {})]
    noncurrent = [r["NoncurrentVersionExpiration"]["NoncurrentDays"] for r in rules
                  if "NoncurrentDays" in r.get("NoncurrentVersionExpiration", {})]
    if not current:
        yield f"bucket {bucket} has no enabled lifecycle rule expiring objects, so data is kept forever."
    elif not any(bounds["min"] <= days <= bounds["max"] for days in current):
        yield (f"bucket {bucket} expires objects after {', '.join(map(str, current))} days; "
               f"expected between {bounds['min']} and {bounds['max']}.")
    if not any(days <= bounds["max"] for days in noncurrent):
        yield (f"bucket {bucket} never expires noncurrent versions within {bounds['max']} days, so versioning "
               "keeps deleted data forever.")
