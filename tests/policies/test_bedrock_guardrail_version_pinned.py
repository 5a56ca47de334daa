import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from perimeter_policies.model import UNKNOWN

from tests.policies._mutate import REMOVE, mutated
from tests.policy_harness import analyze, resource

POLICY = "bedrock-guardrail-version-pinned"
AGENT = "aws:bedrock/agentAgent:AgentAgent"
FLOW = "aws:bedrock/agentFlow:AgentFlow"


def guardrail_reference(version=UNKNOWN):
    return {"guardrailIdentifier": UNKNOWN, "guardrailVersion": version}


COMPLIANT = {
    AGENT: {"agentName": "support", "foundationModel": "eu.amazon.nova-pro-v1:0", "agentResourceRoleArn": UNKNOWN,
            "customerEncryptionKeyArn": UNKNOWN, "guardrailConfigurations": [guardrail_reference("1")]},
    FLOW: {"name": "triage", "executionRoleArn": UNKNOWN, "customerEncryptionKeyArn": UNKNOWN, "definition": {"nodes": [
        {"name": "Start", "type": "Input"},
        {"name": "Docs", "type": "KnowledgeBase", "configuration": {"knowledgeBase": {
            "knowledgeBaseId": UNKNOWN, "modelId": "eu.amazon.nova-pro-v1:0",
            "guardrailConfiguration": guardrail_reference("3")}}},
        {"name": "Answer", "type": "Prompt", "configuration": {"prompt": {
            "sourceConfiguration": {"resource": {"promptArn": UNKNOWN}},
            "guardrailConfiguration": guardrail_reference("12")}}},
    ]}},
}
AGENT_VERSION = ("guardrailConfigurations", 0, "guardrailVersion")
KB_VERSION = ("definition", "nodes", 1, "configuration", "knowledgeBase", "guardrailConfiguration", "guardrailVersion")
PROMPT_VERSION = ("definition", "nodes", 2, "configuration", "prompt", "guardrailConfiguration", "guardrailVersion")


def run(type_, inputs):
    return analyze(POLICY, resource(type_, "subject", inputs))


@pytest.mark.parametrize("type_", [AGENT, FLOW])
def test_pinned_versions_pass_beside_unknown_guardrail_ids(type_):
    result = run(type_, COMPLIANT[type_])
    assert result.clean and not result.cant_run and not result.deferred


@pytest.mark.parametrize("guardrails", [None, []], ids=["absent", "empty"])
def test_agent_without_a_guardrail_blocks(guardrails):
    inputs = {"agentName": "support", **({} if guardrails is None else {"guardrailConfigurations": guardrails})}
    result = run(AGENT, inputs)
    assert len(result.violations) == 1 and "guardrailConfigurations is not set: this model call has no guardrail" \
        in result.violations[0][0]


PROMPT_NODE = ("definition", "nodes", 2, "configuration", "prompt", "guardrailConfiguration")
KB_NODE = ("definition", "nodes", 1, "configuration", "knowledgeBase", "guardrailConfiguration")


@pytest.mark.parametrize("path", [PROMPT_NODE, KB_NODE], ids=["prompt-node", "generating-kb-node"])
def test_model_calling_flow_node_without_a_guardrail_blocks(path):
    result = run(FLOW, mutated(COMPLIANT[FLOW], path, REMOVE))
    assert len(result.violations) == 1
    assert f"{'.'.join(str(p) for p in path[:2])}[{path[2]}].{'.'.join(path[3:])} is not set" in result.violations[0][0]


def test_retrieval_only_knowledge_base_node_needs_no_guardrail():
    retrieval_only = mutated(mutated(COMPLIANT[FLOW], KB_NODE, REMOVE), KB_NODE[:-1] + ("modelId",), REMOVE)
    assert run(FLOW, retrieval_only).clean


def test_guardrail_without_identifier_blocks():
    result = run(AGENT, mutated(COMPLIANT[AGENT], ("guardrailConfigurations", 0, "guardrailIdentifier"), ""))
    assert "guardrailIdentifier is not set" in result.violations[0][0]


def test_unknown_flow_node_is_deferred():
    result = run(FLOW, mutated(COMPLIANT[FLOW], ("definition", "nodes", 2), UNKNOWN))
    assert result.clean and "definition.nodes[2]" in result.deferred[0]["message"]


MUTATIONS = [
    (AGENT, AGENT_VERSION, "DRAFT", "guardrailConfigurations[0].guardrailVersion is 'DRAFT'"),
    (AGENT, AGENT_VERSION, "", "guardrailConfigurations[0].guardrailVersion is not set (DRAFT)"),
    (AGENT, AGENT_VERSION, REMOVE, "guardrailConfigurations[0].guardrailVersion is not set (DRAFT)"),
    (AGENT, AGENT_VERSION, "0", "is '0'"),
    (FLOW, KB_VERSION, "DRAFT", "definition.nodes[1].configuration.knowledgeBase.guardrailConfiguration.guardrailVersion"),
    (FLOW, PROMPT_VERSION, REMOVE, "definition.nodes[2].configuration.prompt.guardrailConfiguration.guardrailVersion"),
]


@pytest.mark.parametrize("type_, path, value, named", MUTATIONS, ids=[f"{m[0][-9:]}-{m[2]!r}-{len(m[1])}" for m in MUTATIONS])
def test_each_unpinned_reference_blocks(type_, path, value, named):
    result = run(type_, mutated(COMPLIANT[type_], path, value))
    assert len(result.violations) == 1 and not result.cant_run
    assert named in result.violations[0][0] and "guardrail_version=" in result.violations[0][0]


def test_draft_blocks_beside_unknown_inputs():
    inputs = {"agentName": UNKNOWN, "instruction": UNKNOWN, "foundationModel": UNKNOWN,
              "guardrailConfigurations": [guardrail_reference("DRAFT"), guardrail_reference(UNKNOWN)]}
    result = run(AGENT, inputs)
    assert len(result.violations) == 1 and not result.cant_run


@pytest.mark.parametrize("type_, path", [(AGENT, AGENT_VERSION), (FLOW, PROMPT_VERSION), (AGENT, ("guardrailConfigurations",)),
                                         (FLOW, ("definition",))])
def test_version_unknown_at_preview_is_deferred(type_, path):
    result = run(type_, mutated(COMPLIANT[type_], path, UNKNOWN))
    assert result.clean and result.deferred


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999))
def test_every_valid_version_number_is_pinned(number):
    assert run(AGENT, mutated(COMPLIANT[AGENT], AGENT_VERSION, str(number))).clean


@settings(max_examples=30, deadline=None)
@given(st.one_of(st.just("DRAFT"), st.just("draft"), st.just("0"), st.just("01"), st.just("100000000"), st.just("1\n"),
                 st.from_regex(r"[0-9]*[^0-9]+[0-9]*", fullmatch=True)))
def test_anything_else_is_not_pinned(text):
    result = run(AGENT, mutated(COMPLIANT[AGENT], AGENT_VERSION, text))
    assert len(result.violations) == 1 and "guardrailConfigurations[0].guardrailVersion is " in result.violations[0][0]


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999))
def test_numeric_literal_version_passes_through_the_sdk(number):
    assert run(AGENT, mutated(COMPLIANT[AGENT], AGENT_VERSION, number)).clean


def test_unpinned_finding_names_the_reference_and_the_fix():
    result = run(AGENT, mutated(COMPLIANT[AGENT], AGENT_VERSION, "DRAFT"))
    assert result.violations[0][0].splitlines()[1] == (
        "AgentAgent 'subject': guardrailConfigurations[0].guardrailVersion is 'DRAFT', not a published version number; "
        "set guardrail_identifier=<aws.bedrock.Guardrail>.guardrail_id and "
        "guardrail_version=<aws.bedrock.GuardrailVersion>.version.")


def test_guardrail_configurations_that_are_not_a_list_block():
    result = run(AGENT, {**COMPLIANT[AGENT], "guardrailConfigurations": "gr-1"})
    assert len(result.violations) == 1 and (
        "AgentAgent 'subject': guardrailConfigurations is 'gr-1', not a guardrail configuration object;") \
        in result.violations[0][0]


@pytest.mark.parametrize("path, deferred", [
    (("guardrailConfigurations",), "guardrailConfigurations"),
    (("definition", "nodes", 2), "definition.nodes[2]"),
    (("definition", "nodes", 2, "configuration", "prompt"), "definition.nodes[2].configuration.prompt"),
], ids=["agent-list", "flow-node", "prompt-configuration"])
def test_deferral_names_exactly_what_is_unknown(path, deferred):
    subject = AGENT if path[0] == "guardrailConfigurations" else FLOW
    result = run(subject, mutated(COMPLIANT[subject], path, UNKNOWN))
    assert result.clean and [d["message"] for d in result.deferred] == [
        f"{subject.rsplit(':', 1)[-1]} 'subject': {deferred} unknown at preview"]


def test_an_unknown_node_does_not_hide_a_later_node_without_a_guardrail():
    inputs = mutated(mutated(COMPLIANT[FLOW], ("definition", "nodes", 1), UNKNOWN), PROMPT_NODE, REMOVE)
    result = run(FLOW, inputs)
    assert len(result.violations) == 1
    assert "definition.nodes[2].configuration.prompt.guardrailConfiguration is not set" in result.violations[0][0]
