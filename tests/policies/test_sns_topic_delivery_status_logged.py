"""sns-topic-delivery-status-logged: a compliant stack, one mutation per violation, unknowns, config, waivers."""

import pulumi_aws as aws
import pytest
from perimeter_policies.testing import REMOVE, UNKNOWN, raw, resource, run, waiver

POLICY = "sns-topic-delivery-status-logged"
ROLE = "arn:aws:iam::111122223333:role/sns-delivery-feedback"
TOPIC = resource(aws.sns.Topic, "alarms", name="alarms", kms_master_key_id=UNKNOWN, http_failure_feedback_role_arn=ROLE,
                 sqs_failure_feedback_role_arn=UNKNOWN)
HTTPS = resource(aws.sns.TopicSubscription, "pager", topic=UNKNOWN, protocol="https",
                 endpoint="https://pager.example.com/hook", property_dependencies={"topic": [TOPIC]})
QUEUE = resource(aws.sns.TopicSubscription, "archive", topic=UNKNOWN, protocol="sqs", endpoint=UNKNOWN,
                 property_dependencies={"topic": [TOPIC]})
EMAIL = resource(aws.sns.TopicSubscription, "oncall", topic=UNKNOWN, protocol="email", endpoint="oncall@example.com",
                 property_dependencies={"topic": [TOPIC]})
STACK = [TOPIC, HTTPS, QUEUE, EMAIL]


def test_compliant_stack_passes():
    run(POLICY, STACK).assert_clean()


def test_topic_that_logs_no_protocol_blocks_on_the_topic():
    bare = TOPIC.replace(http_failure_feedback_role_arn=None, sqs_failure_feedback_role_arn=None)
    run(POLICY, [bare, EMAIL]).assert_violation("no protocol's delivery failures are logged", on=bare)
    run(POLICY, [bare.replace(lambda_failure_feedback_role_arn=" ")]).assert_violation("no protocol", on=bare)


@pytest.mark.parametrize("subscription, argument, wire", [
    (HTTPS, "http_failure_feedback_role_arn", "httpFailureFeedbackRoleArn"),
    (QUEUE, "sqs_failure_feedback_role_arn", "sqsFailureFeedbackRoleArn"),
])
def test_subscribed_protocol_without_logging_blocks_on_the_subscription(subscription, argument, wire):
    topic = TOPIC.replace(**{argument: None})
    stack = [topic if r is TOPIC else r for r in STACK]
    run(POLICY, stack).assert_violation(f"{wire} is not set", "which does not log its deliveries", on=subscription)


@pytest.mark.parametrize("protocol, prefix", [("lambda", "lambda"), ("firehose", "firehose"),
                                              ("application", "application"), ("HTTP", "http")])
def test_each_logged_protocol_maps_to_its_attribute(protocol, prefix):
    subscription = HTTPS.replace(protocol=protocol)
    topic = TOPIC.replace(http_failure_feedback_role_arn=None)
    run(POLICY, [topic, subscription]).assert_violation(f"{prefix}FailureFeedbackRoleArn is not set", on=subscription)
    logged = topic.replace(**{f"{prefix}_failure_feedback_role_arn": ROLE})
    run(POLICY, [logged, subscription]).assert_clean()


@pytest.mark.parametrize("output", ["arn", "id"])
def test_subscription_matched_by_the_topic_arn_once_known(output):
    # AnalyzeStack sees outputs: once known, the topic's arn output names it, and so does its id (an SNS topic's id
    # is its ARN), for a stack read back without the arn output.
    topic = raw("aws:sns/topic:Topic", "alarms", {"name": "alarms", output: "arn:aws:sns:eu-west-1:111122223333:alarms",
                                              "sqsFailureFeedbackRoleArn": ROLE})
    subscription = resource(aws.sns.TopicSubscription, "pager", topic="arn:aws:sns:eu-west-1:111122223333:alarms",
                            protocol="https", endpoint="https://pager.example.com/hook")
    run(POLICY, [topic, subscription]).assert_violation("httpFailureFeedbackRoleArn", on=subscription)
    elsewhere = subscription.replace(topic="arn:aws:sns:eu-west-1:111122223333:other")
    run(POLICY, [topic, elsewhere]).assert_clean()


def test_required_protocols_apply_to_every_topic():
    config = {"requiredProtocols": ["lambda"]}
    run(POLICY, STACK, config=config).assert_violation("lambdaFailureFeedbackRoleArn is not set", on=TOPIC)
    run(POLICY, [TOPIC.replace(lambda_failure_feedback_role_arn=ROLE)], config=config).assert_clean()
    # A subscribed protocol that is also required is judged once, on the topic.
    config = {"requiredProtocols": ["http"]}
    bare = TOPIC.replace(http_failure_feedback_role_arn=None)
    run(POLICY, [bare, HTTPS], config=config).assert_violation("httpFailureFeedbackRoleArn", on=bare, count=1)


def test_success_feedback_when_required():
    config = {"successFeedbackRequired": True}
    run(POLICY, STACK, config=config).assert_violation("httpSuccessFeedbackRoleArn is not set",
                                                       "httpSuccessFeedbackSampleRate is None", count=2)
    logged = TOPIC.replace(http_success_feedback_role_arn=ROLE, http_success_feedback_sample_rate=10,
                           sqs_success_feedback_role_arn=ROLE, sqs_success_feedback_sample_rate=100)
    run(POLICY, [logged, HTTPS, QUEUE, EMAIL], config=config).assert_clean()
    zero = logged.replace(http_success_feedback_sample_rate=0)
    run(POLICY, [zero, HTTPS], config=config).assert_violation("httpSuccessFeedbackSampleRate is 0", on=HTTPS)
    unknown = logged.replace(http_success_feedback_sample_rate=UNKNOWN)
    run(POLICY, [unknown, HTTPS], config=config).assert_deferred("httpSuccessFeedbackSampleRate")
    run(POLICY, [unknown], config={**config, "requiredProtocols": ["http"]}).assert_deferred("httpSuccessFeedbackSampleRate")


def test_unknown_protocol_is_deferred():
    run(POLICY, [TOPIC, HTTPS.replace(protocol=UNKNOWN)]).assert_deferred("protocol")


def test_role_from_outputs_counts_as_set():
    topic = TOPIC.replace(http_failure_feedback_role_arn=UNKNOWN, sqs_failure_feedback_role_arn=None)
    run(POLICY, [topic, HTTPS, EMAIL]).assert_clean()


def test_waiver_waives_and_expired_waiver_does_not():
    bare = TOPIC.replace(http_failure_feedback_role_arn=None, sqs_failure_feedback_role_arn=None)
    run(POLICY, [bare], waivers=[waiver(bare)]).assert_waived()
    run(POLICY, [bare], waivers=[waiver(bare, days=-1)]).assert_violation("expired on")


def test_finding_text_names_each_property_and_its_fix():
    bare = TOPIC.replace(http_failure_feedback_role_arn=None, sqs_failure_feedback_role_arn=None)
    message = run(POLICY, [bare]).violations[0][0]
    assert ("Topic 'alarms': no protocol's delivery failures are logged; set <protocol>_failure_feedback_role_arn "
            "(http, lambda, sqs, firehose or application) for the protocols its subscribers use.") in message
    topic = TOPIC.replace(http_failure_feedback_role_arn=None)
    message = run(POLICY, [topic, HTTPS], config={"successFeedbackRequired": True}).violations[0][0]
    assert ("TopicSubscription 'pager' delivers over https from Topic 'alarms', which does not log its deliveries: "
            "httpFailureFeedbackRoleArn is not set; set http_failure_feedback_role_arn to a role SNS may assume to "
            "write delivery failures to CloudWatch Logs; httpSuccessFeedbackRoleArn is not set; set "
            "http_success_feedback_role_arn; httpSuccessFeedbackSampleRate is None; set "
            "http_success_feedback_sample_rate between 1 and 100.") in message


@pytest.mark.parametrize("rate", [True, "50", -1])
def test_sample_rate_must_be_a_positive_number(rate):
    logged = TOPIC.replace(http_success_feedback_role_arn=ROLE, http_success_feedback_sample_rate=10)
    logged = logged.set("httpSuccessFeedbackSampleRate", rate)
    run(POLICY, [logged, HTTPS], config={"successFeedbackRequired": True}).assert_violation(
        f"httpSuccessFeedbackSampleRate is {rate!r}")


def test_email_and_unknown_protocols_need_no_logging_and_required_protocols_are_judged_on_the_topic():
    topic = TOPIC.replace(http_failure_feedback_role_arn=None)
    run(POLICY, [topic, EMAIL, HTTPS.replace(protocol="smtp")]).assert_clean()
    run(POLICY, [topic, HTTPS], config={"requiredProtocols": ["http"]}).assert_violation(
        "Topic 'alarms': httpFailureFeedbackRoleArn is not set", on=topic)


def test_a_sample_rate_of_one_percent_is_enough():
    logged = TOPIC.replace(http_success_feedback_role_arn=ROLE, http_success_feedback_sample_rate=1)
    run(POLICY, [logged, HTTPS], config={"successFeedbackRequired": True}).assert_clean()


def test_deferrals_are_on_the_subscription_and_name_what_is_unknown():
    result = run(POLICY, [TOPIC, HTTPS.replace(protocol=UNKNOWN)])
    assert result.clean and result.deferred == [
        {"message": "TopicSubscription 'pager': protocol is unknown at preview", "urn": HTTPS.urn}]
    unknown_rate = TOPIC.replace(http_success_feedback_role_arn=ROLE, http_success_feedback_sample_rate=UNKNOWN)
    result = run(POLICY, [unknown_rate, HTTPS], config={"successFeedbackRequired": True})
    assert result.clean and result.deferred == [{
        "message": "TopicSubscription 'pager': Topic 'alarms' httpSuccessFeedbackSampleRate unknown at preview",
        "urn": HTTPS.urn}]


def test_a_subscription_without_a_protocol_needs_no_logging():
    topic = TOPIC.replace(http_failure_feedback_role_arn=None)
    run(POLICY, [topic, HTTPS.set("protocol", REMOVE)]).assert_clean()
