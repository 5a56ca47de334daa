"""s3-public-access-blocked: every S3 public access block turns on all four flags.

Why: the public access block is S3's backstop against a bucket policy or ACL
that accidentally grants the world access to card or prompt data (PCI DSS
1.4.4, 7.3.1). Each flag closes a different path: new public ACLs, existing
public ACLs, new public policies, and cross-account access through an existing
public policy. `aws.s3.BucketPublicAccessBlock` and
`aws.s3.AccountPublicAccessBlock` default every flag to false, so a block
declared without them protects nothing while looking like a control. That a
bucket has a block at all is `s3-bucket-public-access-block-present`'s job.
"""

from ..model import ResourceView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview
from ._s3 import PUBLIC_ACCESS_BLOCK

ACCOUNT_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
# Wire name -> pulumi-aws Python argument.
FLAGS = {
    "blockPublicAcls": "block_public_acls",
    "blockPublicPolicy": "block_public_policy",
    "ignorePublicAcls": "ignore_public_acls",
    "restrictPublicBuckets": "restrict_public_buckets",
}


def check(block: ResourceView, config):
    values = {flag: block.get(flag) for flag in FLAGS}
    off = [f"{flag}={value!r}" for flag, value in values.items() if not is_unknown(value) and value is not True]
    if off:
        yield Violation(f"{describe(block)} leaves public access open: {', '.join(off)} "
                        "(an absent flag defaults to false); all four flags must be true.")
    for flag, value in values.items():
        if is_unknown(value):
            yield unknown_at_preview(block, flag)


RULE = Rule(
    name="s3-public-access-blocked",
    description="S3 bucket and account public access blocks must set all four blocking flags to true.",
    severity="high",
    pci_dss=("1.4.2", "1.4.4", "7.3.1"),
    soc2=("CC6.1", "CC6.6"),
    remediation=("Set block_public_acls=True, block_public_policy=True, ignore_public_acls=True and "
                 "restrict_public_buckets=True on the aws.s3.BucketPublicAccessBlock "
                 "(or aws.s3.AccountPublicAccessBlock)."),
    check=check,
    resource_types=(PUBLIC_ACCESS_BLOCK, ACCOUNT_BLOCK),
    violation_example='aws.s3.BucketPublicAccessBlock("data", bucket=bucket.id, block_public_acls=True)',
)
