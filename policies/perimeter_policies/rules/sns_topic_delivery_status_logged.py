"""sns-topic-delivery-status-logged: SNS topics log failed deliveries to CloudWatch Logs.

Why: an alert that SNS could not deliver (an endpoint down, a queue's key
policy wrong, a function throttled) is an alert nobody received, and SNS
drops it silently after its retries. Delivery status logging writes each
failure to CloudWatch Logs under a role the topic names, so a failing
notification path is itself detected (PCI DSS 10.7.2; 10.2.1 for the record).
pulumi-aws sets no feedback role by default.

What holds:

- a topic with subscriptions in the stack names
  `<protocol>_failure_feedback_role_arn` for each protocol they use that
  supports delivery status (`http`/`https` -> `http`, `lambda`, `sqs`,
  `firehose`, `application`; email and SMS have none): the finding is on the
  subscription;
- every topic logs at least one protocol's failures (AWS Config's
  SNS_TOPIC_MESSAGE_DELIVERY_NOTIFICATION_ENABLED), and each protocol in
  `requiredProtocols` (subscribers added by other programs);
- with `successFeedbackRequired`, each of those protocols also names its
  success feedback role and a sample rate above 0.

A role ARN unknown at preview is a role in the stack (present); a
subscription's protocol unknown at preview is deferred. A subscription to a
topic this program does not declare is out of its reach.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

from ..model import Deferred, ResourceView, StackView, Violation, is_unknown
from ..rule import Rule
from ._findings import describe, settle
from ._links import feeds

TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
# Subscription protocol -> the topic's feedback-attribute prefix (SNS logs delivery status for these only).
LOGGED_PROTOCOLS = {"http": "http", "https": "http", "lambda": "lambda", "sqs": "sqs", "firehose": "firehose",
                    "application": "application"}
PREFIXES = ("http", "lambda", "sqs", "firehose", "application")


def _present(value: Any) -> bool:
    return is_unknown(value) or (isinstance(value, str) and bool(value.strip()))


def _protocol_problems(topic: ResourceView, prefix: str, config, problems: list[str], unknowns: list[str]) -> None:
    if not _present(topic.get(f"{prefix}FailureFeedbackRoleArn")):
        problems.append(f"{prefix}FailureFeedbackRoleArn is not set; set {prefix}_failure_feedback_role_arn to a role "
                        "SNS may assume to write delivery failures to CloudWatch Logs")
    if not config["successFeedbackRequired"]:
        return
    if not _present(topic.get(f"{prefix}SuccessFeedbackRoleArn")):
        problems.append(f"{prefix}SuccessFeedbackRoleArn is not set; set {prefix}_success_feedback_role_arn")
    rate = topic.get(f"{prefix}SuccessFeedbackSampleRate")
    if is_unknown(rate):
        unknowns.append(f"{prefix}SuccessFeedbackSampleRate")
    elif isinstance(rate, bool) or not isinstance(rate, Real) or rate <= 0:
        problems.append(f"{prefix}SuccessFeedbackSampleRate is {rate!r}; set {prefix}_success_feedback_sample_rate "
                        "between 1 and 100")


def _topic_subscriptions(stack: StackView, topic: ResourceView) -> list[ResourceView]:
    identities = (topic.get("arn"), topic.get("id"))
    return [s for s in stack.of_type(SUBSCRIPTION) if feeds(s, "topic", topic, s.get("topic"), identities)]


def check(stack: StackView, config):
    required = tuple(config["requiredProtocols"])
    for topic in stack.of_type(TOPIC):
        problems: list[str] = []
        unknowns: list[str] = []
        for prefix in required:
            _protocol_problems(topic, prefix, config, problems, unknowns)
        if not any(_present(topic.get(f"{p}FailureFeedbackRoleArn")) for p in PREFIXES) and not required:
            problems.append("no protocol's delivery failures are logged; set <protocol>_failure_feedback_role_arn "
                            "(http, lambda, sqs, firehose or application) for the protocols its subscribers use")
        yield from settle(problems, unknowns, subject=describe(topic), urn=topic.urn)
        for subscription in _topic_subscriptions(stack, topic):
            yield from _subscription_outcomes(topic, subscription, required, config)


def _subscription_outcomes(topic: ResourceView, subscription: ResourceView, required: tuple, config):
    protocol = subscription.get("protocol")
    if is_unknown(protocol):
        yield Deferred(f"{describe(subscription)}: protocol is unknown at preview", subscription.urn)
        return
    prefix = LOGGED_PROTOCOLS.get(protocol.lower()) if isinstance(protocol, str) else None
    if prefix is None or prefix in required:
        return  # no delivery status for this protocol, or already judged on the topic
    problems: list[str] = []
    unknowns: list[str] = []
    _protocol_problems(topic, prefix, config, problems, unknowns)
    if problems:
        yield Violation(f"{describe(subscription)} delivers over {protocol} from {describe(topic)}, which does not "
                        "log its deliveries: " + "; ".join(problems) + ".", subscription.urn)
    elif unknowns:
        yield Deferred(f"{describe(subscription)}: {describe(topic)} " + ", ".join(unknowns) + " unknown at preview",
                       subscription.urn)


RULE = Rule(
    name="sns-topic-delivery-status-logged",
    description=("SNS topics log delivery failures (a failure feedback role) for every protocol their subscribers "
                 "use, and for at least one protocol."),
    severity="low",
    pci_dss=("10.7.2", "10.2.1"),
    soc2=("CC7.2", "CC7.3"),
    remediation=("Create a role SNS may assume (trust sns.amazonaws.com for this account and topic) allowed "
                 "logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents on the topic's "
                 "sns/<region>/<account>/<topic>/Failure log group, and set <protocol>_failure_feedback_role_arn "
                 "(http, lambda, sqs, firehose, application) on the aws.sns.Topic to its ARN."),
    check=check,
    resource_types=(TOPIC, SUBSCRIPTION),
    scope="stack",
    config_properties={
        "requiredProtocols": {
            "type": "array", "items": {"enum": list(PREFIXES)}, "uniqueItems": True,
            "description": ("Protocols whose delivery failures every topic logs, subscribed here or not (subscribers "
                            "added by other programs)."),
        },
        "successFeedbackRequired": {
            "type": "boolean",
            "description": "Also log successful deliveries: a success feedback role and a sample rate above 0.",
        },
    },
    default_config={"requiredProtocols": [], "successFeedbackRequired": False},
    violation_example='aws.sns.Topic("alerts", kms_master_key_id=key.arn)  # no *_failure_feedback_role_arn',
)
