"""Posture: Config recording + rules, GuardDuty features, Security Hub standards, alarms to a CMK topic."""

import json

from tests.components.conftest import ACCOUNT_ID, by_sid, created

EXPECTED_RULES = {
    "CMK_BACKING_KEY_ROTATION_ENABLED", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "S3_BUCKET_SSL_REQUESTS_ONLY",
    "S3_DEFAULT_ENCRYPTION_KMS", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", "MULTI_REGION_CLOUD_TRAIL_ENABLED",
    "CW_LOGGROUP_RETENTION_PERIOD_CHECK", "VPC_DEFAULT_SECURITY_GROUP_CLOSED",
}


def test_config_records_everything_and_delivers_encrypted(deployed):
    recorder = deployed.one("aws:cfg/recorder:Recorder").inputs
    assert recorder["recordingGroup"] == {"allSupported": True, "includeGlobalResourceTypes": True}
    assert recorder["roleArn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/perimeter-{deployed.stack}-config-recorder"
    channel = deployed.one("aws:cfg/deliveryChannel:DeliveryChannel").inputs
    assert channel["s3KmsKeyArn"] == created(deployed, "aws:kms/key:Key", "keys-audit")["arn"]
    assert channel["s3BucketName"] == f"perimeter-{deployed.stack}-config-{ACCOUNT_ID}-{deployed.region}"
    assert deployed.one("aws:cfg/recorderStatus:RecorderStatus").inputs["isEnabled"] is True


def test_recording_starts_only_after_delivery_is_set_up(preview):
    status = preview.one("aws:cfg/recorderStatus:RecorderStatus")
    assert preview.one("aws:cfg/deliveryChannel:DeliveryChannel").urn in status.dependencies


def test_managed_rules_mirror_the_controls(preview):
    rules = {r.inputs["source"]["sourceIdentifier"]: r.inputs for r in preview.of_type("aws:cfg/rule:Rule")}
    assert EXPECTED_RULES <= set(rules)
    assert all(r["source"]["owner"] == "AWS" for r in rules.values())
    retention = json.loads(rules["CW_LOGGROUP_RETENTION_PERIOD_CHECK"]["inputParameters"])
    assert retention == {"LogGroupNames": f"/perimeter/{preview.stack}/cloudtrail,/perimeter/{preview.stack}/vpc-flow-logs",
                         "MinRetentionTime": str(preview.setting("retention")["auditDays"])}


def test_guardduty_uses_detector_features_not_datasources(preview):
    detector = preview.one("aws:guardduty/detector:Detector").inputs
    assert detector["enable"] is True and "datasources" not in detector
    features = {f.inputs["name"]: f.inputs for f in preview.of_type("aws:guardduty/detectorFeature:DetectorFeature")}
    assert set(features) == {"S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "LAMBDA_NETWORK_LOGS"}
    assert all(f["status"] == "ENABLED" for f in features.values())


def test_security_hub_subscribes_pci_dss_4_and_fsbp_in_the_stack_region(preview):
    hub = preview.one("aws:securityhub/account:Account").inputs
    assert hub["enableDefaultStandards"] is False and hub["autoEnableControls"] is True
    arns = {s.inputs["standardsArn"] for s in preview.of_type("aws:securityhub/standardsSubscription:StandardsSubscription")}
    assert arns == {f"arn:aws:securityhub:{preview.region}::standards/pci-dss/v/4.0.1",
                    f"arn:aws:securityhub:{preview.region}::standards/aws-foundational-security-best-practices/v/1.0.0"}


def test_alarm_topic_is_cmk_encrypted_and_only_this_accounts_alarms_publish(deployed):
    topic = deployed.one("aws:sns/topic:Topic").inputs
    assert topic["kmsMasterKeyId"] == created(deployed, "aws:kms/key:Key", "keys-audit")["arn"]
    statements = by_sid(deployed.one("aws:sns/topicPolicy:TopicPolicy").json("policy"))
    publish = statements["CloudWatchAlarmsOfThisAccountPublish"]
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert publish["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT_ID}
    assert statements["DenyInsecureTransport"]["Effect"] == "Deny"


def test_control_changes_and_guardrail_interventions_raise_alarms(deployed):
    filters = {f.inputs["name"]: f.inputs for f in deployed.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")}
    assert {"cloudtrail-changed", "kms-key-disabled-or-changed", "bedrock-guardrail-or-logging-changed",
            "detection-services-changed"} == set(filters)
    assert all(f["logGroupName"] == f"/perimeter/{deployed.stack}/cloudtrail" for f in filters.values())
    assert "StopLogging" in filters["cloudtrail-changed"]["pattern"]
    assert "ScheduleKeyDeletion" in filters["kms-key-disabled-or-changed"]["pattern"]
    topic = created(deployed, "aws:sns/topic:Topic")["arn"]
    alarms = {a.name: a.inputs for a in deployed.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert len(alarms) == len(filters) + 1
    assert all(a["alarmActions"] == [topic] for a in alarms.values())
    assert all(a["insufficientDataActions"] == [topic] for a in alarms.values())
    guardrail = alarms["posture-guardrail-interventions"]
    assert (guardrail["namespace"], guardrail["metricName"]) == ("AWS/Bedrock/Guardrails", "InvocationsIntervened")
    assert guardrail["dimensions"] == {
        "GuardrailArn": created(deployed, "aws:bedrock/guardrail:Guardrail")["guardrailArn"],
        "GuardrailVersion": created(deployed, "aws:bedrock/guardrailVersion:GuardrailVersion")["version"]}


def test_alarm_topic_logs_failed_deliveries_through_a_role_that_writes_one_log_group(deployed):
    topic = deployed.one("aws:sns/topic:Topic").inputs
    role_arn = created(deployed, "aws:iam/role:Role", "posture-delivery-feedback")["arn"]
    protocols = ("http", "lambda", "sqs", "firehose", "application")
    assert all(topic[f"{p}FailureFeedbackRoleArn"] == role_arn for p in protocols)
    topic_arn = f"arn:aws:sns:{deployed.region}:{ACCOUNT_ID}:perimeter-{deployed.stack}-security-alarms"
    (trust,) = deployed.one("aws:iam/role:Role", "posture-delivery-feedback").json("assumeRolePolicy")["Statement"]
    assert trust["Principal"] == {"Service": "sns.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
                                  "ArnLike": {"aws:SourceArn": topic_arn}}
    group_name = f"sns/{deployed.region}/{ACCOUNT_ID}/perimeter-{deployed.stack}-security-alarms/Failure"
    group_arn = f"arn:aws:logs:{deployed.region}:{ACCOUNT_ID}:log-group:{group_name}"
    statements = by_sid(deployed.one("aws:iam/policy:Policy", "posture-delivery-feedback").json("policy"))
    assert statements["OpenDeliveryFailureLogGroup"]["Resource"] == [group_arn]
    assert statements["WriteDeliveryFailures"]["Resource"] == [f"{group_arn}:log-stream:*"]
    assert {a for s in statements.values() for a in s["Action"]} == {
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}
    group = deployed.one("aws:cloudwatch/logGroup:LogGroup", "posture-delivery-failures").inputs
    assert group["name"] == group_name
    assert group["kmsKeyId"] == created(deployed, "aws:kms/key:Key", "keys-audit")["arn"]
