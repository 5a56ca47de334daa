"""dynamodb-point-in-time-recovery: DynamoDB tables can be restored to any second of the last days.

Why: point-in-time recovery is DynamoDB's continuous backup; without it a bad
write, a buggy migration or a malicious delete is permanent (on-demand backups
are only as recent as the last manual run). It is off by default. PCI DSS
12.10.1 and SOC 2 A1.2 want recovery ready. `point_in_time_recovery.enabled`
must be true; unknown at preview is deferred.
"""

from __future__ import annotations

from ..model import ResourceView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe, unknown_at_preview

TABLE = "aws:dynamodb/table:Table"


def check(table: ResourceView, config):
    enabled = table.get("pointInTimeRecovery", "enabled")
    if is_unknown(enabled):
        yield unknown_at_preview(table, "pointInTimeRecovery.enabled")
    elif enabled is not True:
        yield Violation(f"{describe(table)}: pointInTimeRecovery.enabled is not true (default off).")


RULE = Rule(
    name="dynamodb-point-in-time-recovery",
    description="DynamoDB tables have point-in-time recovery enabled.",
    severity="medium",
    pci_dss=("12.10.1",),
    soc2=("A1.2",),
    remediation="Set point_in_time_recovery={'enabled': True} on the aws.dynamodb.Table.",
    check=check,
    resource_types=(TABLE,),
    violation_example='aws.dynamodb.Table("sessions", hash_key="id", attributes=[{"name": "id", "type": "S"}], billing_mode="PAY_PER_REQUEST")',
)
