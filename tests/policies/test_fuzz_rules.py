"""No rule raises, whatever a program declares.

Every rule the pack loads (so new rules are included automatically) is driven
with inputs of the wrong type in the places it reads: None, strings where lists
are expected, numbers where objects are expected, nested garbage, JSON text
that is not a policy, and UNKNOWN anywhere. The input names and nesting come
from the installed pulumi-aws (`_sdk_schema`), so the garbage lands on the
properties the rule actually reads.

The test calls each rule's check directly (not through `evaluate`), so it
asserts on the rules themselves: `evaluate`'s catch-all, which turns an
exception into a violation naming the policy, the resource and the error, is a
safety net for the engine and must never be what keeps this test green.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from perimeter_policies.evaluation import evaluate
from perimeter_policies.model import UNKNOWN, Deferred, ProviderView, ResourceView, StackView, Violation
from perimeter_policies.pack import load_rules
from perimeter_policies.rule import Rule

from tests.policies._sdk_schema import resource_shape, resource_tokens

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
RULES = load_rules()
AWS_PROVIDER = "pulumi:providers:aws"
# Rules scoped by prefix ("every aws: resource") are fuzzed on every type some rule names.
NAMED_TYPES = sorted({t for rule in RULES for t in rule.resource_types if t in resource_tokens()})

TRICKY_TEXT = st.sampled_from([
    "", " ", "*", "0.0.0.0/0", "::/0", "0.0.0.0/1", "10.0.0.0/8", "DRAFT", "1", "alias/aws/s3", "aws:kms", "AES256",
    "BLOCK", "NONE", "ANONYMIZE", "HIGH", "Enabled", "Disabled", "true", "false", "ingress", "egress", "-1", "tcp",
    "encryption", "network", "data", "arn:aws:kms:eu-west-1:111122223333:key/k", "arn:aws:s3:::*",
    "eu.anthropic.claude", "global.x", "com.amazonaws.eu-west-1.bedrock-runtime", "SYMMETRIC_DEFAULT", "RSA_2048",
    "{", "[]", "{}", "null", '{"Statement": "x"}', '{"Statement": [1]}', '{"Statement": [{"Effect": "Allow"}]}',
    '{"Statement": [{"Effect": "Allow", "Principal": "*", "Condition": {"StringLike": "x"}}]}',
    '[{"AllowFromPublic": "yes", "Rules": 3}]', '[{"Principal": 5}]', '{"Rules": 1, "AWSOwnedKey": "no"}',
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 70_000), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=8), TRICKY_TEXT, st.just(UNKNOWN))
GARBAGE = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6) | TRICKY_TEXT, inner, max_size=3)), max_leaves=8)
JSON_GARBAGE = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=6), TRICKY_TEXT),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                                st.sampled_from(["Statement", "Effect", "Principal", "AWS", "Action", "Resource",
                                                 "Condition", "NotPrincipal", "Rules", "AllowFromPublic",
                                                 "SourceVPCEs", "KmsARN", "AWSOwnedKey", "StringEquals",
                                                 "aws:SourceIp", "aws:SourceAccount", "IpAddress", "Sid"]),
                                inner, max_size=4), max_leaves=10).map(json.dumps)

_strategies: dict[int, Any] = {}


def _object(shape) -> st.SearchStrategy:
    if id(shape) not in _strategies:
        _strategies[id(shape)] = st.fixed_dictionaries({}, optional={
            name: _value(is_list, nested) for name, (is_list, nested) in shape.items()})
    return _strategies[id(shape)]


def _value(is_list: bool, nested) -> st.SearchStrategy:
    well_typed = st.deferred(lambda: _object(nested)) if nested else SCALARS
    element = st.one_of(well_typed, GARBAGE, JSON_GARBAGE)
    return st.one_of(SCALARS, JSON_GARBAGE, GARBAGE, element, st.lists(element, max_size=3))


def props_for(resource_type: str) -> st.SearchStrategy:
    shape = resource_shape(resource_type) if resource_type in resource_tokens() else {}
    return st.one_of(_object(shape), st.dictionaries(st.text(max_size=6), GARBAGE, max_size=3)) if shape else \
        st.dictionaries(st.sampled_from(["region", "policy", "name"]) | st.text(max_size=6), GARBAGE, max_size=4)


def types_of(rule: Rule) -> list[str]:
    return sorted(set(rule.resource_types) | (set(NAMED_TYPES) if rule.resource_type_prefixes else set()))


PROVIDERS = st.one_of(st.none(), st.builds(
    lambda props: ProviderView(AWS_PROVIDER, "default", f"urn:pulumi:t::p::{AWS_PROVIDER}::default", props),
    st.dictionaries(st.just("region"), st.one_of(SCALARS, GARBAGE), max_size=1)))


def resource_views(resource_type: str, name: str = "subject") -> st.SearchStrategy:
    return st.builds(lambda props, provider: ResourceView(resource_type, name, f"urn:pulumi:t::p::{resource_type}::{name}",
                                                          props, provider), props_for(resource_type), PROVIDERS)


def drain(rule: Rule, subject, config) -> list:
    outcomes = list(rule.check(subject, config))
    assert all(isinstance(o, (Violation, Deferred)) for o in outcomes), outcomes
    return outcomes


RESOURCE_RULES = [rule for rule in RULES if rule.scope == "resource"]


@pytest.mark.parametrize("rule", RESOURCE_RULES, ids=[r.name for r in RESOURCE_RULES])
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_resource_rule_never_raises(rule, data):
    resource_type = data.draw(st.sampled_from(types_of(rule)))
    drain(rule, data.draw(resource_views(resource_type)), rule.config(None))


def stacks_for(rule: Rule) -> st.SearchStrategy:
    def build(draw_list):
        resources = [ResourceView(t, f"r{i}", f"urn:pulumi:t::p::{t}::r{i}", props, provider,
                                  property_dependencies=deps)
                     for i, (t, props, provider, deps) in enumerate(draw_list)]
        return StackView(tuple(resources))

    urns = st.sampled_from([f"urn:pulumi:t::p::{t}::r{i}" for t in types_of(rule) for i in range(4)])
    member = st.sampled_from(types_of(rule)).flatmap(lambda t: st.tuples(
        st.just(t), props_for(t), PROVIDERS,
        st.dictionaries(st.text(max_size=8) | st.sampled_from(sorted(resource_shape(t)) or ["bucket"]),
                        st.lists(urns, max_size=2).map(tuple), max_size=2)))
    return st.lists(member, max_size=4).map(build)


STACK_RULES = [rule for rule in RULES if rule.scope == "stack"]


@pytest.mark.parametrize("rule", STACK_RULES, ids=[r.name for r in STACK_RULES])
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_stack_rule_never_raises_on_garbage_stacks(rule, data):
    drain(rule, data.draw(stacks_for(rule)), rule.config(None))


# One wrong value at a time, at every input path the SDK declares: exhaustive where hypothesis samples.
WRONG_VALUES = (None, UNKNOWN, "", "x", "0.0.0.0/0", 7, 2.5, True, ["x"], [7], [UNKNOWN], [None], {"x": 1}, [{"x": [1]}])


def _realize(shape, path: tuple, value):
    """Minimal props with `value` at `path`, each step well-formed (a list step holds one element)."""
    name, rest = path[0], path[1:]
    is_list, nested = shape[name]
    inner = _realize(nested, rest, value) if rest else value
    return {name: [inner] if is_list and rest else inner}


def _sdk_paths(shape, prefix=()):
    for name, (_, nested) in shape.items():
        yield prefix + (name,)
        if nested:
            yield from _sdk_paths(nested, prefix + (name,))


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_every_wrong_value_at_every_input_path(rule):
    checked = 0
    for resource_type in types_of(rule):
        # A type pulumi-aws does not declare (a component's, the engine's) gets a made-up input to be wrong in.
        shape = resource_shape(resource_type) if resource_type in resource_tokens() else {"anything": (False, None)}
        for path in _sdk_paths(shape):
            for value in WRONG_VALUES:
                props = _realize(shape, path, value)
                resource = ResourceView(resource_type, "subject", f"urn:pulumi:t::p::{resource_type}::subject", props,
                                        ProviderView(AWS_PROVIDER, "default", "urn:provider", {"region": value}))
                subject = StackView((resource,)) if rule.scope == "stack" else resource
                try:
                    drain(rule, subject, rule.config(None))
                except Exception as error:  # noqa: BLE001 - name the input that crashed the rule
                    raise AssertionError(f"{rule.name} on {resource_type} {'.'.join(path)}={value!r}: {error!r}") from error
                checked += 1
    assert checked > 0


def test_every_rule_is_fuzzed():
    fuzzed = {r.name for r in RESOURCE_RULES} | {r.name for r in STACK_RULES}
    assert fuzzed == {r.name for r in RULES}


def test_safety_net_turns_a_crash_into_a_violation_naming_policy_resource_and_error():
    def crashes(resource, config):
        yield Deferred("partial")
        raise KeyError("kmsKeyId")

    rule = Rule(name="crashy", description="d", severity="high", pci_dss=("3.5.1",), soc2=("CC6.1",), remediation="r",
                check=crashes, resource_types=("aws:sqs/queue:Queue",))
    queue = ResourceView("aws:sqs/queue:Queue", "jobs", "urn:pulumi:t::p::aws:sqs/queue:Queue::jobs", {})
    result = evaluate(rule, queue, None)
    assert [v.urn for v in result.violations] == [queue.urn]
    message = result.violations[0].message
    assert "crashy" in message and "Queue 'jobs'" in message and "KeyError" in message and "kmsKeyId" in message
