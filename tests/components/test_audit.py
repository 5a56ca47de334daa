"""Audit: a validated multi-region CMK trail kept >= 365 days; bounded, text-only invocation logs."""

from tests.components.conftest import ACCOUNT_ID, by_sid, created

VALID_CLOUDWATCH_RETENTION = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                              2557, 2922, 3288, 3653}


def audit_key(built):
    return created(built, "aws:kms/key:Key", "keys-audit")["arn"]


def test_trail_is_multi_region_validated_and_cmk_encrypted(deployed):
    trail = deployed.one("aws:cloudtrail/trail:Trail").inputs
    assert trail["name"] == f"perimeter-{deployed.stack}-trail"
    assert trail["isMultiRegionTrail"] is True
    assert trail["enableLogFileValidation"] is True
    assert trail["includeGlobalServiceEvents"] is True
    assert trail["enableLogging"] is True
    assert trail["kmsKeyId"] == audit_key(deployed)
    assert trail["s3BucketName"] == f"perimeter-{deployed.stack}-trail-{ACCOUNT_ID}-{deployed.region}"
    assert trail["cloudWatchLogsGroupArn"] == (
        f"arn:aws:logs:{deployed.region}:{ACCOUNT_ID}:log-group:/perimeter/{deployed.stack}/cloudtrail:*")
    assert trail["cloudWatchLogsRoleArn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/perimeter-{deployed.stack}-trail-logs"


def test_trail_records_management_and_perimeter_data_events(deployed):
    selectors = {s["name"]: s["fieldSelectors"] for s in deployed.one("aws:cloudtrail/trail:Trail").inputs["advancedEventSelectors"]}
    assert selectors["All management events"] == [{"field": "eventCategory", "equals": ["Management"]}]
    objects = {f["field"]: f for f in selectors["Objects in perimeter buckets"]}
    assert objects["resources.type"]["equals"] == ["AWS::S3::Object"]
    assert sorted(objects["resources.ARN"]["startsWiths"]) == sorted(
        f"arn:aws:s3:::perimeter-{deployed.stack}-{p}-{ACCOUNT_ID}-{deployed.region}/" for p in ("knowledge", "invocations"))
    assert {"Knowledge base retrievals", "Guardrail evaluations"} <= set(selectors)


def test_trail_waits_for_its_bucket_policy_and_delivery_role(preview):
    trail = preview.one("aws:cloudtrail/trail:Trail")
    assert preview.one("aws:s3/bucketPolicy:BucketPolicy", "audit-trail").urn in trail.dependencies
    assert preview.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "audit-trail-delivery").urn in trail.dependencies


def test_cloudtrail_may_write_only_for_this_trail(deployed):
    statements = by_sid(deployed.one("aws:s3/bucketPolicy:BucketPolicy", "audit-trail").json("policy"))
    trail_arn = f"arn:aws:cloudtrail:{deployed.region}:{ACCOUNT_ID}:trail/perimeter-{deployed.stack}-trail"
    write = statements["CloudTrailWritesThisAccountsLogs"]
    assert write["Principal"] == {"Service": "cloudtrail.amazonaws.com"} and write["Action"] == ["s3:PutObject"]
    assert write["Resource"] == [f"arn:aws:s3:::perimeter-{deployed.stack}-trail-{ACCOUNT_ID}-{deployed.region}/AWSLogs/{ACCOUNT_ID}/*"]
    assert write["Condition"]["StringEquals"]["aws:SourceArn"] == trail_arn
    assert statements["CloudTrailChecksBucketAcl"]["Condition"] == {"StringEquals": {"aws:SourceArn": trail_arn}}


def test_log_groups_are_cmk_encrypted_with_bounded_valid_retention(deployed):
    retention = deployed.setting("retention")
    expected = {"audit-trail": retention["auditDays"], "network-flow-logs": retention["auditDays"],
                "audit-invocations": retention["invocationLogDays"], "audit-transcripts": retention["invocationLogDays"],
                "assistant-runtime": retention["invocationLogDays"], "posture-delivery-failures": retention["auditDays"]}
    groups = {g.name: g.inputs for g in deployed.of_type("aws:cloudwatch/logGroup:LogGroup")}
    assert set(groups) == set(expected)
    for name, days in expected.items():
        assert groups[name]["retentionInDays"] == days and days in VALID_CLOUDWATCH_RETENTION
        assert groups[name]["kmsKeyId"] == audit_key(deployed)
        assert groups[name]["deletionProtectionEnabled"] is True
    assert groups["audit-trail"]["retentionInDays"] >= 365
    assert groups["audit-invocations"]["retentionInDays"] <= 180


def test_invocation_logging_delivers_metadata_only_to_cmk_stores(deployed):
    config = deployed.one("aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration").inputs["loggingConfig"]
    # Text too: the log would hold whatever the application sends (the logging trap).
    assert config["textDataDeliveryEnabled"] is False
    assert config["imageDataDeliveryEnabled"] is False
    assert config["embeddingDataDeliveryEnabled"] is False
    assert config["videoDataDeliveryEnabled"] is False
    bucket = f"perimeter-{deployed.stack}-invocations-{ACCOUNT_ID}-{deployed.region}"
    assert config["s3Config"] == {"bucketName": bucket, "keyPrefix": "invocations"}
    cloudwatch = config["cloudwatchConfig"]
    assert cloudwatch["logGroupName"] == f"/perimeter/{deployed.stack}/invocations"
    assert cloudwatch["roleArn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/perimeter-{deployed.stack}-invocation-logs"
    assert cloudwatch["largeDataDeliveryS3Config"] == {"bucketName": bucket, "keyPrefix": "large-invocations"}


def test_nobody_may_delete_the_trail(deployed):
    statements = by_sid(deployed.one("aws:s3/bucketPolicy:BucketPolicy", "audit-trail").json("policy"))
    deny = statements["NobodyDeletesTrailLogs"]
    assert (deny["Effect"], deny["Principal"], "Condition" in deny) == ("Deny", {"AWS": "*"}, False)
    assert deny["Action"] == ["s3:DeleteObject", "s3:DeleteObjectVersion"]


def test_bedrock_may_write_invocation_logs_only_for_this_account(deployed):
    statements = by_sid(deployed.one("aws:s3/bucketPolicy:BucketPolicy", "audit-invocations").json("policy"))
    write = statements["BedrockWritesThisAccountsInvocationLogs"]
    assert write["Principal"] == {"Service": "bedrock.amazonaws.com"}
    assert write["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
                                  "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:{deployed.region}:{ACCOUNT_ID}:*"}}


def test_delivery_roles_trust_one_service_for_this_account_and_write_one_log_group(preview):
    expectations = {
        "audit-trail-delivery": ("cloudtrail.amazonaws.com", "cloudtrail"),
        "audit-invocation-delivery": ("bedrock.amazonaws.com", "invocations"),
    }
    for name, (service, group) in expectations.items():
        (trust,) = preview.one("aws:iam/role:Role", name).json("assumeRolePolicy")["Statement"]
        assert trust["Principal"] == {"Service": service}
        assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT_ID}
        (write,) = preview.one("aws:iam/policy:Policy", name).json("policy")["Statement"]
        assert write["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
        assert write["Resource"] == [
            f"arn:aws:logs:{preview.region}:{ACCOUNT_ID}:log-group:/perimeter/{preview.stack}/{group}:log-stream:*"]
