"""cloudtrail-cloudwatch-logs: trails also deliver to CloudWatch Logs, where they can be watched.

Why: CloudTrail's S3 files are the record; CloudWatch Logs is where metric
filters and alarms turn that record into detection (root sign-in, policy
changes, KMS key deletion) within minutes. PCI DSS 10.4.1.1 wants automated
log review and 10.7.2 wants failures of security controls detected; neither
happens on files sitting in a bucket. A trail therefore needs both
`cloud_watch_logs_group_arn` and `cloud_watch_logs_role_arn` (CloudTrail
needs the role to write). Values built from outputs are unknown at preview and
count as set, like key ARNs do: they are the group and role of this stack.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

TRAIL = "aws:cloudtrail/trail:Trail"
REQUIRED = (("cloudWatchLogsGroupArn", "cloud_watch_logs_group_arn=log_group.arn.apply(lambda arn: f'{arn}:*')"),
            ("cloudWatchLogsRoleArn", "cloud_watch_logs_role_arn=delivery_role.arn"))


def check(trail: ResourceView, config):
    problems = [f"{wire} is not set; set {fix}" for wire, fix in REQUIRED
                if not is_unknown(trail.get(wire)) and not trail.get(wire)]
    yield from settle(problems, [], subject=describe(trail))


RULE = Rule(
    name="cloudtrail-cloudwatch-logs",
    description="CloudTrail trails deliver to a CloudWatch Logs group (with a delivery role) for alarms and review.",
    severity="medium",
    pci_dss=("10.2.1", "10.4.1.1", "10.7.2"),
    soc2=("CC7.2", "CC7.3"),
    remediation=("Create an aws.cloudwatch.LogGroup and a role CloudTrail can assume to write to it, and set "
                 "cloud_watch_logs_group_arn and cloud_watch_logs_role_arn on the aws.cloudtrail.Trail."),
    check=check,
    resource_types=(TRAIL,),
    violation_example='aws.cloudtrail.Trail("audit", s3_bucket_name=bucket.id, is_multi_region_trail=True, enable_log_file_validation=True)',
)
