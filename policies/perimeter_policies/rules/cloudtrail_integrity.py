"""cloudtrail-integrity: trails log every region, keep logging, and sign their log files.

Why: PCI DSS 10.2.1 wants audit logs enabled and active for all components,
and 10.3.2/10.3.4 want them protected from modification with change detection.
`aws.cloudtrail.Trail` defaults `is_multi_region_trail` and
`enable_log_file_validation` to false, so a trail written without them misses
activity in other regions (where an attacker would go) and produces logs whose
tampering nobody can detect (the digest files are what proves integrity).
`enable_logging=False` stops the trail while it still exists in the stack.
"""

from __future__ import annotations

from ..model import ResourceView, is_unknown
from ..rule import Rule
from ._findings import describe, settle

# (input, what it must be, why): absent takes the provider default shown.
REQUIRED_TRUE = (
    ("enableLogFileValidation", "enable_log_file_validation", "log files are not signed, so tampering goes unseen"),
    ("isMultiRegionTrail", "is_multi_region_trail", "activity in other regions is not recorded"),
)


def check(trail: ResourceView, config):
    problems, unknowns = [], []
    for wire_name, argument, consequence in REQUIRED_TRUE:
        value = trail.get(wire_name)
        if is_unknown(value):
            unknowns.append(wire_name)
        elif value is not True:
            shown = "not set (default false)" if value is None else repr(value)
            problems.append(f"{wire_name} is {shown}: {consequence}; set {argument}=True")
    logging = trail.get("enableLogging")
    if is_unknown(logging):
        unknowns.append("enableLogging")
    elif logging is False:
        problems.append("enableLogging is False: the trail records nothing; remove it or set enable_logging=True")
    yield from settle(problems, unknowns, subject=describe(trail))


RULE = Rule(
    name="cloudtrail-integrity",
    description="CloudTrail trails are multi-region, logging, and validate their log files.",
    severity="high",
    pci_dss=("10.2.1", "10.3.2", "10.3.4"),
    soc2=("CC7.1", "CC7.2"),
    remediation="Set is_multi_region_trail=True and enable_log_file_validation=True, and leave enable_logging unset or True, on the aws.cloudtrail.Trail.",
    check=check,
    resource_types=("aws:cloudtrail/trail:Trail",),
    violation_example='aws.cloudtrail.Trail("audit", s3_bucket_name=bucket.id, kms_key_id=key.arn)',
)
