"""s3-bucket-encryption-configured: every bucket has default encryption under a rotated CMK of this stack.

Why: since pulumi-aws 7 a bucket's encryption lives in a separate
`aws.s3.BucketServerSideEncryptionConfiguration`; forget it and the bucket
silently falls back to SSE-S3, which no resource-level check can see (the bucket
itself looks fine). So this rule looks at the whole stack: each bucket needs an
inline configuration or a configuration resource that points at it.

At preview a configuration's `kms_master_key_id` is usually the unknown ARN of a
key created alongside. Unknown is fine only if it really comes from an
`aws.kms.Key` (or alias) in this stack, and that key must rotate (PCI DSS
3.7.4): a key from elsewhere is a key nobody here can evidence.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..model import Deferred, Outcome, ResourceView, StackView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe
from ._kms import KMS_ALIAS, KMS_KEY
from ._links import references
from ._paths import expand
from ._s3 import BUCKETS, DEFAULT_ENCRYPTION, S3_KMS_KEY, SSE_CONFIGURATIONS


def _encryption_property(resource: ResourceView) -> str:
    """The top-level input holding the default-encryption rules (what property dependencies are keyed by)."""
    return DEFAULT_ENCRYPTION[resource.type][0]


def _has_inline_encryption(bucket: ResourceView) -> bool:
    # Presence only: an unknown configuration is still a configuration.
    value = bucket.get(_encryption_property(bucket))
    return value is not None and value != []


def _bucket_identities(bucket: ResourceView) -> tuple[Any, ...]:
    # A configuration's `bucket` takes the bucket's name, which is also its id.
    return bucket.get("bucket"), bucket.get("id")


def _missing_encryption(stack: StackView, configurations: list[ResourceView]) -> Iterator[Outcome]:
    configured = references(stack, configurations, "bucket", BUCKETS)
    for bucket in stack.of_type(*BUCKETS):
        if _has_inline_encryption(bucket) or configured.cover(bucket, _bucket_identities(bucket)):
            continue
        # A configuration whose bucket preview can't name may be the one this bucket is missing.
        if configured.unresolved:
            yield Deferred(f"{describe(bucket)}: a server-side encryption configuration's bucket is unknown at preview",
                           bucket.urn)
        else:
            yield Violation(f"{describe(bucket)} has no default encryption: no inline server_side_encryption_configuration "
                            f"and no aws.s3.BucketServerSideEncryptionConfiguration with bucket={bucket.name}.id.",
                            bucket.urn)


def _key_sources(stack: StackView, encrypted: ResourceView) -> list[ResourceView]:
    """The KMS keys and aliases this stack feeds into the encryption rules."""
    sources = stack.sources_of(encrypted, _encryption_property(encrypted))
    return [s for s in sources if s.type in (KMS_KEY, KMS_ALIAS)]


def _keys_behind(stack: StackView, sources: list[ResourceView]) -> list[ResourceView]:
    """The aws.kms.Key resources behind `sources`, following an alias to its target key."""
    keys = []
    for source in sources:
        if source.type == KMS_KEY:
            keys.append(source)
        else:
            keys += [k for k in stack.sources_of(source, "targetKeyId") if k.type == KMS_KEY]
    return keys


def _key_outcomes(stack: StackView, encrypted: ResourceView) -> Iterator[Outcome]:
    subject = describe(encrypted)
    sources = _key_sources(stack, encrypted)
    # Only an unknown key id matters here; unknown rules as a whole are cmk-encryption-at-rest's deferral.
    key_unknown = any(is_unknown(value) and path.endswith(S3_KMS_KEY)
                      for path, value in expand(encrypted.props, DEFAULT_ENCRYPTION[encrypted.type] + (S3_KMS_KEY,)))
    if key_unknown and not sources:
        yield Violation(f"{subject}: kmsMasterKeyId is unknown at preview and does not come from an aws.kms.Key "
                        f"or aws.kms.Alias in this stack; pass kms_master_key_id=key.arn of a key this stack manages.",
                        encrypted.urn)
    for key in _keys_behind(stack, sources):
        rotation = key.get("enableKeyRotation")
        if is_unknown(rotation):
            yield Deferred(f"{subject}: enableKeyRotation of KMS key '{key.name}' is unknown at preview", encrypted.urn)
        elif rotation is not True:
            shown = "not set" if rotation is None else repr(rotation)
            yield Violation(f"{subject} encrypts with KMS key '{key.name}', whose enableKeyRotation is {shown}; "
                            f"set enable_key_rotation=True on that aws.kms.Key.", encrypted.urn)


def check(stack: StackView, config):
    configurations = list(stack.of_type(*SSE_CONFIGURATIONS))
    yield from _missing_encryption(stack, configurations)
    inline = [b for b in stack.of_type(*BUCKETS) if _has_inline_encryption(b)]
    for encrypted in configurations + inline:
        yield from _key_outcomes(stack, encrypted)


RULE = Rule(
    name="s3-bucket-encryption-configured",
    description="Every S3 bucket has default encryption configured, under a rotated customer-managed key of this stack.",
    severity="high",
    pci_dss=("3.5.1", "3.6.1", "3.7.4"),
    soc2=("CC6.1", "C1.1"),
    remediation=(
        "Add aws.s3.BucketServerSideEncryptionConfiguration(bucket=bucket.id, rules=[{"
        "'apply_server_side_encryption_by_default': {'sse_algorithm': 'aws:kms', 'kms_master_key_id': key.arn}, "
        "'bucket_key_enabled': True}]) where key is an aws.kms.Key in this stack with enable_key_rotation=True."
    ),
    check=check,
    resource_types=BUCKETS + SSE_CONFIGURATIONS,
    scope="stack",
    violation_example='aws.s3.Bucket("docs")  # and no BucketServerSideEncryptionConfiguration for it',
)
