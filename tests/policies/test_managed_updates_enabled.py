import pulumi_aws as aws
import pytest
from perimeter_policies.testing import UNKNOWN, resource, run, waiver

POLICY = "managed-updates-enabled"
SUBJECTS = [
    (resource(aws.rds.Instance, "cards", engine="postgres", instance_class="db.t4g.medium"), "auto_minor_version_upgrade"),
    (resource(aws.rds.Cluster, "ledger", engine="aurora-postgresql"), "auto_minor_version_upgrade"),
    (resource(aws.rds.ClusterInstance, "ledger-1", cluster_identifier=UNKNOWN, engine="aurora-postgresql",
              instance_class="db.r6g.large"), "auto_minor_version_upgrade"),
    (resource(aws.redshift.Cluster, "warehouse", cluster_identifier="wh", node_type="ra3.large"), "allow_version_upgrade"),
]
IDS = ["rds", "aurora", "aurora-instance", "redshift"]


@pytest.mark.parametrize("subject, flag", SUBJECTS, ids=IDS)
def test_updates_default_on_and_explicit_on_pass_off_blocks(subject, flag):
    run(POLICY, subject).assert_clean()
    run(POLICY, subject.replace(**{flag: True})).assert_clean()
    run(POLICY, subject.replace(**{flag: False})).assert_violation("is false", on=subject)
    run(POLICY, subject.replace(**{flag: UNKNOWN})).assert_deferred("nUpgrade")


def test_waiver_waives():
    pinned, flag = SUBJECTS[0]
    pinned = pinned.replace(**{flag: False})
    run(POLICY, pinned, waivers=[waiver(pinned, reason="Vendor-certified engine version until Q2 (SEC-64)")]).assert_waived()
