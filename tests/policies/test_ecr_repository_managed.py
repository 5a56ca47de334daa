import dataclasses

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "ecr-repository-managed"
REPOSITORY = resource(aws.ecr.Repository, "api", image_scanning_configuration={"scan_on_push": True})
LIFECYCLE = resource(aws.ecr.LifecyclePolicy, "api-lifecycle", repository=UNKNOWN, policy="{}",
                     property_dependencies={"repository": [REPOSITORY]})


def test_scanned_repository_with_lifecycle_passes():
    run(POLICY, [REPOSITORY, LIFECYCLE]).assert_clean()


@pytest.mark.parametrize("scanning, named", [(None, "scanOnPush not set (default false)"),
                                             ({"scan_on_push": False}, "scanOnPush False")], ids=["absent", "off"])
def test_unscanned_repository_blocks(scanning, named):
    run(POLICY, [REPOSITORY.replace(image_scanning_configuration=scanning), LIFECYCLE]).assert_violation(
        named, on=REPOSITORY)


def test_repository_without_lifecycle_policy_blocks():
    run(POLICY, [REPOSITORY]).assert_violation("no aws.ecr.LifecyclePolicy", on=REPOSITORY)


def test_lifecycle_policy_matched_by_name_at_update():
    repository = dataclasses.replace(REPOSITORY, outputs={**REPOSITORY.inputs, "name": "api"})
    policy = resource(aws.ecr.LifecyclePolicy, "api-lifecycle", repository="api", policy="{}")
    run(POLICY, [repository, policy]).assert_clean()


def test_unknown_values_are_deferred():
    unresolved = resource(aws.ecr.LifecyclePolicy, "api-lifecycle", repository=UNKNOWN, policy="{}")
    run(POLICY, [REPOSITORY, unresolved]).assert_deferred("lifecycle policy's repository")


def test_waiver_waives():
    run(POLICY, [REPOSITORY], waivers=[waiver(REPOSITORY, reason="Images pruned by the release pipeline (REL-4)")]) \
        .assert_waived()
