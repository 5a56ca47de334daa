"""Property tests for rules/_iam_policy.py: how a policy document is read.

Statements are generated together with the verdict they were built to have, so
the oracle is the construction, not a second copy of the parser.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from perimeter_policies.rules._documents import MalformedDocument, load_document
from perimeter_policies.rules._iam_policy import (
    StatementFindings,
    find_statements,
    grants_everything,
    is_public,
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
