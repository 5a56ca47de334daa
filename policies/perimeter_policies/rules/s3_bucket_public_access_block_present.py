"""s3-bucket-public-access-block-present: every bucket has its own public access block.

Why: without a `BucketPublicAccessBlock`, a single careless bucket policy or
ACL makes the bucket public, and nothing in the program says it must not be
(PCI DSS 1.4.4, 7.3.1). A per-bucket block also travels with the bucket into
any account, where an account-level block may or may not exist. The block is
matched to its bucket through the `bucket` input: by the engine's property
dependency (`bucket=bucket.id`) or by an equal, known bucket name. Whether the
block's flags are on is `s3-public-access-blocked`'s job.
"""

from ..model import Deferred, StackView, Violation
from ..rule import Rule
from ._findings import describe
from ._links import references
from ._s3 import BUCKETS, PUBLIC_ACCESS_BLOCK


def check(stack: StackView, config):
    blocks = references(stack, stack.of_type(PUBLIC_ACCESS_BLOCK), "bucket", BUCKETS)
    for bucket in stack.of_type(*BUCKETS):
        if blocks.cover(bucket, (bucket.get("bucket"),)):
            continue
        if blocks.unresolved:
            yield Deferred(f"{describe(bucket)} may be covered by {describe(blocks.unresolved[0])}, "
                           "whose bucket is unknown at preview", urn=bucket.urn)
        else:
            yield Violation(f"{describe(bucket)} has no aws.s3.BucketPublicAccessBlock in this stack.", urn=bucket.urn)


RULE = Rule(
    name="s3-bucket-public-access-block-present",
    description="Every S3 bucket must have a BucketPublicAccessBlock that references it.",
    severity="high",
    pci_dss=("1.4.2", "1.4.4", "7.3.1"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Add aws.s3.BucketPublicAccessBlock(bucket=<bucket>.id, block_public_acls=True, "
                 "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True) for the bucket."),
    check=check,
    resource_types=BUCKETS,
    scope="stack",
    violation_example='aws.s3.Bucket("prompts")  # and no BucketPublicAccessBlock(bucket=prompts.id)',
)
