"""log-retention-bounded: logs expire, audit logs late enough, model invocation logs early enough.

Why: a CloudWatch log group without `retention_in_days` (or with 0) keeps its
events forever, and forever is a retention decision nobody made. Two kinds of
logs have bounds that point in opposite directions, so the rule tells them
apart by what the stack wires them to:

- audit logs (a CloudTrail trail's `cloud_watch_logs_group_arn` and its
  `s3_bucket_name` bucket) must be kept at least a year (PCI DSS 10.5.1);
- Bedrock model invocation logs (the `InvocationLoggingConfiguration`'s
  CloudWatch log group and S3 buckets) hold prompts and answers, which can hold
  card data or personal data, so they must be disposed of (PCI DSS 3.2.1, SOC 2
  C1.2): kept no longer than the configured maximum, and the log group
  encrypted under our key.

For buckets, the bound is the `expiration.days` of the enabled rules of an
`aws.s3.BucketLifecycleConfiguration` for that bucket; an invocation-log bucket
with no expiring rule keeps prompts forever and fails. (Rule filters and
noncurrent versions are not modelled; the live check `s3-lifecycle-bounded`
covers the bucket as deployed.) Values unknown at preview are deferred.

Every other bucket needs a lifecycle too (`lifecycleOnEveryBucket`, default
on; AWS Config's S3_LIFECYCLE_POLICY_CHECK): at least one enabled rule, in an
`aws.s3.BucketLifecycleConfiguration` for it or the deprecated inline
`lifecycle_rules`, so someone decided how long its objects (and their old
versions) are kept, as PCI DSS 3.2.1's retention and disposal limits ask.
"""

from __future__ import annotations

from numbers import Real
from typing import Any, Iterator, Optional

from ..model import Outcome, ResourceView, StackView, dig, is_unknown
from ..rule import Rule
from ._findings import describe, settle
from ._kms import key_problem
from ._links import feeds, unresolved
from ._paths import EACH, expand
from ._s3 import BUCKETS, LIFECYCLES

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TRAIL = "aws:cloudtrail/trail:Trail"
INVOCATION_LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
# The values CloudWatch Logs accepts for retention_in_days (0 means never expire).
CLOUDWATCH_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                             2557, 2922, 3288, 3653)
INVOCATION_BUCKET_NAMES = (("loggingConfig", "s3Config", "bucketName"),
                           ("loggingConfig", "cloudwatchConfig", "largeDataDeliveryS3Config", "bucketName"))
AUDIT, INVOCATION = "audit", "model invocation"


def _log_group_name(arn: Any) -> Optional[str]:
    """`/aws/cloudtrail/x` from `arn:aws:logs:<region>:<account>:log-group:/aws/cloudtrail/x:*`."""
    if not isinstance(arn, str) or ":log-group:" not in arn:
        return None
    name = arn.split(":log-group:", 1)[1]
    return name[:-2] if name.endswith(":*") else name


def _log_group_roles(stack: StackView, group: ResourceView) -> set[str]:
    names = (group.get("name"),)
    roles = set()
    if any(feeds(t, "cloudWatchLogsGroupArn", group, _log_group_name(t.get("cloudWatchLogsGroupArn")), names)
           for t in stack.of_type(TRAIL)):
        roles.add(AUDIT)
    if any(feeds(c, "loggingConfig", group, dig(c.props, "loggingConfig", "cloudwatchConfig", "logGroupName"), names)
           for c in stack.of_type(INVOCATION_LOGGING)):
        roles.add(INVOCATION)
    return roles


def _bucket_roles(stack: StackView, bucket: ResourceView) -> set[str]:
    names = (bucket.get("bucket"),)
    roles = set()
    if any(feeds(t, "s3BucketName", bucket, t.get("s3BucketName"), names) for t in stack.of_type(TRAIL)):
        roles.add(AUDIT)
    # Every bucket the invocation logging feeds (S3 delivery and large-payload delivery) holds prompts.
    if any(feeds(c, "loggingConfig", bucket, dig(c.props, *path), names)
           for c in stack.of_type(INVOCATION_LOGGING) for path in INVOCATION_BUCKET_NAMES):
        roles.add(INVOCATION)
    return roles


def _bound_problems(where: str, days: Real, roles: set[str], config: Any) -> list[str]:
    problems = []
    minimum, maximum = config["minAuditRetentionDays"], config["maxInvocationLogRetentionDays"]
    if AUDIT in roles and days < minimum:
        problems.append(f"{where} is {days:g} days, below the {minimum:g} days audit logs must be kept")
    if INVOCATION in roles and days > maximum:
        problems.append(f"{where} is {days:g} days, above the {maximum:g} days model invocation logs may be kept")
    return problems


def _subject(resource: ResourceView, roles: set[str]) -> str:
    kinds = " and ".join(sorted(roles))
    return f"{describe(resource)} ({kinds} logs)" if roles else describe(resource)


def _log_group_outcomes(stack: StackView, group: ResourceView, config: Any) -> Iterator[Outcome]:
    roles = _log_group_roles(stack, group)
    problems, unknowns = [], []
    retention = group.get("retentionInDays")
    if is_unknown(retention):
        unknowns.append("retentionInDays")
    elif not retention:
        problems.append(f"retentionInDays is {'not set' if retention is None else 0}, so its events never expire; "
                        f"set retention_in_days to one of {list(CLOUDWATCH_RETENTION_DAYS)}")
    elif not isinstance(retention, Real) or retention not in CLOUDWATCH_RETENTION_DAYS:
        problems.append(f"retentionInDays {retention!r} is not a value CloudWatch accepts: {list(CLOUDWATCH_RETENTION_DAYS)}")
    else:
        problems += _bound_problems("retentionInDays", retention, roles, config)
    if INVOCATION in roles:
        problem = key_problem(group.get("kmsKeyId"))
        if problem:
            problems.append(f"kmsKeyId {problem}; prompts and answers must be encrypted under our key: set kms_key_id=key.arn")
    yield from settle(problems, unknowns, subject=_subject(group, roles), urn=group.urn)


def _inline_rules_enabled(bucket: ResourceView, unknowns: list[str]) -> int:
    """Enabled rules of the deprecated inline `lifecycle_rules` (any action counts: a decision was made)."""
    enabled = 0
    for path, flag in expand(bucket.props, ("lifecycleRules", EACH, "enabled")):
        if is_unknown(flag):
            unknowns.append(path)
        elif flag is True:
            enabled += 1
    return enabled


def _bucket_outcomes(stack: StackView, bucket: ResourceView, roles: set[str], config: Any) -> Iterator[Outcome]:
    identities = (bucket.get("bucket"), bucket.get("id"))
    lifecycles = [lc for lc in stack.of_type(*LIFECYCLES) if feeds(lc, "bucket", bucket, lc.get("bucket"), identities)]
    problems, unknowns, expiring, enabled = [], [], 0, 0
    for lifecycle in lifecycles:
        for path, rule in expand(lifecycle.props, ("rules", EACH)):
            where = f"lifecycle '{lifecycle.name}' {path}"
            status = dig(rule, "status")
            if is_unknown(status):
                unknowns.append(f"{where}.status")
            elif status == "Enabled":
                enabled += 1
                days = dig(rule, "expiration", "days")
                if is_unknown(days):
                    unknowns.append(f"{where}.expiration.days")
                elif isinstance(days, Real) and days > 0:
                    expiring += 1
                    problems += _bound_problems(f"{where}.expiration.days", days, roles, config)
    enabled += _inline_rules_enabled(bucket, unknowns)
    missing = None
    if INVOCATION in roles and not expiring:
        missing = ("no enabled lifecycle rule expires its objects, so prompts and answers are kept forever; "
                   "add aws.s3.BucketLifecycleConfiguration(bucket=bucket.id, rules=[{'status': 'Enabled', "
                   f"'expiration': {{'days': <= {config['maxInvocationLogRetentionDays']:g}}}, ...}}])")
    elif config["lifecycleOnEveryBucket"] and not enabled:
        missing = ("has no enabled lifecycle rule, so nobody decided how long its objects are kept; add "
                   "aws.s3.BucketLifecycleConfiguration(bucket=bucket.id, rules=[{'status': 'Enabled', ...}])")
    if missing and not unknowns:
        if any(unresolved(stack, lc, "bucket", lc.get("bucket"), BUCKETS) for lc in stack.of_type(*LIFECYCLES)):
            unknowns.append("a lifecycle configuration's bucket")
        else:
            problems.append(missing)
    yield from settle(problems, unknowns, subject=_subject(bucket, roles), urn=bucket.urn)


def check(stack: StackView, config):
    for group in stack.of_type(LOG_GROUP):
        yield from _log_group_outcomes(stack, group, config)
    for bucket in stack.of_type(*BUCKETS):
        roles = _bucket_roles(stack, bucket)
        if roles or config["lifecycleOnEveryBucket"]:
            yield from _bucket_outcomes(stack, bucket, roles, config)


RULE = Rule(
    name="log-retention-bounded",
    description=("Log groups expire their events; audit logs are kept at least a year and model invocation logs "
                 "no longer than the maximum, encrypted under a CMK; every bucket has a lifecycle rule."),
    severity="high",
    pci_dss=("10.5.1", "3.2.1"),
    soc2=("CC7.2", "C1.2"),
    remediation=(
        "Set retention_in_days on every aws.cloudwatch.LogGroup (>= minAuditRetentionDays for a CloudTrail log group, "
        "<= maxInvocationLogRetentionDays plus kms_key_id=key.arn for the Bedrock invocation log group), and give "
        "log buckets an aws.s3.BucketLifecycleConfiguration whose rules' expiration days respect the same bounds."
    ),
    check=check,
    resource_types=(LOG_GROUP, TRAIL, INVOCATION_LOGGING) + BUCKETS + LIFECYCLES,
    scope="stack",
    config_properties={
        "minAuditRetentionDays": {
            "type": "integer", "minimum": 365,
            "description": ("Fewest days audit logs (CloudTrail log group and bucket) are kept; PCI DSS 10.5.1 "
                            "requires 12 months. CloudWatch retention_in_days accepts 1, 3, 5, 7, 14, 30, 60, 90, 120, "
                            "150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (0 = never expire)."),
        },
        "maxInvocationLogRetentionDays": {
            "type": "integer", "minimum": 1, "maximum": 3653,
            "description": ("Most days Bedrock model invocation logs (prompts and answers) may be kept, in CloudWatch "
                            "and in S3. Pick a CloudWatch-accepted value, e.g. 30, 90, 180, 365 or 400."),
        },
        "lifecycleOnEveryBucket": {
            "type": "boolean",
            "description": "Every S3 bucket in the stack has at least one enabled lifecycle rule (AWS Config's "
                           "S3_LIFECYCLE_POLICY_CHECK).",
        },
    },
    default_config={"minAuditRetentionDays": 365, "maxInvocationLogRetentionDays": 400, "lifecycleOnEveryBucket": True},
    violation_example='aws.cloudwatch.LogGroup("invocations")  # no retention_in_days: kept forever',
)
