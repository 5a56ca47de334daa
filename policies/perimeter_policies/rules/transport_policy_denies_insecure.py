"""transport-policy-denies-insecure: queues, topics and buckets refuse requests that are not over TLS (advisory).

Why: SQS, SNS and S3 endpoints still accept plain HTTP unless a resource
policy refuses it, and PCI DSS 4.2.1 wants account data encrypted on every
network hop. The standard guard is a Deny for everyone (`"*"`) on the
service's actions with `{"Bool": {"aws:SecureTransport": "false"}}`.

Read per resource in the stack: an `aws.sqs.Queue`, `aws.sns.Topic` or
`aws.s3.Bucket` passes when its inline `policy`, or a `QueuePolicy`
(`queue_url`), `TopicPolicy` (`arn`) or `BucketPolicy` (`bucket`) that
targets it, holds such a statement covering the service's data actions
(`sqs:SendMessage`, `sns:Publish`, `s3:GetObject`; `<service>:*` and `*`
cover them). Advisory: the guard needs a second resource in most programs,
and a resource whose policy lives in another program is reported although it
may be protected there. Policies built from outputs, or whose target preview
cannot resolve, are deferred.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import UNKNOWN, Deferred, StackView, Violation, as_list, is_unknown
from ..rule import Rule
from ._findings import describe
from ._iam_policy import all_of, allows_action, applies_to_everyone, denies, document_holds
from ._links import references
from ._s3 import BUCKETS

QUEUE, TOPIC = "aws:sqs/queue:Queue", "aws:sns/topic:Topic"
# target type -> (attached policy type, its input naming the target, the target's identities, a data action)
TARGETS = {
    QUEUE: ("aws:sqs/queuePolicy:QueuePolicy", "queueUrl", ("url", "id"), "sqs:SendMessage"),
    TOPIC: ("aws:sns/topicPolicy:TopicPolicy", "arn", ("arn", "id"), "sns:Publish"),
    **{bucket: ("aws:s3/bucketPolicy:BucketPolicy", "bucket", ("bucket", "id"), "s3:GetObject") for bucket in BUCKETS},
}
SECURE_TRANSPORT = "aws:securetransport"


def _insecure_only(condition) -> object:
    if is_unknown(condition):
        return UNKNOWN
    if not isinstance(condition, Mapping):
        return False
    for operator, block in condition.items():
        if operator.lower() not in ("bool", "boolifexists") or not isinstance(block, Mapping):
            continue
        for key, values in block.items():
            if key.lower() == SECURE_TRANSPORT:
                values = as_list(values)
                return UNKNOWN if is_unknown(values) else any(str(v).lower() == "false" for v in values)
    return False


def _denies_insecure(action: str):
    def predicate(statement: Mapping):
        return all_of(denies(statement), applies_to_everyone(statement),
                      allows_action(statement, action), _insecure_only(statement.get("Condition")))
    return predicate


def _attached(stack: StackView, policy_type: str, prop: str, action: str, kinds: tuple):
    """The policies of `policy_type` that guard, that preview can't judge, and whether any target is unresolved."""
    guarded = _denies_insecure(action)
    policies = stack.of_type(policy_type)
    verdicts = [(p, document_holds(p.get("policy"), guarded)) for p in policies]
    return (references(stack, [p for p, v in verdicts if v is True], prop, kinds),
            references(stack, [p for p, v in verdicts if v is None], prop, kinds),
            bool(references(stack, policies, prop, kinds).unresolved))


def check(stack: StackView, config):
    judged = {}  # each policy type judged once (both bucket types share the bucket policies); linear in the stack
    for target_type, (policy_type, prop, identity_props, action) in TARGETS.items():
        guarded = _denies_insecure(action)
        kinds = BUCKETS if target_type in BUCKETS else (target_type,)
        if policy_type not in judged:
            judged[policy_type] = _attached(stack, policy_type, prop, action, kinds)
        guarding, undecided, unresolved = judged[policy_type]
        for target in stack.of_type(target_type):
            identities = tuple(target.get(i) for i in identity_props)
            inline = document_holds(target.get("policy"), guarded)
            if inline is True or guarding.cover(target, identities):
                continue
            if inline is None or unresolved or undecided.cover(target, identities):
                yield Deferred(f"{describe(target)}: its resource policy is unknown at preview", target.urn)
            else:
                yield Violation(f"{describe(target)} has no resource policy denying requests without TLS "
                                "(aws:SecureTransport false).", target.urn)


RULE = Rule(
    name="transport-policy-denies-insecure",
    description="SQS queues, SNS topics and S3 buckets have a resource policy that denies requests not made over TLS.",
    severity="medium",
    pci_dss=("4.2.1",),
    soc2=("CC6.7",),
    remediation=("Add {'Sid': 'DenyInsecureTransport', 'Effect': 'Deny', 'Principal': '*', 'Action': '<service>:*', "
                 "'Resource': <arn(s)>, 'Condition': {'Bool': {'aws:SecureTransport': 'false'}}} to the queue's, "
                 "topic's or bucket's policy (aws.sqs.QueuePolicy, aws.sns.TopicPolicy, aws.s3.BucketPolicy)."),
    check=check,
    resource_types=tuple(TARGETS),
    scope="stack",
    enforcement_level="advisory",
    violation_example='aws.sqs.Queue("jobs", kms_master_key_id=key.arn)  # and no policy denying aws:SecureTransport false',
)
