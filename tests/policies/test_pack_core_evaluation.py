"""One rule's outcomes settled against the waivers (perimeter_policies.evaluation), called directly.

What the engine and `perimeter` read back: violations at the policy's level, waived findings and
deferred checks in the not-applicable reason, and a rule that crashes reported as a violation.
"""

from perimeter_policies.evaluation import (
    Evaluation,
    Reported,
    Waived,
    evaluate,
    parse_not_applicable_reason,
)
from perimeter_policies.model import Deferred, ResourceView, StackView, Violation
from perimeter_policies.rule import Rule

from tests.policies.conftest import days_from_today

BUCKET_URN = "urn:pulumi:prod::perimeter::aws:s3/bucket:Bucket::exports"
LOGS_URN = "urn:pulumi:prod::perimeter::aws:s3/bucket:Bucket::logs"
BUCKET = ResourceView(type="aws:s3/bucket:Bucket", name="exports", urn=BUCKET_URN, props={})
STACK = StackView((BUCKET, ResourceView(type="aws:s3/bucket:Bucket", name="logs", urn=LOGS_URN, props={})))


def make_rule(check, **changes) -> Rule:
    fields = dict(name="core-evaluation-rule", description="d", severity="high", pci_dss=("3.5.1",),
                  soc2=("CC6.1",), remediation="r", check=check, resource_types=("aws:s3/bucket:Bucket",))
    fields.update(changes)
    return Rule(**fields)


def waiver(resource: str, **changes) -> dict:
    return {"resource": resource, "reason": "Export bucket retired with the Q1 migration", "approver": "ciso@example.com",
            "expires": days_from_today(30), **changes}


def outcomes(*items):
    def check(subject, config):
        yield from items
    return check


# --- settling outcomes --------------------------------------------------------------------------------

def test_a_violation_without_a_waiver_is_reported_on_the_evaluated_resource():
    result = evaluate(make_rule(outcomes(Violation("bucket is public"))), BUCKET, None)
    assert result == Evaluation(violations=[Reported("bucket is public", BUCKET_URN)])


def test_a_violation_on_another_resource_keeps_its_urn():
    result = evaluate(make_rule(outcomes(Violation("logs bucket is public", urn=LOGS_URN))), BUCKET, None)
    assert result.violations == [Reported("logs bucket is public", LOGS_URN)]


def test_every_outcome_after_a_deferral_or_a_waiver_is_still_settled():
    rule = make_rule(outcomes(Deferred("kmsMasterKeyId is unknown at preview"), Violation("bucket is public"),
                              Violation("logs bucket is public", urn=LOGS_URN)))
    result = evaluate(rule, BUCKET, {"waivers": [waiver(BUCKET_URN)]})
    assert result.deferred == [Reported("kmsMasterKeyId is unknown at preview", BUCKET_URN)]
    assert result.waived == [Waived(BUCKET_URN, "bucket is public", "Export bucket retired with the Q1 migration",
                                    "ciso@example.com", days_from_today(30))]
    assert result.violations == [Reported("logs bucket is public", LOGS_URN)]


def test_a_waiver_that_cannot_apply_is_named_in_the_violation_it_matched():
    rule = make_rule(outcomes(Violation("bucket is public.")))
    result = evaluate(rule, BUCKET, {"waivers": [waiver(BUCKET_URN, expires=days_from_today(-2)),
                                                 waiver(BUCKET_URN, approver="the CISO")]})
    assert result.waived == []
    assert result.violations == [Reported(
        f"bucket is public. (waiver #1 for core-evaluation-rule on {BUCKET_URN} not applied: expired on "
        f"{days_from_today(-2)}.) (waiver #2 for core-evaluation-rule on {BUCKET_URN} not applied: "
        "`approver` 'the CISO' must be an email address or an IAM principal ARN.)", BUCKET_URN)]


def test_a_critical_rule_cannot_be_waived():
    rule = make_rule(outcomes(Violation("bucket is public.")), waivable=False)
    result = evaluate(rule, BUCKET, {"waivers": [waiver(BUCKET_URN)]})
    assert result.waived == [] and result.violations == [Reported(
        f"bucket is public. (waiver #1 for core-evaluation-rule on {BUCKET_URN} not applied: "
        "policy core-evaluation-rule is critical and cannot be waived.)", BUCKET_URN)]


def test_the_rule_sees_its_defaults_under_the_supplied_config():
    seen = []

    def check(subject, config):
        seen.append(dict(config))
        return iter(())

    evaluate(make_rule(check, default_config={"limit": 3, "mode": "strict"}), BUCKET, {"limit": 7})
    assert seen == [{"limit": 7, "mode": "strict"}]


def test_a_stack_outcome_without_a_resource_has_no_urn():
    rule = make_rule(outcomes(Deferred("the trail is unknown"), Violation("no trail")), scope="stack")
    result = evaluate(rule, STACK, None)
    assert result.deferred == [Reported("the trail is unknown", "")]
    assert result.violations == [Reported("no trail", "")]


# --- a rule that raises -------------------------------------------------------------------------------

def crashes_after_one_finding(subject, config):
    yield Violation("first finding")
    raise KeyError("rules")


def test_a_rule_that_raises_on_a_resource_is_a_violation_naming_policy_resource_and_error():
    result = evaluate(make_rule(crashes_after_one_finding), BUCKET, None)
    assert result.violations == [
        Reported("first finding", BUCKET_URN),
        Reported("policy core-evaluation-rule could not evaluate Bucket 'exports': KeyError: 'rules'. A value the "
                 "policy cannot read is not a pass; fix the input (or report a policy bug).", BUCKET_URN)]


def test_a_rule_that_raises_on_a_type_with_a_module_path_names_the_class():
    view = ResourceView(type="aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase", name="kb",
                        urn="urn:pulumi:prod::perimeter::aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase::kb", props={})

    def crashes(subject, config):
        raise ValueError("bad value")
        yield  # a generator, like every rule

    result = evaluate(make_rule(crashes), view, None)
    assert result.violations[0].message.startswith(
        "policy core-evaluation-rule could not evaluate AgentKnowledgeBase 'kb': ValueError: bad value. ")


def test_a_rule_that_raises_on_the_stack_is_a_violation_naming_the_stack():
    def crashes(stack, config):
        return iter([stack.resources[5]])

    result = evaluate(make_rule(crashes, scope="stack"), STACK, None)
    assert result.violations == [Reported(
        "policy core-evaluation-rule could not evaluate the stack: IndexError: tuple index out of range. A value the "
        "policy cannot read is not a pass; fix the input (or report a policy bug).", "")]


def test_a_waiver_covers_the_crash_of_its_resource_too():
    result = evaluate(make_rule(crashes_after_one_finding), BUCKET, {"waivers": [waiver(BUCKET_URN)]})
    assert result.violations == [] and [w.message for w in result.waived] == [
        "first finding",
        "policy core-evaluation-rule could not evaluate Bucket 'exports': KeyError: 'rules'. A value the "
        "policy cannot read is not a pass; fix the input (or report a policy bug)."]


# --- the not-applicable reason: a summary line, then the marker and JSON ---------------------------

def test_nothing_waived_or_deferred_has_no_reason():
    assert Evaluation(violations=[Reported("m", BUCKET_URN)]).not_applicable_reason() is None


def test_the_reason_summarises_then_carries_sorted_json_after_the_marker():
    evaluation = Evaluation(
        waived=[Waived(BUCKET_URN, "bucket is public", "Export bucket retired with the Q1 migration",
                       "ciso@example.com", "2026-12-29")],
        deferred=[Reported("kmsMasterKeyId is unknown", BUCKET_URN), Reported("policy is unknown", LOGS_URN)])
    reason = evaluation.not_applicable_reason()
    assert reason == (
        "1 finding(s) waived by policy config; 2 check(s) need values known only at update: "
        "kmsMasterKeyId is unknown; policy is unknown\n"
        'perimeter-outcomes: {"deferred": [{"message": "kmsMasterKeyId is unknown", "urn": "' + BUCKET_URN + '"}, '
        '{"message": "policy is unknown", "urn": "' + LOGS_URN + '"}], '
        '"waived": [{"approver": "ciso@example.com", "expires": "2026-12-29", "message": "bucket is public", '
        '"reason": "Export bucket retired with the Q1 migration", "urn": "' + BUCKET_URN + '"}]}')


def test_only_deferred_checks_give_a_deferral_summary():
    reason = Evaluation(deferred=[Reported("policy is unknown", LOGS_URN)]).not_applicable_reason()
    assert reason.split("\n")[0] == "1 check(s) need values known only at update: policy is unknown"
    assert parse_not_applicable_reason(reason) == {"waived": [], "deferred": [{"message": "policy is unknown",
                                                                              "urn": LOGS_URN}]}


def test_the_reason_reads_back_even_when_a_waiver_quotes_the_marker():
    quoted = Waived(BUCKET_URN, "bucket is public", "see perimeter-outcomes: in the runbook for this exception",
                    "ciso@example.com", "2026-12-29")
    reason = Evaluation(waived=[quoted]).not_applicable_reason()
    assert reason.split("\n")[0] == "1 finding(s) waived by policy config"
    assert parse_not_applicable_reason(reason) == {"deferred": [], "waived": [{
        "urn": BUCKET_URN, "message": "bucket is public", "reason": "see perimeter-outcomes: in the runbook for this "
        "exception", "approver": "ciso@example.com", "expires": "2026-12-29"}]}


def test_the_reason_reads_back_even_when_a_deferred_message_quotes_the_marker():
    quoted = Reported("name 'perimeter-outcomes: {' is unknown", LOGS_URN)
    reason = Evaluation(deferred=[quoted]).not_applicable_reason()
    assert parse_not_applicable_reason(reason) == {"waived": [], "deferred": [
        {"message": "name 'perimeter-outcomes: {' is unknown", "urn": LOGS_URN}]}


def test_a_reason_that_is_not_ours_parses_to_none():
    assert parse_not_applicable_reason("not a bucket") is None
    assert parse_not_applicable_reason("") is None
    assert parse_not_applicable_reason("perimeter-outcomes: {}") is None  # ours always follow a summary line

