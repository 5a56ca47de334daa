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


UNSCANNED = ("Repository 'api' has imageScanningConfiguration.scanOnPush not set (default false): images are not "
             "scanned for known vulnerabilities when pushed.")
NO_LIFECYCLE = "has no aws.ecr.LifecyclePolicy, so superseded images are kept and stay deployable."


def test_each_finding_is_its_own_violation_on_the_repository():
    result = run(POLICY, [REPOSITORY.replace(image_scanning_configuration=None)])
    assert result.findings == [(UNSCANNED, REPOSITORY.urn), (f"Repository 'api' {NO_LIFECYCLE}", REPOSITORY.urn)]


@pytest.mark.parametrize("scan, shown", [(False, "False"), ("true", "'true'"), (1, "1.0")])
def test_only_true_scans_on_push(scan, shown):
    subject = REPOSITORY.record()
    subject["inputs"]["imageScanningConfiguration"] = {"scanOnPush": scan}
    assert run(POLICY, [subject, LIFECYCLE]).findings == [
        (f"Repository 'api' has imageScanningConfiguration.scanOnPush {shown}: images are not scanned for known "
         "vulnerabilities when pushed.", REPOSITORY.urn)]


def test_a_lifecycle_policy_covers_only_its_own_repository():
    other = resource(aws.ecr.Repository, "web", image_scanning_configuration={"scan_on_push": True})
    assert run(POLICY, [REPOSITORY, other, LIFECYCLE]).findings == [(f"Repository 'web' {NO_LIFECYCLE}", other.urn)]


def test_lifecycle_policy_for_another_name_does_not_cover():
    repository = dataclasses.replace(REPOSITORY, outputs={**REPOSITORY.inputs, "name": "api"})
    policy = resource(aws.ecr.LifecyclePolicy, "web-lifecycle", repository="web", policy="{}")
    assert run(POLICY, [repository, policy]).findings == [(f"Repository 'api' {NO_LIFECYCLE}", REPOSITORY.urn)]


@pytest.mark.parametrize("subject", [REPOSITORY.unknown("imageScanningConfiguration", "scanOnPush"),
                                     REPOSITORY.unknown("imageScanningConfiguration")], ids=["flag", "block"])
def test_unknown_scanning_is_deferred(subject):
    result = run(POLICY, [subject, LIFECYCLE])
    assert result.clean and result.deferred == [
        {"message": "Repository 'api': imageScanningConfiguration.scanOnPush unknown at preview", "urn": REPOSITORY.urn}]


def test_unresolved_lifecycle_policy_defers_beside_a_scanning_finding():
    unresolved = resource(aws.ecr.LifecyclePolicy, "api-lifecycle", repository=UNKNOWN, policy="{}")
    result = run(POLICY, [REPOSITORY.replace(image_scanning_configuration={"scan_on_push": False}), unresolved])
    assert [line for line, _ in result.findings] == [
        "Repository 'api' has imageScanningConfiguration.scanOnPush False: images are not scanned for known "
        "vulnerabilities when pushed."]
    assert result.deferred == [
        {"message": "Repository 'api': a lifecycle policy's repository is unknown at preview", "urn": REPOSITORY.urn}]
