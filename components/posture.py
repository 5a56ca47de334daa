"""Proof the controls stay on: AWS Config, GuardDuty, Security Hub and security alarms.

Config records every resource and evaluates managed rules that mirror the
policy pack's controls, so drift after deployment is detected (CC7.1, PCI DSS
10.7.2, 11.5.1). Alarms on the CloudTrail log group catch anyone switching a
control off (trail, key, guardrail, logging, detection), and a burst of
guardrail interventions flags probing of the assistant. Alarms go to an SNS
topic encrypted with the audit key, and so do GuardDuty findings of high
severity and Security Hub findings that are critical, high or a failed PCI DSS
control (EventBridge rules). The topic's subscribers come from stack config,
so alerts reach people (required in staging and prod).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from .aws_context import AwsContext
from .iam_policy import ANYONE, assume_role_policy, policy_document, services, statement
from .log_groups import encrypted_log_group
from .naming import PerimeterNames
from .roles import scoped_role
from .secure_bucket import SecureBucket, SecureBucketArgs

SNAPSHOT_FREQUENCY = "TwentyFour_Hours"
GUARDDUTY_FEATURES: Mapping[str, Sequence[str]] = {
    "S3_DATA_EVENTS": (),
    "EBS_MALWARE_PROTECTION": (),
    # The workload is a Lambda function in the VPC: GuardDuty reads its network activity.
    "LAMBDA_NETWORK_LOGS": (),
}
SECURITY_HUB_STANDARDS = (
    "standards/pci-dss/v/4.0.1",
    "standards/aws-foundational-security-best-practices/v/1.0.0",
)
SECURITY_METRIC_NAMESPACE = "Perimeter/Security"
# GuardDuty rates findings 1-10; 7 and above is "High" (its own scale).
GUARDDUTY_ALERT_SEVERITY = 7
FINDING_ALERTS: Mapping[str, Mapping[str, object]] = {
    "guardduty-high": {
        "source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"],
        "detail": {"severity": [{"numeric": [">=", GUARDDUTY_ALERT_SEVERITY]}]},
    },
    "securityhub-critical-high": {
        "source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"],
        "detail": {"findings": {"Severity": {"Label": ["CRITICAL", "HIGH"]},
                                "Workflow": {"Status": ["NEW"]}, "RecordState": ["ACTIVE"]}},
    },
    "securityhub-pci-dss-failed": {
        "source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"],
        "detail": {"findings": {"Compliance": {"Status": ["FAILED"],
                                               "AssociatedStandards": {"StandardsId": [{"prefix": "standards/pci-dss/"}]}},
                                "Workflow": {"Status": ["NEW"]}, "RecordState": ["ACTIVE"]}},
    },
}
ALARM_PERIOD_SECONDS = 300
# Protocols SNS can log delivery status for (email and SMS have none); one feedback role serves them all.
DELIVERY_STATUS_PROTOCOLS = ("http", "lambda", "sqs", "firehose", "application")
# More interventions than this in five minutes looks like someone probing the assistant.
GUARDRAIL_INTERVENTIONS_THRESHOLD = 20

# CloudTrail events that switch off or weaken a control. Each becomes a metric filter and an alarm.
CONTROL_CHANGE_PATTERNS = {
    "cloudtrail-changed": "{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = StopLogging) || "
                          "($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) || "
                          "($.eventName = PutEventSelectors)) }",
    "kms-key-disabled-or-changed": "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || "
                                   "($.eventName = ScheduleKeyDeletion) || ($.eventName = PutKeyPolicy) || "
                                   "($.eventName = DisableKeyRotation)) }",
    "bedrock-guardrail-or-logging-changed": "{ ($.eventSource = bedrock.amazonaws.com) && "
                                            "(($.eventName = UpdateGuardrail) || ($.eventName = DeleteGuardrail) || "
                                            "($.eventName = DeleteModelInvocationLoggingConfiguration) || "
                                            "($.eventName = PutModelInvocationLoggingConfiguration)) }",
    "detection-services-changed": "{ ($.eventName = StopConfigurationRecorder) || "
                                  "($.eventName = DeleteDeliveryChannel) || ($.eventName = DeleteDetector) || "
                                  "($.eventName = DisableSecurityHub) || ($.eventName = BatchDisableStandards) }",
}


@dataclass(frozen=True)
class ManagedRule:
    identifier: str
    parameters: Optional[Mapping[str, str]] = None

    @property
    def slug(self) -> str:
        return self.identifier.lower().replace("_", "-")


@dataclass
class PostureArgs:
    names: PerimeterNames
    audit_key_arn: pulumi.Input[str]
    audit_days: int
    auditor_role_arn: str
    trail_log_group_name: pulumi.Input[str]
    # Log groups holding evidence that must be kept at least `audit_days`.
    audit_log_group_names: Sequence[str]
    guardrail_arn: pulumi.Input[str]
    guardrail_version: pulumi.Input[str]
    # The role AWS Backup reads the Config bucket with.
    backup_role_arn: str
    alert_emails: Sequence[str] = ()
    alert_https_endpoints: Sequence[str] = ()


def managed_rules(args: PostureArgs) -> list[ManagedRule]:
    return [
        ManagedRule("CMK_BACKING_KEY_ROTATION_ENABLED"),
        ManagedRule("S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED"),
        ManagedRule("S3_BUCKET_PUBLIC_READ_PROHIBITED"),
        ManagedRule("S3_BUCKET_PUBLIC_WRITE_PROHIBITED"),
        ManagedRule("S3_BUCKET_SSL_REQUESTS_ONLY"),
        ManagedRule("S3_DEFAULT_ENCRYPTION_KMS"),
        ManagedRule("S3_BUCKET_VERSIONING_ENABLED"),
        ManagedRule("CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED"),
        ManagedRule("CLOUD_TRAIL_ENCRYPTION_ENABLED"),
        ManagedRule("CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED"),
        ManagedRule("MULTI_REGION_CLOUD_TRAIL_ENABLED"),
        ManagedRule("CLOUDWATCH_LOG_GROUP_ENCRYPTED"),
        ManagedRule("CW_LOGGROUP_RETENTION_PERIOD_CHECK", {
            "LogGroupNames": ",".join(args.audit_log_group_names),
            "MinRetentionTime": str(args.audit_days),
        }),
        ManagedRule("VPC_DEFAULT_SECURITY_GROUP_CLOSED"),
        ManagedRule("VPC_FLOW_LOGS_ENABLED"),
        ManagedRule("SNS_ENCRYPTED_KMS"),
        ManagedRule("GUARDDUTY_ENABLED_CENTRALIZED"),
        ManagedRule("SECURITYHUB_ENABLED"),
    ]


def config_bucket_statements(context: AwsContext, bucket_arn: str) -> list[dict]:
    config = services("config.amazonaws.com")
    this_account = {"StringEquals": {"aws:SourceAccount": context.account_id}}
    return [
        statement("ConfigChecksBucket", ["s3:GetBucketAcl", "s3:ListBucket"], [bucket_arn], principal=config,
                  conditions=this_account),
        statement("ConfigWritesThisAccountsSnapshots", ["s3:PutObject"],
                  [f"{bucket_arn}/AWSLogs/{context.account_id}/Config/*"], principal=config,
                  conditions={"StringEquals": {"aws:SourceAccount": context.account_id,
                                               "s3:x-amz-acl": "bucket-owner-full-control"}}),
    ]


def delivery_failure_log_group(names: PerimeterNames) -> str:
    """Where SNS writes the alarm topic's failed deliveries (its naming, not ours: sns/<region>/<account>/<topic>)."""
    context = names.context
    return f"sns/{context.region}/{context.account_id}/{names.alarm_topic}/Failure"


def finding_rule_arn(context: AwsContext, names: PerimeterNames, alert: str) -> str:
    return context.arn("events", f"rule/{names.prefix}-{alert}")


def alarm_topic_policy(context: AwsContext, names: PerimeterNames, topic_arn: str) -> pulumi.Output[str]:
    return policy_document([
        statement("CloudWatchAlarmsOfThisAccountPublish", ["sns:Publish"], [topic_arn],
                  principal=services("cloudwatch.amazonaws.com"),
                  conditions={"StringEquals": {"aws:SourceAccount": context.account_id},
                              "ArnLike": {"aws:SourceArn": context.arn("cloudwatch", "alarm:*")}}),
        statement("FindingRulesPublish", ["sns:Publish"], [topic_arn],
                  principal=services("events.amazonaws.com"),
                  conditions={"StringEquals": {"aws:SourceAccount": context.account_id},
                              "ArnEquals": {"aws:SourceArn": [finding_rule_arn(context, names, a)
                                                              for a in FINDING_ALERTS]}}),
        statement("DenyInsecureTransport", ["sns:Publish"], [topic_arn], effect="Deny", principal=ANYONE,
                  conditions={"Bool": {"aws:SecureTransport": "false"}}),
    ])


class Posture(pulumi.ComponentResource):
    def __init__(self, name: str, args: PostureArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("perimeter:security:Posture", name, None, opts)
        names, context = args.names, args.names.context
        child = pulumi.ResourceOptions(parent=self)
        self._record_configuration(name, args)
        self._detect_threats(name, context)

        topic_arn = context.arn("sns", names.alarm_topic)
        feedback_role_arn = self._log_delivery_failures(name, args, topic_arn)
        self.alarm_topic = aws.sns.Topic(
            name, name=names.alarm_topic, kms_master_key_id=args.audit_key_arn, opts=child,
            **{f"{protocol}_failure_feedback_role_arn": feedback_role_arn for protocol in DELIVERY_STATUS_PROTOCOLS})
        aws.sns.TopicPolicy(name, arn=self.alarm_topic.arn, policy=alarm_topic_policy(context, names, topic_arn),
                            opts=child)
        self._notify_people(name, args)
        self._route_findings(name, args)
        self._alarm_on_control_changes(name, args)
        self._alarm(
            f"{name}-guardrail-interventions",
            description="Burst of guardrail interventions on the pinned version: possible probing or prompt attack",
            namespace="AWS/Bedrock/Guardrails",
            metric_name="InvocationsIntervened",
            threshold=GUARDRAIL_INTERVENTIONS_THRESHOLD,
            dimensions={"GuardrailArn": args.guardrail_arn, "GuardrailVersion": args.guardrail_version},
        )
        self.register_outputs({"alarmTopicArn": self.alarm_topic.arn, "configBucket": self.config_bucket.bucket_name})

    def _record_configuration(self, name: str, args: PostureArgs) -> None:
        names, context = args.names, args.names.context
        child = pulumi.ResourceOptions(parent=self)
        bucket_name = names.bucket("config")
        self.config_bucket = SecureBucket(
            f"{name}-config",
            SecureBucketArgs(
                context=context,
                bucket_name=bucket_name,
                kms_key_arn=args.audit_key_arn,
                expiration_days=args.audit_days,
                noncurrent_expiration_days=args.audit_days,
                readers=[args.auditor_role_arn, args.backup_role_arn],
                service_statements=config_bucket_statements(context, context.bucket_arn(bucket_name)),
            ),
            opts=child,
        )
        recorder_role = scoped_role(
            f"{name}-config-recorder",
            role_name=names.role("config-recorder"),
            description="AWS Config: record resource configuration and deliver snapshots",
            trust_policy=assume_role_policy("config.amazonaws.com", source_account=context.account_id,
                                            source_arn=context.arn("config", "*")),
            permissions=policy_document([
                statement("DeliverSnapshots", ["s3:PutObject"],
                          [f"{self.config_bucket.arn}/AWSLogs/{context.account_id}/Config/*"]),
                statement("CheckDeliveryBucket", ["s3:GetBucketAcl"], [self.config_bucket.arn]),
                statement("EncryptSnapshotsThroughS3", ["kms:GenerateDataKey", "kms:Decrypt"], [args.audit_key_arn],
                          conditions={"StringEquals": {"kms:ViaService": context.service_endpoint("s3")}}),
            ]),
            parent=self,
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-config-recorder-read",
            role=recorder_role.role.name,
            policy_arn=f"arn:{context.partition}:iam::aws:policy/service-role/AWS_ConfigRole",
            opts=child,
        )
        recorder = aws.cfg.Recorder(
            name,
            name=names.prefix,
            role_arn=recorder_role.arn,
            recording_group=aws.cfg.RecorderRecordingGroupArgs(all_supported=True, include_global_resource_types=True),
            opts=child,
        )
        channel = aws.cfg.DeliveryChannel(
            name,
            name=names.prefix,
            s3_bucket_name=self.config_bucket.bucket.bucket,
            s3_kms_key_arn=args.audit_key_arn,
            snapshot_delivery_properties=aws.cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs(
                delivery_frequency=SNAPSHOT_FREQUENCY),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[recorder, self.config_bucket.policy]),
        )
        aws.cfg.RecorderStatus(name, name=recorder.name, is_enabled=True,
                               opts=pulumi.ResourceOptions(parent=self, depends_on=[channel]))
        for rule in managed_rules(args):
            aws.cfg.Rule(
                f"{name}-{rule.slug}",
                name=f"{names.prefix}-{rule.slug}",
                source=aws.cfg.RuleSourceArgs(owner="AWS", source_identifier=rule.identifier),
                input_parameters=json.dumps(rule.parameters) if rule.parameters else None,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[recorder]),
            )

    def _detect_threats(self, name: str, context: AwsContext) -> None:
        child = pulumi.ResourceOptions(parent=self)
        detector = aws.guardduty.Detector(name, enable=True, finding_publishing_frequency="FIFTEEN_MINUTES", opts=child)
        for feature, additional in GUARDDUTY_FEATURES.items():
            aws.guardduty.DetectorFeature(
                f"{name}-{feature.lower().replace('_', '-')}",
                detector_id=detector.id,
                name=feature,
                status="ENABLED",
                additional_configurations=[
                    aws.guardduty.DetectorFeatureAdditionalConfigurationArgs(name=extra, status="ENABLED")
                    for extra in additional
                ],
                opts=child,
            )
        hub = aws.securityhub.Account(
            name,
            enable_default_standards=False,
            auto_enable_controls=True,
            control_finding_generator="SECURITY_CONTROL",
            opts=child,
        )
        for standard in SECURITY_HUB_STANDARDS:
            aws.securityhub.StandardsSubscription(
                f"{name}-{standard.split('/')[1]}",
                standards_arn=context.arn("securityhub", standard, account=False),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[hub]),
            )

    def _log_delivery_failures(self, name: str, args: PostureArgs, topic_arn: str) -> pulumi.Output[str]:
        names, context = args.names, args.names.context
        log_group_name = delivery_failure_log_group(names)
        encrypted_log_group(f"{name}-delivery-failures", log_group_name=log_group_name,
                            kms_key_arn=args.audit_key_arn, retention_days=args.audit_days, parent=self)
        log_group_arn = context.log_group_arn(log_group_name)
        role = scoped_role(
            f"{name}-delivery-feedback",
            role_name=names.role("alarm-delivery-feedback"),
            description="SNS: log failed deliveries of the security alarm topic",
            trust_policy=assume_role_policy("sns.amazonaws.com", source_account=context.account_id,
                                            source_arn=topic_arn),
            permissions=policy_document([
                # SNS creates its log group on first use; ours already exists, with retention and the audit key.
                statement("OpenDeliveryFailureLogGroup", ["logs:CreateLogGroup"], [log_group_arn]),
                statement("WriteDeliveryFailures", ["logs:CreateLogStream", "logs:PutLogEvents"],
                          [f"{log_group_arn}:log-stream:*"]),
            ]),
            parent=self,
        )
        return role.arn

    def _notify_people(self, name: str, args: PostureArgs) -> None:
        endpoints = [("email", e) for e in args.alert_emails] + [("https", u) for u in args.alert_https_endpoints]
        for index, (protocol, endpoint) in enumerate(endpoints):
            aws.sns.TopicSubscription(
                f"{name}-alert-{protocol}-{index}",
                topic=self.alarm_topic.arn,
                protocol=protocol,
                endpoint=endpoint,
                opts=pulumi.ResourceOptions(parent=self),
            )

    def _route_findings(self, name: str, args: PostureArgs) -> None:
        for alert, pattern in FINDING_ALERTS.items():
            rule = aws.cloudwatch.EventRule(
                f"{name}-{alert}",
                name=f"{args.names.prefix}-{alert}",
                description=f"Security finding alert: {alert}",
                event_pattern=json.dumps(pattern, sort_keys=True),
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.cloudwatch.EventTarget(
                f"{name}-{alert}",
                rule=rule.name,
                arn=self.alarm_topic.arn,
                opts=pulumi.ResourceOptions(parent=self),
            )

    def _alarm_on_control_changes(self, name: str, args: PostureArgs) -> None:
        for change, pattern in CONTROL_CHANGE_PATTERNS.items():
            aws.cloudwatch.LogMetricFilter(
                f"{name}-{change}",
                name=change,
                log_group_name=args.trail_log_group_name,
                pattern=pattern,
                metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                    name=change, namespace=SECURITY_METRIC_NAMESPACE, value="1", default_value="0",
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self._alarm(f"{name}-{change}", description=f"Security control change in CloudTrail: {change}",
                        namespace=SECURITY_METRIC_NAMESPACE, metric_name=change, threshold=1)

    def _alarm(self, resource_name: str, *, description: str, namespace: str, metric_name: str, threshold: int,
               dimensions: Optional[Mapping[str, pulumi.Input[str]]] = None) -> None:
        aws.cloudwatch.MetricAlarm(
            resource_name,
            alarm_description=description,
            namespace=namespace,
            metric_name=metric_name,
            dimensions=dimensions,
            statistic="Sum",
            period=ALARM_PERIOD_SECONDS,
            evaluation_periods=1,
            threshold=threshold,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[self.alarm_topic.arn],
            # An alarm that cannot be evaluated (its metric or dimensions gone) is reported, not silent.
            insufficient_data_actions=[self.alarm_topic.arn],
            opts=pulumi.ResourceOptions(parent=self),
        )
