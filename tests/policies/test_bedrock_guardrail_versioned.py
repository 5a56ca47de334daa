import pytest
from perimeter_policies.model import UNKNOWN

from tests.policy_harness import analyze_stack, resource, urn

POLICY = "bedrock-guardrail-versioned"
GUARDRAIL = "aws:bedrock/guardrail:Guardrail"
VERSION = "aws:bedrock/guardrailVersion:GuardrailVersion"
GUARDRAIL_URN = urn(GUARDRAIL, "pci")
ARN = "arn:aws:bedrock:eu-west-1:111122223333:guardrail/abc123xyz"


def guardrail(name="pci", **outputs):
    return resource(GUARDRAIL, name, {"name": name, "blockedInputMessaging": "no", "blockedOutputsMessaging": "no",
                                      "kmsKeyArn": UNKNOWN, **outputs})


def version(guardrail_urn=GUARDRAIL_URN, guardrail_arn=UNKNOWN):
    deps = {"guardrailArn": [guardrail_urn]} if guardrail_urn else {}
    return resource(VERSION, "pci-v1", {"guardrailArn": guardrail_arn, "description": "CHG-1042"},
                    property_dependencies=deps)


def test_preview_guardrail_with_dependent_version_passes():
    result = analyze_stack(POLICY, [guardrail(), version()])
    assert result.clean and not result.cant_run and not result.deferred


def test_update_phase_known_arn_matches_without_dependencies():
    assert analyze_stack(POLICY, [guardrail(guardrailArn=ARN), version(None, ARN)]).clean


MUTATIONS = {
    "no-version": lambda: [guardrail()],
    "version-of-another-guardrail": lambda: [guardrail(), guardrail("other"), version(urn(GUARDRAIL, "other"))],
    "known-arn-of-another-guardrail": lambda: [guardrail(guardrailArn=ARN), version(None, ARN + "-other")],
}


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_unversioned_guardrail_is_reported_on_the_guardrail(case):
    result = analyze_stack(POLICY, MUTATIONS[case]())
    assert result.urns == [GUARDRAIL_URN] and not result.cant_run
    assert "no aws.bedrock.GuardrailVersion" in result.violations[0][0] and "'pci'" in result.violations[0][0]


def test_violation_blocks_beside_unknown_inputs():
    unknowns = resource(GUARDRAIL, "pci", {"name": UNKNOWN, "kmsKeyArn": UNKNOWN, "sensitiveInformationPolicyConfig": UNKNOWN})
    assert analyze_stack(POLICY, [unknowns]).urns == [GUARDRAIL_URN]


def test_version_whose_guardrail_preview_cannot_name_defers():
    result = analyze_stack(POLICY, [guardrail(), version(urn("aws:ssm/parameter:Parameter", "guardrail-arn"))])
    assert result.clean and result.deferred[0]["urn"] == GUARDRAIL_URN


def test_findings_say_why_the_missing_version_matters():
    result = analyze_stack(POLICY, [guardrail()])
    assert ("Guardrail 'pci' has no aws.bedrock.GuardrailVersion in this stack, so callers can only use its mutable "
            "DRAFT.") in result.violations[0][0].splitlines()
    deferred = analyze_stack(POLICY, [guardrail(), version(urn("aws:ssm/parameter:Parameter", "guardrail-arn"))])
    assert deferred.deferred == [{"message": "Guardrail 'pci': a guardrail version's guardrailArn is unknown at preview",
                                  "urn": GUARDRAIL_URN}]


def test_a_version_matched_by_guardrail_id_covers_it():
    assert analyze_stack(POLICY, [guardrail(guardrailId="abc123xyz"), version(None, "abc123xyz")]).clean


def test_each_guardrail_needs_its_own_version():
    result = analyze_stack(POLICY, [guardrail(), guardrail("other"), version()])
    assert result.urns == [urn(GUARDRAIL, "other")]
