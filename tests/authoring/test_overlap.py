"""Overlap detection: a planted duplicate of an existing rule is caught, from what the kit records."""

import pulumi_aws as aws
from perimeter_policies import inventory
from perimeter_policies.model import Violation
from perimeter_policies.rule import Rule
from perimeter_policies.testing import RECORDED_READS, resource, run

QUEUE = "aws:sqs/queue:Queue"


def _planted_duplicate() -> Rule:
    """What both trial policies of issue 13 were: a second rule judging the queue's key."""
    def check(queue, config):
        if not queue.get("kmsMasterKeyId"):
            yield Violation("Queue has no kmsMasterKeyId")

    return Rule(name="sqs-queue-encrypted", description="Queues are encrypted.", severity="high",
                pci_dss=("3.5.1",), soc2=("CC6.1",), remediation="Set kms_master_key_id.", check=check,
                resource_types=(QUEUE,))


def test_a_planted_duplicate_is_an_undeclared_overlap():
    run(_planted_duplicate(), resource(aws.sqs.Queue, "jobs")).assert_violation("kmsMasterKeyId")
    planted = {"sqs-queue-encrypted": {t: sorted(p) for t, p in RECORDED_READS.pop("sqs-queue-encrypted").items()}}
    reads = {**inventory.recorded_reads(), **planted}
    found = [o.describe() for o in inventory.undeclared_overlaps(reads)]
    assert f"{QUEUE}.kmsMasterKeyId is judged by cmk-encryption-at-rest, sqs-queue-encrypted" in found


def test_a_declared_reason_accepts_exactly_the_named_rules():
    reads = {"a-rule": {QUEUE: ["delaySeconds"]}, "b-rule": {QUEUE: ["delaySeconds"]}, "c-rule": {QUEUE: ["delaySeconds"]}}
    assert [o.rules for o in inventory.undeclared_overlaps(reads)] == [("a-rule", "b-rule", "c-rule")]
    inventory.shared((QUEUE,), "delaySeconds", ("a-rule", "b-rule"), "test: two rules on purpose")
    try:
        assert [o.rules for o in inventory.undeclared_overlaps(reads)] == [("a-rule", "b-rule", "c-rule")]
        del reads["c-rule"]
        assert inventory.undeclared_overlaps(reads) == []
    finally:
        del inventory.SHARED_READS[(QUEUE, "delaySeconds")]


def test_judged_by_names_the_rules_already_reading_a_type():
    assert "cmk-encryption-at-rest" in inventory.judged_by(QUEUE)["kmsMasterKeyId"]
