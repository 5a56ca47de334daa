import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from perimeter_policies.model import UNKNOWN
from perimeter_policies.pack import load_rules

from tests.policies._mutate import mutated
from tests.policy_harness import analyze, provider, resource

POLICY = "approved-regions"
AGENT = "aws:bedrock/agentAgent:AgentAgent"
PROFILE = "aws:bedrock/inferenceProfile:InferenceProfile"
GUARDRAIL = "aws:bedrock/guardrail:Guardrail"
QUEUE = "aws:sqs/queue:Queue"
KNOWLEDGE_BASE = "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase"
PROMPT = "aws:bedrock/agentPrompt:AgentPrompt"
FLOW = "aws:bedrock/agentFlow:AgentFlow"
EU_MODEL = "eu.anthropic.claude-sonnet-4-20250514-v1:0"

COMPLIANT = {
    AGENT: {"agentName": "support", "foundationModel": EU_MODEL, "agentResourceRoleArn": UNKNOWN,
            "customerEncryptionKeyArn": UNKNOWN},
    PROFILE: {"name": "support", "modelSource": {"copyFrom": f"arn:aws:bedrock:eu-west-1:111122223333:inference-profile/{EU_MODEL}"}},
    GUARDRAIL: {"name": "pci", "kmsKeyArn": UNKNOWN, "crossRegionConfig": {"guardrailProfileIdentifier": "eu.guardrail.v1:0"}},
    QUEUE: {"name": "jobs", "kmsMasterKeyId": UNKNOWN},
    KNOWLEDGE_BASE: {"name": "docs", "roleArn": UNKNOWN, "knowledgeBaseConfiguration": {"type": "VECTOR",
                     "vectorKnowledgeBaseConfiguration": {
                         "embeddingModelArn": "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0"}}},
    PROMPT: {"name": "answer", "customerEncryptionKeyArn": UNKNOWN, "variants": [
        {"name": "v1", "templateType": "TEXT", "modelId": EU_MODEL}]},
    FLOW: {"name": "triage", "executionRoleArn": UNKNOWN, "definition": {"nodes": [
        {"name": "Start", "type": "Input"},
        {"name": "Docs", "type": "KnowledgeBase", "configuration": {"knowledgeBase": {"knowledgeBaseId": UNKNOWN,
                                                                                      "modelId": EU_MODEL}}},
        {"name": "Answer", "type": "Prompt", "configuration": {"prompt": {"sourceConfiguration": {"inline": {
            "modelId": EU_MODEL, "templateType": "TEXT"}}}}}]}},
}


def run(type_, inputs, config=None, **options):
    return analyze(POLICY, resource(type_, "subject", inputs, **options), config)


@pytest.mark.parametrize("type_", sorted(COMPLIANT))
def test_compliant_resources_with_unknown_key_arns_pass(type_):
    result = run(type_, COMPLIANT[type_])
    assert result.clean and not result.cant_run and not result.deferred


def test_rule_covers_every_aws_type_and_explicit_providers():
    rule = next(r for r in load_rules() if r.name == POLICY)
    assert rule.applies_to("aws:iam/role:Role") and rule.applies_to("pulumi:providers:aws")
    assert not rule.applies_to("random:index/randomId:RandomId") and not rule.applies_to("awsx:ec2:Vpc")
    assert "resource-prefix:aws:" in rule.protocol_tags()
    assert rule.waivable is False and rule.severity == "critical"


REGION_MUTATIONS = [
    ("provider-region-unapproved", dict(region="us-east-1"), "provider 'default_7_51_1' region is 'us-east-1'"),
    ("provider-region-absent", dict(region=None), "is not set"),
    ("provider-region-unknown", dict(region=UNKNOWN), "is unknown at preview"),
    ("resource-region-overrides-provider", dict(inputs={"region": "ap-southeast-2"}), "its region input is 'ap-southeast-2'"),
    ("resource-region-unknown", dict(inputs={"region": UNKNOWN}), "its region input is unknown"),
]


@pytest.mark.parametrize("case, change, named", REGION_MUTATIONS, ids=[m[0] for m in REGION_MUTATIONS])
def test_each_region_violation_blocks(case, change, named):
    inputs = {**COMPLIANT[QUEUE], **change.get("inputs", {})}
    result = run(QUEUE, inputs, region=change.get("region", "eu-west-1"))
    assert len(result.violations) == 1 and not result.cant_run
    assert named in result.violations[0][0] and "Queue 'subject'" in result.violations[0][0]


def test_resource_region_input_overrides_an_unapproved_provider():
    assert run(QUEUE, {**COMPLIANT[QUEUE], "region": "eu-central-1"}, region="us-east-1").clean


@pytest.mark.parametrize("type_", ["aws:iam/role:Role", "aws:organizations/policy:Policy",
                                   "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"])
def test_global_services_still_need_an_approved_provider_region(type_):
    assert run(type_, {"name": "x"}).clean
    assert len(run(type_, {"name": "x"}, region="us-east-1").violations) == 1


def test_explicit_provider_resources_are_checked_themselves():
    record = provider(region="us-west-2", name="us")
    record.update(urn=record["urn"], custom=True, parent=None, provider=None, dependencies=[],
                  propertyDependencies={}, options={})
    result = analyze(POLICY, record)
    assert "the provider's region is 'us-west-2'" in result.violations[0][0]


def test_explicit_provider_of_a_resource_is_used():
    eu_central = provider(region="eu-central-1", name="frankfurt")
    assert run(QUEUE, COMPLIANT[QUEUE], provider_record=eu_central).clean
    result = run(QUEUE, COMPLIANT[QUEUE], provider_record=provider(region="us-east-2", name="ohio"))
    assert "provider 'ohio' region is 'us-east-2'" in result.violations[0][0]


def test_configured_regions_are_honoured():
    assert run(QUEUE, COMPLIANT[QUEUE], {"approvedRegions": ["eu-central-1"]}).violations


ROUTE_MUTATIONS = [
    (AGENT, ("foundationModel",), "us.anthropic.claude-sonnet-4-20250514-v1:0", "'us.' cross-region profile"),
    (AGENT, ("foundationModel",), "global.anthropic.claude-sonnet-4-20250514-v1:0", "'global.' cross-region profile"),
    (AGENT, ("foundationModel",), "arn:aws:bedrock:eu-west-1:111122223333:inference-profile/apac.amazon.nova-pro-v1:0",
     "'apac.' cross-region profile"),
    (AGENT, ("foundationModel",), "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
     "in region 'us-east-1'"),
    (PROFILE, ("modelSource", "copyFrom"), "arn:aws:bedrock:eu-west-1:111122223333:inference-profile/us-gov.meta.llama3-8b",
     "'us-gov.' cross-region profile"),
    (GUARDRAIL, ("crossRegionConfig", "guardrailProfileIdentifier"), "us.guardrail.v1:0", "'us.' cross-region profile"),
    (KNOWLEDGE_BASE, ("knowledgeBaseConfiguration", "vectorKnowledgeBaseConfiguration", "embeddingModelArn"),
     "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0", "in region 'us-east-1'"),
    (PROMPT, ("variants", 0, "modelId"), "global.anthropic.claude-sonnet-4-20250514-v1:0", "'global.' cross-region"),
    (FLOW, ("definition", "nodes", 1, "configuration", "knowledgeBase", "modelId"), "jp.amazon.nova-lite-v1:0",
     "'jp.' cross-region profile"),
    (FLOW, ("definition", "nodes", 2, "configuration", "prompt", "sourceConfiguration", "inline", "modelId"),
     "au.anthropic.claude-sonnet-4-20250514-v1:0", "'au.' cross-region profile"),
]
SPELLED = {("variants", 0, "modelId"): "variants[0].modelId",
           ("definition", "nodes", 1, "configuration", "knowledgeBase", "modelId"):
               "definition.nodes[1].configuration.knowledgeBase.modelId",
           ("definition", "nodes", 2, "configuration", "prompt", "sourceConfiguration", "inline", "modelId"):
               "definition.nodes[2].configuration.prompt.sourceConfiguration.inline.modelId"}


def _with(inputs, path, value):
    return mutated(inputs, path, value)


@pytest.mark.parametrize("type_, path, value, named", ROUTE_MUTATIONS, ids=[m[2][:40] for m in ROUTE_MUTATIONS])
def test_each_cross_region_route_violation_blocks(type_, path, value, named):
    result = run(type_, _with(COMPLIANT[type_], path, value))
    assert len(result.violations) == 1 and named in result.violations[0][0]
    assert (SPELLED[path] if path in SPELLED else ".".join(path)) in result.violations[0][0]


def test_global_profiles_pass_only_when_global_is_approved():
    inputs = _with(COMPLIANT[AGENT], ("foundationModel",), "global.anthropic.claude-sonnet-4-20250514-v1:0")
    assert run(AGENT, inputs, {"approvedGeographies": ["eu", "global"]}).clean


def test_in_region_model_ids_pass():
    for model in ("anthropic.claude-3-haiku-20240307-v1:0",
                  "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-text-express-v1"):
        assert run(AGENT, _with(COMPLIANT[AGENT], ("foundationModel",), model)).clean


def test_unknown_model_reference_is_deferred_not_blocked():
    result = run(AGENT, _with(COMPLIANT[AGENT], ("foundationModel",), UNKNOWN))
    assert result.clean and "foundationModel is unknown" in result.deferred[0]["message"]


def test_bad_route_blocks_beside_unknown_inputs():
    inputs = {"agentName": UNKNOWN, "agentResourceRoleArn": UNKNOWN, "instruction": UNKNOWN,
              "foundationModel": "us.amazon.nova-pro-v1:0"}
    result = run(AGENT, inputs)
    assert len(result.violations) == 1 and not result.cant_run


def test_waivers_never_apply():
    waiver = {"resource": "*", "reason": "temporary migration out of us-east-1", "approver": "ciso@example.com",
              "expires": "2099-01-01"}
    result = run(QUEUE, COMPLIANT[QUEUE], {"waivers": [waiver]}, region="us-east-1")
    assert "cannot be waived" in result.violations[0][0] and not result.waived


@settings(max_examples=30, deadline=None)
@given(geography=st.sampled_from(["us", "eu", "apac", "global", "us-gov", "jp", "au", "ca"]),
       as_arn=st.booleans(), model=st.from_regex(r"[a-z]{3,10}\.[a-z0-9-]{3,20}-v[0-9]:0", fullmatch=True))
def test_geography_prefix_is_found_in_ids_and_arns(geography, as_arn, model):
    profile = f"{geography}.{model}"
    value = f"arn:aws:bedrock:eu-west-1:111122223333:inference-profile/{profile}" if as_arn else profile
    result = run(AGENT, _with(COMPLIANT[AGENT], ("foundationModel",), value))
    assert bool(result.violations) == (geography != "eu")


APPROVED = "['eu-central-1', 'eu-west-1']"


@pytest.mark.parametrize("case, change, line", [
    ("provider-region-unapproved", dict(region="us-east-1"),
     f"Queue 'subject': its provider 'default_7_51_1' region is 'us-east-1', not one of the approved regions {APPROVED}."),
    ("provider-region-absent", dict(region=None),
     "Queue 'subject': its provider 'default_7_51_1' region is not set, so it would come from the environment of "
     f"whoever deploys; residency is asserted, not assumed: set region to one of {APPROVED}."),
    ("resource-region-unknown", dict(inputs={"region": UNKNOWN}),
     "Queue 'subject': its region input is unknown at preview; residency is asserted, not assumed: set region to a "
     f"literal, one of {APPROVED}."),
], ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None)
def test_region_finding_says_where_the_region_comes_from_and_what_to_set(case, change, line):
    inputs = {**COMPLIANT[QUEUE], **change.get("inputs", {})}
    result = run(QUEUE, inputs, region=change.get("region", "eu-west-1"))
    assert result.violations[0][0].splitlines()[1] == line


def test_resource_without_any_provider_blocks():
    record = resource(QUEUE, "subject", COMPLIANT[QUEUE])
    record["provider"] = None
    result = analyze(POLICY, record)
    assert len(result.violations) == 1 and result.violations[0][0].splitlines()[1] == (
        "Queue 'subject' has no AWS provider, so its region is not asserted; use a provider with region set to one "
        f"of {APPROVED}.")


def test_route_findings_name_the_reference_its_region_and_its_geography():
    arn = "arn:aws:bedrock:us-east-1::foundation-model/us.anthropic.claude-3-haiku-20240307-v1:0"
    result = run(AGENT, _with(COMPLIANT[AGENT], ("foundationModel",), arn))
    assert [m.splitlines()[1] for m, _ in result.violations] == [
        f"AgentAgent 'subject': foundationModel '{arn}' is in region 'us-east-1', not one of the approved regions "
        f"{APPROVED}.",
        f"AgentAgent 'subject': foundationModel '{arn}' is a 'us.' cross-region profile that routes requests across "
        "that geography, which is not in the approved geographies ['eu']; use an approved geography's profile or an "
        "in-region model id."]
    deferred = run(AGENT, _with(COMPLIANT[AGENT], ("foundationModel",), UNKNOWN)).deferred
    assert [d["message"] for d in deferred] == ["AgentAgent 'subject': foundationModel is unknown at preview"]


@pytest.mark.parametrize("reference", [
    "arn:aws:bedrock:us-east-1",                                    # too short to carry a resource: no route read
    "arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-sonnet-4-20250514-v1:0",
    "arn:aws:bedrock:eu-west-1::foundation-model/us",                # no dot: a model name, not a geography
    "useast.anthropic.claude-v1:0",                                  # an unknown prefix is not a geography
], ids=["short-arn", "eu-profile-arn", "no-dot", "unknown-prefix"])
def test_references_without_an_unapproved_route_pass(reference):
    assert run(AGENT, _with(COMPLIANT[AGENT], ("foundationModel",), reference)).clean


def test_every_model_reference_is_read_after_an_unknown_one():
    inputs = {**COMPLIANT[PROMPT], "variants": [{"name": "a", "templateType": "TEXT", "modelId": UNKNOWN},
                                                {"name": "b", "templateType": "TEXT", "modelId": "us.amazon.nova-pro-v1:0"}]}
    result = run(PROMPT, inputs)
    assert len(result.violations) == 1 and "variants[1].modelId" in result.violations[0][0]


@pytest.mark.parametrize("reference", [
    "arn:aws:bedrock:eu-west-1:111122223333:custom-model/amazon.titan-text-express-v1:0:8k/us.tuned",
    "arn:aws:bedrock:eu-west-1:111122223333:provisioned-model",
], ids=["id-is-the-segment-after-the-type", "no-resource-id"])
def test_route_is_read_from_the_resource_id_after_the_type_only(reference):
    assert run(AGENT, _with(COMPLIANT[AGENT], ("foundationModel",), reference)).clean


@pytest.mark.parametrize("reference", [7, {"id": "us.amazon.nova-pro-v1:0"}], ids=["number", "object"])
def test_model_reference_that_is_not_a_string_is_not_a_route(reference):
    assert run(AGENT, _with(COMPLIANT[AGENT], ("foundationModel",), reference)).clean
