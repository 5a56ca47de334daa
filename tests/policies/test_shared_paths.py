"""rules/_paths.py: every value at a path that crosses lists, each with the path a message names."""

import pytest
from perimeter_policies.model import UNKNOWN
from perimeter_policies.rules._paths import EACH, expand


def test_an_empty_path_is_the_value_itself_at_the_empty_path():
    assert expand({"a": 1}, ()) == [("", {"a": 1})]


def test_keys_are_spelled_from_the_top_without_a_leading_dot():
    assert expand({"a": {"b": "x"}}, ("a", "b")) == [("a.b", "x")]


def test_each_visits_every_element_with_its_index():
    data = {"rules": [{"k": "one"}, {"k": "two"}]}
    assert expand(data, ("rules", EACH, "k")) == [("rules[0].k", "one"), ("rules[1].k", "two")]


def test_each_reads_a_single_object_as_a_one_element_list():
    assert expand({"rules": {"k": "only"}}, ("rules", EACH, "k")) == [("rules[0].k", "only")]


@pytest.mark.parametrize("rules", [None, []], ids=["absent", "empty"])
def test_each_over_nothing_is_one_unset_value_at_the_list(rules):
    assert expand({"x": {"rules": rules}}, ("x", "rules", EACH, "k")) == [("x.rules", None)]


def test_each_over_a_bare_none_is_unset_at_the_path_so_far():
    assert expand(None, (EACH, "k"), "top") == [("top", None)]


def test_an_absent_key_is_unset_where_it_is_missing():
    assert expand({"a": {}}, ("a", "b", "c")) == [("a.b", None)]


def test_a_key_under_a_non_object_is_unset_there():
    assert expand({"a": "text"}, ("a", "b")) == [("a.b", None)]


def test_an_unknown_step_is_unknown_where_it_happens():
    assert expand({"a": UNKNOWN}, ("a", "b", "c")) == [("a", UNKNOWN)]
    assert expand({"a": [UNKNOWN, {"b": 1}]}, ("a", EACH, "b")) == [("a[0]", UNKNOWN), ("a[1].b", 1)]


def test_a_known_value_at_the_end_is_returned_even_when_falsy():
    assert expand({"a": {"b": False}}, ("a", "b")) == [("a.b", False)]
    assert expand({"a": [0]}, ("a", EACH)) == [("a[0]", 0)]
