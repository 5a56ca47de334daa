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
from ._settings import describe

BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
BUCKET_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"


def check(stack: StackView, config):
    covered_urns, covered_names, untraceable = set(), set(), []
    for block in stack.of_type(BUCKET_BLOCK):
        sources = [r for r in stack.sources_of(block, "bucket") if r.type in BUCKET_TYPES]
        covered_urns.update(source.urn for source in sources)
        target = block.get("bucket")
        if isinstance(target, str):
            covered_names.add(target)
        elif not sources:
            untraceable.append(block)  # Unknown name from outside the stack (e.g. a stack reference).
    for bucket in stack.of_type(*BUCKET_TYPES):
        name = bucket.get("bucket")
        if bucket.urn in covered_urns or (isinstance(name, str) and name in covered_names):
            continue
        if untraceable:
            yield Deferred(f"{describe(bucket)} may be covered by {describe(untraceable[0])}, "
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
    resource_types=BUCKET_TYPES,
    scope="stack",
    violation_example='aws.s3.Bucket("prompts")  # and no BucketPublicAccessBlock(bucket=prompts.id)',
)
