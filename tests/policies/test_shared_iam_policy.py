"""Property tests for rules/_iam_policy.py: how a policy document is read.

Statements are generated together with the verdict they were built to have, so
the oracle is the construction, not a second copy of the parser.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from perimeter_policies.model import UNKNOWN, Deferred, ResourceView, Violation
from perimeter_policies.rules._documents import MalformedDocument, load_document
from perimeter_policies.rules._iam_policy import (
    StatementFindings,
    action_pattern_matches,
    all_of,
    allows,
    allows_action,
    any_of,
    applies_to_everyone,
    caller_restricted,
    denies,
    document_holds,
    document_outcomes,
    find_statements,
    grants_everything,
    identity_policy_outcomes,
    is_public,
    mentions,
    negate,
    pins,
    pins_caller,
    policy_document_outcomes,
    policy_statements,
    statement_label,
)

from tests.policies._iam_documents import ACCOUNT, BUCKET_ARN, TLS_ONLY, policy
from tests.policy_harness import analyze, resource

ARN = f"arn:aws:iam::{ACCOUNT}:role/app"
EVERYONE_FORMS = ["*", {"AWS": "*"}, {"AWS": ["*"]}, {"AWS": [ARN, "*"]}, {"AWS": ["*", ARN]}, {"AWS": " * "}]
SPECIFIC_FORMS = [{"AWS": ARN}, {"AWS": [ARN, f"arn:aws:iam::{ACCOUNT}:root"]}, {"AWS": ACCOUNT},
                  {"Service": "cloudtrail.amazonaws.com"}, {"Service": ["logs.amazonaws.com", "sns.amazonaws.com"]},
                  {"Federated": "cognito-identity.amazonaws.com"}]
RESTRICTING_OPERATORS = ["StringEquals", "StringLike", "ArnEquals", "ArnLike", "StringEqualsIgnoreCase",
                         "ForAnyValue:StringLike"]
NON_RESTRICTING_OPERATORS = ["StringNotEquals", "StringEqualsIfExists", "ForAllValues:StringEquals", "Null", "Bool"]
# The test's own view of which values pin the caller, per kind of condition key.
PINNING_VALUES = {
    "aws:SourceAccount": [ACCOUNT], "aws:PrincipalAccount": [ACCOUNT], "kms:CallerAccount": [ACCOUNT],
    "aws:SourceOwner": [ACCOUNT], "aws:PrincipalOrgID": ["o-a1b2c3d4e5"],
    "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"],
    "aws:SourceVpce": ["vpce-0123456789abcdef0"], "aws:SourceVpc": ["vpc-0123456789abcdef0"],
    "aws:SourceArn": [f"arn:aws:sns:eu-west-1:{ACCOUNT}:alerts"], "aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/app"],
    "aws:userid": ["AROAEXAMPLEID:session"], "aws:username": ["alice"],
    "aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16", "203.0.113.0/24", "fd00::/8"],
}
# Values that look like a pin but match callers nobody chose.
NON_PINNING_VALUES = {
    "aws:SourceAccount": ["*", "1111*", "?*"], "aws:PrincipalOrgID": ["o-*"], "aws:PrincipalOrgPaths": ["o-*/r-ab12/*"],
    "aws:SourceArn": ["arn:aws:iam::*:role/app", f"arn:aws:s3:::{ACCOUNT}-*"], "aws:PrincipalArn": ["*"],
    "aws:SourceVpce": ["vpce-*"], "aws:SourceIp": ["0.0.0.0/0", "::/0", "0.0.0.0/1", "11.0.0.0/8"],
}
PINNING_KEYS = sorted(PINNING_VALUES)
MATCH_ALL_VALUES = ["*", "?*"]
def one_or_list(value):
    """The same value as a string or a one-element list: IAM treats both alike."""
    return st.sampled_from([value, [value]])


def random_case(text):
    return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
        lambda flips: "".join(c.upper() if f else c.lower() for c, f in zip(text, flips)))


@st.composite
def conditions(draw):
    """(Condition or None, whether it restricts the caller)."""
    kind = draw(st.sampled_from(["none", "restricting", "wildcard-value", "non-pinning-value", "negated-operator",
                                 "other-key"]))
    key = draw(st.sampled_from(PINNING_KEYS))
    cased_key = draw(random_case(key))
    if kind == "none":
        return None, False
    if kind == "restricting":
        operator = "IpAddress" if key == "aws:SourceIp" else draw(st.sampled_from(RESTRICTING_OPERATORS).flatmap(random_case))
        values = draw(st.lists(st.sampled_from(PINNING_VALUES[key]), min_size=1, max_size=3))
        return {operator: {cased_key: values if len(values) > 1 else draw(one_or_list(values[0]))}}, True
    if kind == "wildcard-value":
        operator = draw(st.sampled_from(RESTRICTING_OPERATORS))
        return {operator: {cased_key: draw(st.sampled_from(MATCH_ALL_VALUES).flatmap(one_or_list))}}, False
    if kind == "non-pinning-value":
        key = draw(st.sampled_from(sorted(NON_PINNING_VALUES)))
        operator = "IpAddress" if key == "aws:SourceIp" else draw(st.sampled_from(RESTRICTING_OPERATORS))
        return {operator: {key: draw(st.sampled_from(NON_PINNING_VALUES[key]).flatmap(one_or_list))}}, False
    if kind == "negated-operator":
        return {draw(st.sampled_from(NON_RESTRICTING_OPERATORS)): {cased_key: PINNING_VALUES[key][0]}}, False
    return {"Bool": {"aws:SecureTransport": draw(st.sampled_from(["true", "false"]))}}, False


@st.composite
def statements(draw):
    """(statement, whether it is public)."""
    effect = draw(st.sampled_from(["Allow", "Deny"]))
    everyone = draw(st.booleans())
    principal = draw(st.sampled_from(EVERYONE_FORMS if everyone else SPECIFIC_FORMS))
    condition, restricted = draw(conditions())
    statement = {"Effect": effect, "Principal": principal,
                 "Action": draw(st.sampled_from(["s3:GetObject", "sqs:SendMessage", "*"]).flatmap(one_or_list)),
                 "Resource": draw(one_or_list(BUCKET_ARN))}
    if condition is not None:
        statement["Condition"] = condition
    return statement, effect == "Allow" and everyone and not restricted


@st.composite
def documents(draw):
    """(document, Sids of its public statements)."""
    drawn = draw(st.lists(statements(), min_size=1, max_size=6))
    labelled = [({**s, "Sid": f"S{i}"}, public) for i, (s, public) in enumerate(drawn)]
    return {"Version": "2012-10-17", "Statement": [s for s, _ in labelled]}, {s["Sid"] for s, p in labelled if p}


def public_sids(document) -> set:
    return {label.split('"')[1] for label in find_statements(document, is_public).matching}


@given(documents())
def test_public_statements_are_exactly_the_ones_built_public(case):
    document, expected = case
    assert public_sids(document) == expected


@given(documents(), st.randoms())
def test_statement_order_does_not_change_the_verdict(case, random):
    document, expected = case
    shuffled = list(document["Statement"])
    random.shuffle(shuffled)
    assert public_sids({**document, "Statement": shuffled}) == expected


@given(statements())
def test_single_statement_object_reads_like_a_one_element_list(case):
    statement, public = case
    as_object = find_statements({"Statement": statement}, is_public)
    as_list = find_statements({"Statement": [statement]}, is_public)
    assert as_object == as_list and bool(as_object.matching) == public


@given(statements())
def test_json_text_reads_like_the_object(case):
    statement, public = case
    document = {"Version": "2012-10-17", "Statement": [statement]}
    assert find_statements(load_document(json.dumps(document)), is_public) == find_statements(document, is_public)


@given(statements())
def test_deny_is_never_public_and_never_full_access(case):
    statement, _ = case
    deny = {**statement, "Effect": "Deny"}
    assert is_public(deny) is False and grants_everything(deny) is False


@given(st.sampled_from(EVERYONE_FORMS), st.sampled_from(["*", "bedrock:*", ["bedrock:InvokeModel", "*"]]))
def test_full_access_shape_is_recognised_in_every_principal_form(principal, action):
    statement = {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*"}
    assert grants_everything(statement) is True
    assert grants_everything({**statement, "Resource": BUCKET_ARN}) is False
    assert grants_everything({**statement, "Action": "bedrock:InvokeModel"}) is False


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["Statement", "Effect", "Principal", "AWS", "Condition", "Action", "Resource", "Sid",
                         "NotPrincipal", "StringEquals", "aws:SourceAccount"]), children, max_size=5),
    max_leaves=20)


@given(st.one_of(json_values, json_values.map(json.dumps), st.text(max_size=40)))
def test_any_input_is_read_or_rejected_as_malformed_never_crashes(value):
    try:
        document = load_document(value)
        if document is not None:
            assert isinstance(find_statements(document, is_public), StatementFindings)
            find_statements(document, grants_everything)
    except MalformedDocument as problem:
        assert str(problem)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_the_pack_agrees_through_the_sdk_servicer(case):
    document, expected = case
    inputs = {"bucket": "perimeter-data", "policy": policy(TLS_ONLY, *document["Statement"])}
    result = analyze("resource-policy-not-public", resource("aws:s3/bucketPolicy:BucketPolicy", "data", inputs))
    assert not result.cant_run and bool(result.violations) == bool(expected)
    for sid in expected:
        assert f'Sid "{sid}"' in result.violations[0][0]


@pytest.mark.parametrize("value", ["", "   ", None])
def test_blank_policy_reads_as_absent(value):
    assert load_document(value) is None


# Exact answers of the helpers the rules build on (three-valued: True, False or UNKNOWN).

QUEUE_POLICY = ResourceView("aws:sqs/queuePolicy:QueuePolicy", "jobs", "urn:jobs", {})
PUBLIC_READ_STATEMENT = {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "sqs:ReceiveMessage"}


def malformed(value) -> str:
    with pytest.raises(MalformedDocument) as raised:
        policy_statements(value)
    return str(raised.value)


def test_a_document_that_is_not_a_policy_says_why():
    assert malformed(["Statement"]) == "is not an IAM policy document (expected a JSON object with a Statement)"
    assert malformed({"Version": "2012-10-17"}) == "has no Statement"
    assert malformed({"Statement": [PUBLIC_READ_STATEMENT, "Allow"]}) == "has statement 2 that is not an object"
    assert malformed({"Statement": [UNKNOWN, "Allow"]}) == "has statement 2 that is not an object"
    assert malformed({"Statement": [{"Effect": "allow"}]}) == "has statement 1 with Effect 'allow'; expected Allow or Deny"
    assert malformed({"Statement": [{"Action": "*"}]}) == "has statement 1 with Effect None; expected Allow or Deny"


def test_statements_unknown_at_preview_are_read_as_far_as_known():
    assert policy_statements({"Statement": UNKNOWN}) is UNKNOWN
    assert policy_statements({"Statement": [UNKNOWN, {"Effect": UNKNOWN}]}) == [UNKNOWN, {"Effect": UNKNOWN}]
    assert find_statements({"Statement": UNKNOWN}, is_public) == StatementFindings(undecided=("the Statement list",))


def test_find_statements_labels_matching_and_undecided_statements():
    document = {"Statement": [{"Effect": "Deny", "Principal": "*"}, UNKNOWN, PUBLIC_READ_STATEMENT,
                              {"Sid": "Maybe", "Effect": "Allow", "Principal": UNKNOWN},
                              {"Sid": 7, "Effect": "Allow", "Principal": "*"}]}
    assert find_statements(document, is_public) == StatementFindings(
        matching=('statement 3 (Sid "Read")', "statement 5"), undecided=("statement 2", 'statement 4 (Sid "Maybe")'))


def test_statement_labels():
    assert statement_label(0, {"Sid": "Read"}) == 'statement 1 (Sid "Read")'
    assert statement_label(2, {"Sid": ""}) == "statement 3"
    assert statement_label(1, UNKNOWN) == "statement 2"


@pytest.mark.parametrize("principal, verdict", [
    (" * ", True), (["arn:aws:iam::111122223333:root", UNKNOWN, "*"], True),
    ([f"arn:aws:iam::{ACCOUNT}:root", UNKNOWN], UNKNOWN), (UNKNOWN, UNKNOWN), ({"AWS": UNKNOWN}, UNKNOWN),
    ({"Service": "*"}, False), ({"AWS": [5]}, False), (None, False),
])
def test_who_a_principal_names(principal, verdict):
    assert applies_to_everyone({"Effect": "Allow", "Principal": principal}) is verdict


def test_not_principal_is_everyone_but_a_few():
    assert applies_to_everyone({"Effect": "Deny", "NotPrincipal": {"AWS": ARN}}) is True


@pytest.mark.parametrize("condition, verdict", [
    ({"StringEquals": {"aws:SourceAccount": ACCOUNT}}, True),
    ({"ForAnyValue:StringLike": {"AWS:SOURCEACCOUNT": ACCOUNT}}, True),
    ({"ForAllValues:StringEquals": {"aws:SourceAccount": ACCOUNT}}, False),
    ({"StringEquals": {"aws:SourceAccount": UNKNOWN}}, True),
    ({"StringEquals": UNKNOWN}, UNKNOWN), (UNKNOWN, UNKNOWN),
    ({"StringEquals": {"aws:SourceAccount": []}}, False),
    ({"StringEquals": {"aws:SourceAccount": [ACCOUNT, " "]}}, False),
    ({"StringEquals": {"aws:SourceAccount": [5]}}, False),
    ({"StringEquals": {"aws:SourceAccount": [UNKNOWN]}}, True),
    ({"StringEquals": {"aws:SourceAccount": ["1111?2223333"]}}, False),
    ({"StringEquals": {"aws:PrincipalOrgPaths": " o-a1b2c3d4e5/r-ab12/*"}}, True),
    ({"StringEquals": {"aws:SourceOrgPaths": "o-?1b2c3d4e5/r-ab12"}}, False),
    ({"StringEquals": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-*/ou-ab12-11111111/*"}}, True),
    ({"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:SourceAccount": ACCOUNT}}, True),
    ({"StringEquals": ["aws:SourceAccount"]}, False),
    ({"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}, False),
    (None, False),
])
def test_which_conditions_pin_the_caller(condition, verdict):
    assert caller_restricted(condition) is verdict


def test_a_condition_that_is_not_an_object_is_malformed():
    with pytest.raises(MalformedDocument) as raised:
        caller_restricted(["StringEquals"])
    assert str(raised.value) == "has a Condition that is not an object"


@pytest.mark.parametrize("ranges, verdict", [
    (["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8"], True),
    (["fc00::/7", "fe80::/10", "::1/128"], True),
    (["11.0.0.0/17", " 11.0.128.0/17 "], True),  # exactly a /16 of public addresses
    (["11.0.0.0/16", "12.0.0.1/32"], False),
    (["10.0.0.0/7"], False),  # 10/8 is private, 11/8 is not
    (["10.1.0.0/16", "11.0.0.0/15"], False),
    (["2001:db8::/48", "10.0.0.0/8"], True), (["2001:db8::/47"], False),
    (["203.0.113.7"], True), (["not-an-address"], False), ([UNKNOWN], True),
    (["10.1.2.3/8"], True),  # host bits set: IAM reads the range 10.0.0.0/8
])
def test_source_ip_ranges_pin_at_most_a_slash_16_of_the_internet(ranges, verdict):
    assert pins_caller("aws:sourceip", ranges) is verdict


@pytest.mark.parametrize("values, verdict", [
    ("vpce-0abc", True), (UNKNOWN, True), ([UNKNOWN], True), ("*", False), ("?*", False), ("", False), ("  ", False),
    ("0.0.0.0/0", False), ("::/0", False), ("10.1.2.3/0", False), ("10.0.0.0/8", True), ("X", True), ([], False),
    ([5], False), (["vpce-1", "*"], False),
])
def test_pins_needs_concrete_values(values, verdict):
    assert pins({"StringEquals": {"aws:SourceVpce": values}}, lambda key: key == "aws:sourcevpce") is verdict


def test_pins_reads_only_the_keys_asked_for_and_defers_an_unknown_block():
    condition = {"StringEquals": {"aws:SourceVpce": "vpce-1"}, "StringLike": UNKNOWN}
    assert pins(condition, lambda key: key == "aws:sourcevpc") is UNKNOWN
    assert pins({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, lambda key: key == "aws:sourcevpc") is False


@pytest.mark.parametrize("statement, verdict", [
    ({"Effect": "Allow", "Principal": "*", "NotAction": "s3:Get*", "Resource": "*"}, True),
    ({"Effect": "Allow", "Principal": "*", "Action": "*", "NotResource": BUCKET_ARN}, True),
    ({"Effect": "Allow", "Principal": "*", "Action": UNKNOWN, "Resource": "*"}, UNKNOWN),
    ({"Effect": "Allow", "Principal": "*", "Action": [UNKNOWN], "Resource": "*"}, UNKNOWN),
    ({"Effect": "Allow", "Principal": "*", "Action": " s3:* ", "Resource": " * "}, True),
    ({"Effect": "Allow", "Principal": "*", "Action": [5], "Resource": "*"}, False),
    ({"Effect": UNKNOWN, "Principal": "*", "Action": "*", "Resource": "*"}, UNKNOWN),
])
def test_grants_everything_reads_negated_and_unknown_fields(statement, verdict):
    assert grants_everything(statement) is verdict


@pytest.mark.parametrize("pattern, action, verdict", [
    ("iam:PassRole", "iam:PassRole", True), (" IAM:passrole ", "iam:PassRole", True), ("iam:Pass*", "iam:PassRole", True),
    ("iam:?assRole", "iam:PassRole", True), ("iam:Pass", "iam:PassRole", False), ("iam:Pass.ole", "iam:PassRole", False),
    ("*", "iam:PassRole", True),
])
def test_action_patterns(pattern, action, verdict):
    assert action_pattern_matches(pattern, action) is verdict


@pytest.mark.parametrize("statement, verdict", [
    ({"Action": ["s3:GetObject", "iam:*"]}, True), ({"Action": "s3:*"}, False), ({"Action": [5]}, False),
    ({"Action": UNKNOWN}, UNKNOWN), ({"Action": ["s3:*", UNKNOWN]}, UNKNOWN), ({"Action": [UNKNOWN, "iam:Pass*"]}, True),
    ({"NotAction": "s3:*"}, True), ({"NotAction": ["s3:*", "iam:*"]}, False), ({"NotAction": [UNKNOWN]}, UNKNOWN),
    ({"NotAction": UNKNOWN}, UNKNOWN), ({}, False),
])
def test_allows_action(statement, verdict):
    assert allows_action(statement, "iam:PassRole") is verdict


def test_effects():
    assert (allows({"Effect": "Allow"}), allows({"Effect": "Deny"}), allows({"Effect": UNKNOWN})) == (True, False, UNKNOWN)
    assert (denies({"Effect": "Deny"}), denies({"Effect": "Allow"}), denies({"Effect": UNKNOWN})) == (True, False, UNKNOWN)


def test_mentions_counts_the_negated_field_as_broad():
    assert mentions({"NotResource": BUCKET_ARN}, "Resource", "NotResource", lambda v: v == "*") is True
    assert mentions({"Resource": [BUCKET_ARN, "*"]}, "Resource", "NotResource", lambda v: v == "*") is True
    assert mentions({"Resource": BUCKET_ARN}, "Resource", "NotResource", lambda v: v == "*") is False


def test_three_valued_combinators():
    assert (all_of(), all_of(True, UNKNOWN), all_of(UNKNOWN, False), all_of(True, True)) == (True, UNKNOWN, False, True)
    assert (any_of(), any_of(False, UNKNOWN), any_of(UNKNOWN, True), any_of(False, False)) == (False, UNKNOWN, True, False)
    assert (negate(True), negate(False), negate(UNKNOWN)) == (False, True, UNKNOWN)


def outcomes(value, absent=None):
    return list(document_outcomes(QUEUE_POLICY, "policy", value, is_public, "everyone", absent))


def test_document_outcomes_name_the_matching_statements_once():
    document = {"Statement": [PUBLIC_READ_STATEMENT, {"Effect": "Allow", "Principal": "*"}]}
    assert outcomes(json.dumps(document)) == [
        Violation("QueuePolicy 'jobs': policy statement 1 (Sid \"Read\"), statement 2 allow(s) everyone.")]


def test_document_outcomes_defer_each_undecided_statement_beside_a_violation():
    document = {"Statement": [PUBLIC_READ_STATEMENT, {"Effect": UNKNOWN, "Principal": "*"}, UNKNOWN]}
    assert outcomes(document) == [
        Violation("QueuePolicy 'jobs': policy statement 1 (Sid \"Read\") allow(s) everyone."),
        Deferred("QueuePolicy 'jobs': policy statement 2 is unknown at preview"),
        Deferred("QueuePolicy 'jobs': policy statement 3 is unknown at preview")]


def test_document_outcomes_for_absent_unknown_and_malformed_documents():
    assert outcomes(None) == [] and outcomes(" ") == []
    assert outcomes(None, absent="has no policy") == [Violation("QueuePolicy 'jobs' has no policy")]
    assert outcomes(UNKNOWN) == [Deferred("QueuePolicy 'jobs': policy is unknown at preview")]
    assert outcomes("{") == [Violation("QueuePolicy 'jobs': policy is not valid JSON (Expecting property name enclosed "
                                       "in double quotes at line 1, column 2).")]
    assert outcomes({"Statement": ["x"]}) == [Violation("QueuePolicy 'jobs': policy has statement 1 that is not an object.")]
    assert outcomes({"Statement": [{"Effect": "Deny", "Principal": "*"}]}) == []


def test_policy_document_outcomes_read_the_named_input():
    queue_policy = ResourceView(QUEUE_POLICY.type, "jobs", "urn:jobs", {"policy": {"Statement": PUBLIC_READ_STATEMENT}})
    assert list(policy_document_outcomes(queue_policy, "policy", is_public, "everyone", "has no policy")) == [
        Violation("QueuePolicy 'jobs': policy statement 1 (Sid \"Read\") allow(s) everyone.")]


def test_identity_policy_outcomes_walk_every_inline_policy_of_a_role():
    role = ResourceView("aws:iam/role:Role", "app", "urn:app", {"inlinePolicies": [
        {"name": "a", "policy": json.dumps({"Statement": {"Effect": "Allow", "Action": "s3:GetObject"}})},
        {"name": "b", "policy": json.dumps({"Statement": {"Effect": "Allow", "Action": "*"}})},
        {"name": "c", "policy": UNKNOWN}]})
    everything = lambda statement: allows_action(statement, "iam:CreateUser")  # noqa: E731
    assert list(identity_policy_outcomes(role, everything, "every action")) == [
        Violation("Role 'app': inlinePolicies[1].policy statement 1 allow(s) every action."),
        Deferred("Role 'app': inlinePolicies[2].policy is unknown at preview")]
    user_policy = ResourceView("aws:iam/userPolicy:UserPolicy", "ops", "urn:ops",
                               {"policy": json.dumps({"Statement": {"Effect": "Allow", "Action": "*"}})})
    assert list(identity_policy_outcomes(user_policy, everything, "every action")) == [
        Violation("UserPolicy 'ops': policy statement 1 allow(s) every action.")]


@pytest.mark.parametrize("value, holds", [
    (None, False), (UNKNOWN, None), ("{", False), ({"Statement": [PUBLIC_READ_STATEMENT]}, True),
    ({"Statement": [{"Effect": UNKNOWN, "Principal": "*"}]}, None), ({"Statement": [{"Effect": "Deny", "Principal": "*"}]}, False),
    ({"Statement": [PUBLIC_READ_STATEMENT, UNKNOWN]}, True),
])
def test_document_holds(value, holds):
    assert document_holds(value, is_public) is holds
