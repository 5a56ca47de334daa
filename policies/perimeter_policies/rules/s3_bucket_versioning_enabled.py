"""s3-bucket-versioning-enabled: every bucket in the stack keeps object versions.

Why: without versioning an overwrite or a delete (a bug, ransomware, a
leaked credential) destroys the only copy of knowledge sources, audit logs
and evidence. Versioning keeps prior versions until lifecycle rules expire
them (PCI DSS 10.3.3, 10.5.1; SOC 2 A1.2). A bucket is covered by an
`aws.s3.BucketVersioning` (or the deprecated V2) for it with
`versioning_configuration.status="Enabled"`, or by the deprecated inline
`versioning.enabled=True`; a bucket with neither is the finding, and so is
a versioning resource whose status is not `Enabled` (suspended). A
versioning resource whose bucket preview cannot see defers the check to
`pulumi up`.
"""

from __future__ import annotations

from ..model import Deferred, StackView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe
from ._links import references
from ._s3 import BUCKETS

VERSIONINGS = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")


def check(stack: StackView, config):
    versionings = stack.of_type(*VERSIONINGS)
    for versioning in versionings:
        status = versioning.get("versioningConfiguration", "status")
        if is_unknown(status):
            yield Deferred(f"{describe(versioning)}: versioningConfiguration.status is unknown at preview", versioning.urn)
        elif status != "Enabled":
            yield Violation(f"{describe(versioning)}: versioningConfiguration.status is {status!r}, not 'Enabled'.",
                            versioning.urn)
    covering = references(stack, versionings, "bucket", BUCKETS)
    for bucket in stack.of_type(*BUCKETS):
        inline = bucket.get("versioning", "enabled")
        if inline is True or covering.cover(bucket, (bucket.get("bucket"), bucket.get("id"))):
            continue
        if is_unknown(inline) or covering.unresolved:
            yield Deferred(f"{describe(bucket)}: its versioning is unknown at preview", bucket.urn)
        else:
            yield Violation(f"{describe(bucket)} has no aws.s3.BucketVersioning (status 'Enabled').", bucket.urn)


RULE = Rule(
    name="s3-bucket-versioning-enabled",
    description="Every S3 bucket in the stack has versioning enabled.",
    severity="medium",
    pci_dss=("10.3.3", "10.5.1"),
    soc2=("A1.2", "CC7.1"),
    remediation=("Add aws.s3.BucketVersioning(bucket=bucket.id, versioning_configuration={'status': 'Enabled'}) and "
                 "bound old versions with noncurrent_version_expiration in the lifecycle configuration."),
    check=check,
    resource_types=BUCKETS + VERSIONINGS,
    scope="stack",
    violation_example='aws.s3.Bucket("data")  # and no aws.s3.BucketVersioning for it',
)
