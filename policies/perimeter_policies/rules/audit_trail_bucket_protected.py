"""audit-trail-bucket-protected: the bucket a CloudTrail trail writes to cannot have its logs deleted.

Why: an attacker's first clean-up step is the audit trail. PCI DSS 10.3.2
wants audit logs protected from modification and 10.3.3/10.5.1 want them
kept; log-file validation (`cloudtrail-integrity`) only *detects* tampering.
So each bucket in the stack that a trail's `s3_bucket_name` points at must
refuse deletion by one of:

- S3 Object Lock with a default retention: an
  `aws.s3.BucketObjectLockConfiguration` (or V2) for the bucket whose
  `rule.default_retention` sets days or years (or the deprecated inline
  `object_lock_configuration.rule.default_retention` on the bucket); or
- a bucket policy (`aws.s3.BucketPolicy` for the bucket, or the inline
  `policy`) with a Deny for everyone (`"*"`) covering both
  `s3:DeleteObject` and `s3:DeleteObjectVersion` (e.g. `s3:Delete*` or
  `s3:*`), with no condition other than a negated one on who the caller is
  (`ArnNotEquals aws:PrincipalArn <break-glass role>`, visible in the policy).
  A Deny scoped by another condition (e.g. the TLS-only `aws:SecureTransport`
  one) leaves deletes open. Lifecycle expiry is S3's own action and is not
  affected.

A trail writing to a bucket of another program (a literal name not declared
here) is out of this program's reach. Policies or references unknown at
preview are deferred.

Configurable: `objectLockScope: "all-buckets"` requires Object Lock with a
default retention on EVERY bucket in the stack (AWS Config's
S3_BUCKET_DEFAULT_LOCK_ENABLED); a deny-delete policy then no longer stands in
for it. `objectLockMode` (GOVERNANCE or COMPLIANCE) also requires that mode of
every default retention that counts. The default scope is the audit trail's
buckets: Object Lock on every bucket would keep data that PCI DSS 3.2.1 wants
disposed of (prompt logs, expired sources) until its retention ends.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import UNKNOWN, Deferred, StackView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe
from ._iam_policy import all_of, allows_action, any_of, applies_to_everyone, denies, document_holds
from ._links import references
from ._s3 import BUCKETS

TRAIL = "aws:cloudtrail/trail:Trail"
OBJECT_LOCKS = ("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
                "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2")
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
DELETE_ACTIONS = ("s3:DeleteObject", "s3:DeleteObjectVersion")
NEGATED_OPERATORS = ("stringnotequals", "stringnotlike", "arnnotequals", "arnnotlike")
EXEMPTION_KEYS = frozenset(("aws:principalarn", "aws:userid", "aws:username", "aws:principalaccount"))
AUDIT_TRAIL, ALL_BUCKETS = "audit-trail", "all-buckets"


def _only_exempts_named_principals(condition) -> object:
    """No condition, or only negated conditions on who the caller is (a break-glass exemption)."""
    if condition is None:
        return True
    if not isinstance(condition, Mapping):
        return UNKNOWN if is_unknown(condition) else False
    for operator, block in condition.items():
        if is_unknown(block):
            return UNKNOWN
        if not (operator.lower().startswith(NEGATED_OPERATORS) and isinstance(block, Mapping)
                and all(key.lower() in EXEMPTION_KEYS for key in block)):
            return False
    return True


def _denies_deletion(statement: Mapping):
    return all_of(denies(statement), applies_to_everyone(statement),
                  *(allows_action(statement, action) for action in DELETE_ACTIONS),
                  _only_exempts_named_principals(statement.get("Condition")))


def _retention_set(rule, mode) -> object:
    """A default retention of some days or years (in `mode`, when one is required); UNKNOWN when preview can't tell."""
    if is_unknown(rule):
        return UNKNOWN
    retention = rule.get("defaultRetention") if isinstance(rule, Mapping) else None
    if is_unknown(retention):
        return UNKNOWN
    if not isinstance(retention, Mapping):
        return False
    periods = [retention.get(k) for k in ("days", "years")]
    period = any_of(*(UNKNOWN if is_unknown(p) else (type(p) in (int, float) and p > 0) for p in periods))
    chosen = retention.get("mode")
    in_mode = True if mode is None else (UNKNOWN if is_unknown(chosen) else chosen == mode)
    return all_of(period, in_mode)


def check(stack: StackView, config):
    mode = config["objectLockMode"]
    every_bucket = config["objectLockScope"] == ALL_BUCKETS
    audited = references(stack, stack.of_type(TRAIL), "s3BucketName", BUCKETS)
    locks = stack.of_type(*OBJECT_LOCKS)
    retained = references(stack, [lock for lock in locks if _retention_set(lock.get("rule"), mode) is True], "bucket",
                          BUCKETS)
    # Locks whose retention preview can't read: the buckets they name are deferred, never passed or failed.
    undecided = references(stack, [lock for lock in locks if is_unknown(_retention_set(lock.get("rule"), mode))],
                           "bucket", BUCKETS)
    policies = [(p, references(stack, [p], "bucket", BUCKETS)) for p in stack.of_type(BUCKET_POLICY)]
    for bucket in stack.of_type(*BUCKETS):
        identities = (bucket.get("bucket"), bucket.get("id"))
        inline = _retention_set(bucket.get("objectLockConfiguration", "rule"), mode)
        if retained.cover(bucket, identities) or inline is True:
            continue
        lock_pending = (bool(retained.unresolved or undecided.unresolved) or is_unknown(inline)
                        or undecided.cover(bucket, identities))
        if every_bucket:
            yield from _unlocked(bucket, lock_pending, mode)
            continue
        if not audited.cover(bucket, identities):
            continue
        verdicts = [document_holds(p.get("policy"), _denies_deletion) for p, target in policies
                    if target.cover(bucket, identities)]
        verdicts.append(document_holds(bucket.get("policy"), _denies_deletion))
        if True in verdicts:
            continue
        pending = (None in verdicts or lock_pending
                   or any(target.unresolved for _, target in policies))
        if pending:
            yield Deferred(f"{describe(bucket)} (CloudTrail bucket): its object lock or bucket policy is unknown at "
                           "preview", bucket.urn)
        else:
            yield Violation(f"{describe(bucket)} receives CloudTrail logs but neither Object Lock with a default "
                            "retention nor a bucket policy denying s3:DeleteObject and s3:DeleteObjectVersion to "
                            "everyone protects them.", bucket.urn)


def _unlocked(bucket, pending: bool, mode):
    if pending:
        yield Deferred(f"{describe(bucket)}: its object lock configuration is unknown at preview", bucket.urn)
    else:
        required = f" in {mode} mode" if mode else ""
        yield Violation(f"{describe(bucket)} has no Object Lock default retention{required}: add "
                        "aws.s3.BucketObjectLockConfiguration(bucket=bucket.id, rule={'default_retention': "
                        f"{{'mode': '{mode or 'GOVERNANCE'}', 'days': ...}}}}) (objectLockScope is all-buckets).",
                        bucket.urn)


RULE = Rule(
    name="audit-trail-bucket-protected",
    description="The S3 bucket a CloudTrail trail writes to has Object Lock retention or a policy denying deletes.",
    severity="high",
    pci_dss=("10.3.2", "10.3.3", "10.5.1"),
    soc2=("CC7.2", "A1.2"),
    remediation=("Add to the trail bucket's policy {'Sid': 'DenyLogDeletion', 'Effect': 'Deny', 'Principal': '*', "
                 "'Action': ['s3:DeleteObject', 's3:DeleteObjectVersion'], 'Resource': f'{bucket_arn}/*'}, or create "
                 "the bucket with object_lock_enabled=True and an aws.s3.BucketObjectLockConfiguration with "
                 "rule={'default_retention': {'mode': 'GOVERNANCE', 'days': 365}}."),
    check=check,
    resource_types=BUCKETS,
    scope="stack",
    config_properties={
        "objectLockScope": {
            "enum": [AUDIT_TRAIL, ALL_BUCKETS],
            "description": ("Which buckets must be protected: the CloudTrail buckets (Object Lock or a deny-delete "
                            "policy), or every bucket in the stack (Object Lock with a default retention)."),
        },
        "objectLockMode": {
            "enum": [None, "GOVERNANCE", "COMPLIANCE"],
            "description": "The Object Lock mode a default retention must use (null: either).",
        },
    },
    default_config={"objectLockScope": AUDIT_TRAIL, "objectLockMode": None},
    violation_example='aws.cloudtrail.Trail("audit", s3_bucket_name=bucket.bucket, ...)  # bucket policy allows CloudTrail, denies no deletes',
)
