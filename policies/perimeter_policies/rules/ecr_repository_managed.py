"""ecr-repository-managed: container repositories scan images on push and expire old ones.

Why: the images in a private ECR repository are the code that runs in the
perimeter. Without `image_scanning_configuration.scan_on_push` nobody learns
that an image carries a known vulnerability before it runs (PCI DSS 6.3.3,
11.3.1; AWS Config ECR_PRIVATE_IMAGE_SCANNING_ENABLED); without an
`aws.ecr.LifecyclePolicy` superseded, unpatched images accumulate and stay
deployable forever (PCI DSS 6.3.3; ECR_PRIVATE_LIFECYCLE_POLICY_CONFIGURED).
A lifecycle policy belongs to a repository when its `repository` input was
built from the repository's outputs (property dependency) or, once known,
equals its name. Values unknown at preview are deferred.
"""

from __future__ import annotations

from ..model import Deferred, StackView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe
from ._links import references

REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy"


def check(stack: StackView, config):
    policies = references(stack, stack.of_type(LIFECYCLE_POLICY), "repository", (REPOSITORY,))
    for repository in stack.of_type(REPOSITORY):
        scan = repository.get("imageScanningConfiguration", "scanOnPush")  # UNKNOWN too when its parent is
        if is_unknown(scan):
            yield Deferred(f"{describe(repository)}: imageScanningConfiguration.scanOnPush unknown at preview",
                           repository.urn)
        elif scan is not True:
            shown = "not set (default false)" if scan is None else repr(scan)
            yield Violation(f"{describe(repository)} has imageScanningConfiguration.scanOnPush {shown}: images are "
                            "not scanned for known vulnerabilities when pushed.", repository.urn)
        if policies.cover(repository, (repository.get("name"),)):
            continue
        if policies.unresolved:
            yield Deferred(f"{describe(repository)}: a lifecycle policy's repository is unknown at preview",
                           repository.urn)
        else:
            yield Violation(f"{describe(repository)} has no aws.ecr.LifecyclePolicy, so superseded images are kept "
                            "and stay deployable.", repository.urn)


RULE = Rule(
    name="ecr-repository-managed",
    description="ECR repositories scan images on push and have a lifecycle policy.",
    severity="medium",
    pci_dss=("6.3.3", "11.3.1"),
    soc2=("CC7.1", "CC8.1"),
    remediation=("Set image_scanning_configuration={'scan_on_push': True} on the aws.ecr.Repository and add "
                 "aws.ecr.LifecyclePolicy(repository=repo.name, policy=...) expiring untagged and old images."),
    check=check,
    resource_types=(REPOSITORY,),
    scope="stack",
    violation_example='aws.ecr.Repository("api")  # no scan on push, no LifecyclePolicy',
)
