"""Access: the model's role can only invoke, retrieve and apply the guardrail; auditors only read."""

from components.access import APPLICATION_ACTIONS, NETWORK_INTERFACE_ACTIONS
from components.config import GEOGRAPHY_REGIONS
from tests.components.conftest import ACCOUNT_ID, actions_of, by_sid, created

# Anything that could move money, change limits, escalate privilege or change the perimeter itself.
PRIVILEGED_PREFIXES = ("iam:", "sts:", "kms:Create", "kms:Put", "kms:Schedule", "kms:Disable", "s3:Put", "s3:Delete",
                       "bedrock:Create", "bedrock:Update", "bedrock:Delete", "bedrock:Put", "bedrock:StartIngestion",
                       "lambda:", "execute-api:", "dynamodb:", "sqs:", "sns:", "states:", "ec2:", "cloudtrail:",
                       "logs:Delete", "logs:Put" + "RetentionPolicy", "config:", "guardduty:", "securityhub:")


def app_policy(built):
    return built.one("aws:iam/policy:Policy", "access-app").json("policy")


def test_application_role_gets_only_invoke_retrieve_apply_guardrail(deployed):
    actions = actions_of(app_policy(deployed))
    assert actions <= APPLICATION_ACTIONS
    assert {"bedrock:InvokeModel", "bedrock:ApplyGuardrail", "bedrock:Retrieve"} <= actions
    # Running in the VPC and handing off to people: exactly these, each pinned down in the tests below.
    runtime_actions = {"sqs:SendMessage", *NETWORK_INTERFACE_ACTIONS}
    assert not [a for a in actions - runtime_actions if a.startswith(PRIVILEGED_PREFIXES) or "*" in a]
    bedrock_actions = {a for a in actions if a.startswith("bedrock:")}
    assert bedrock_actions == {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream",
                               "bedrock:ApplyGuardrail", "bedrock:Retrieve"}


def test_application_role_names_every_resource(deployed):
    own_streams = [f"/perimeter/{deployed.stack}/{group}:log-stream:*" for group in ("transcripts", "assistant-runtime")]
    for statement in app_policy(deployed)["Statement"]:
        assert statement["Effect"] == "Allow"
        if statement["Sid"] == "AttachToPrivateSubnets":
            # Lambda's VPC attachment: EC2 scopes none of these to a resource (DescribeNetworkInterfaces needs *).
            assert set(statement["Action"]) == set(NETWORK_INTERFACE_ACTIONS) and statement["Resource"] == ["*"]
            continue
        for arn in statement["Resource"]:
            # The only other wildcard allowed is the streams of the assistant's own log groups.
            for streams in own_streams:
                arn = arn.replace(streams, "")
            assert "*" not in arn, arn


def test_application_role_sends_only_to_its_own_queues_through_sqs(deployed):
    statements = by_sid(app_policy(deployed))
    queue_arn = f"arn:aws:sqs:{deployed.region}:{ACCOUNT_ID}:perimeter-{deployed.stack}-"
    assert statements["SendCasesAndFailures"]["Action"] == ["sqs:SendMessage"]
    assert statements["SendCasesAndFailures"]["Resource"] == [queue_arn + "escalations", queue_arn + "failures"]
    key = statements["EncryptQueuedCasesThroughSqs"]
    assert key["Condition"] == {"StringEquals": {"kms:ViaService": f"sqs.{deployed.region}.amazonaws.com"}}


def test_every_model_call_must_carry_the_pinned_guardrail_version(deployed):
    guardrail_arn = created(deployed, "aws:bedrock/guardrail:Guardrail")["guardrailArn"]
    version = created(deployed, "aws:bedrock/guardrailVersion:GuardrailVersion")["version"]
    pinned = f"{guardrail_arn}:{version}"
    invokes = [s for s in app_policy(deployed)["Statement"] if "bedrock:InvokeModel" in s["Action"]]
    assert invokes
    for statement in invokes:
        assert statement["Condition"]["StringEquals"]["bedrock:GuardrailIdentifier"] == pinned
    statements = by_sid(app_policy(deployed))
    assert statements["ApplyPerimeterGuardrail"]["Resource"] == [guardrail_arn]
    assert statements["RetrieveFromKnowledgeBase"]["Resource"] == [
        created(deployed, "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase")["arn"]]


def test_model_access_stays_in_region_or_in_the_approved_geography(deployed):
    model = deployed.setting("model")["id"]
    geography = deployed.setting("inferenceGeography")
    invokes = [s for s in app_policy(deployed)["Statement"] if "bedrock:InvokeModel" in s["Action"]]
    resources = [r for s in invokes for r in s["Resource"]]
    if geography == "none":
        assert resources == [f"arn:aws:bedrock:{deployed.region}::foundation-model/{model}"]
        return
    profile = f"arn:aws:bedrock:{deployed.region}:{ACCOUNT_ID}:inference-profile/{geography}.{model}"
    assert profile in resources
    model_regions = {r.split(":")[3] for r in resources if ":foundation-model/" in r}
    assert model_regions == set(GEOGRAPHY_REGIONS[geography])
    through_profile = next(s for s in invokes if ":foundation-model/" in s["Resource"][0])
    assert through_profile["Condition"]["StringEquals"]["bedrock:InferenceProfileArn"] == profile


def test_guardrail_key_is_decrypted_only_through_bedrock(deployed):
    decrypt = by_sid(app_policy(deployed))["DecryptGuardrailThroughBedrock"]
    assert decrypt["Resource"] == [created(deployed, "aws:kms/key:Key", "keys-guardrail")["arn"]]
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": f"bedrock.{deployed.region}.amazonaws.com"}}


def test_application_role_is_assumed_only_by_this_accounts_lambda(preview):
    (trust,) = preview.one("aws:iam/role:Role", "access-app").json("assumeRolePolicy")["Statement"]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}
    assert preview.one("aws:iam/role:Role", "access-app").inputs["maxSessionDuration"] == 3600


def test_auditors_assume_with_mfa_and_only_read(deployed):
    role = deployed.one("aws:iam/role:Role", "access-auditor")
    (trust,) = role.json("assumeRolePolicy")["Statement"]
    assert trust["Principal"] == {"AWS": deployed.setting("auditorPrincipals")}
    assert trust["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    document = deployed.one("aws:iam/policy:Policy", "access-auditor").json("policy")
    assert actions_of(document) == {"logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetLogEvents",
                                    "s3:ListBucket", "s3:ListBucketVersions", "s3:GetObject", "s3:GetObjectVersion",
                                    "kms:Decrypt"}
    statements = by_sid(document)
    buckets = {f"arn:aws:s3:::perimeter-{deployed.stack}-{p}-{ACCOUNT_ID}-{deployed.region}"
               for p in ("trail", "invocations", "config")}
    assert set(statements["ListAuditBuckets"]["Resource"]) == buckets
    assert statements["DecryptAuditEvidenceThroughS3AndLogs"]["Condition"]["StringEquals"]["kms:ViaService"] == [
        f"s3.{deployed.region}.amazonaws.com", f"logs.{deployed.region}.amazonaws.com"]
    assert all(r.startswith(f"arn:aws:logs:{deployed.region}:{ACCOUNT_ID}:log-group:/perimeter/{deployed.stack}/")
               for r in statements["ReadAuditLogGroups"]["Resource"])
