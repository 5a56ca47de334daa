"""What a rule sees (perimeter_policies.adapter and .model): plain views of what the engine sent.

The adapter is observed through the policy SDK's own Analyzer servicer (the kit's `run`) with a rule
that records the view it is given; the model's helpers are called directly.
"""

import pytest
from perimeter_policies.model import UNKNOWN, ProviderView, ResourceView, StackView, as_list, dig, is_unknown
from perimeter_policies.rule import Rule
from perimeter_policies.testing import provider, raw, run, urn

BUCKET, POLICY, KEY = "aws:s3/bucket:Bucket", "aws:s3/bucketPolicy:BucketPolicy", "aws:kms/key:Key"
COMPONENT = "perimeter:data:Store"


def seen_by_rule(scope: str, subject) -> list:
    """The views a rule of `scope` is given for `subject`."""
    views = []

    def record(view, config):
        views.append(view)
        return iter(())

    rule = Rule(name="core-adapter-rule", description="d", severity="low", pci_dss=("3.5.1",), soc2=("CC6.1",),
                remediation="r", check=record, resource_types=(BUCKET, POLICY, KEY), scope=scope)
    run(rule, subject).assert_clean()
    return views


# --- adapter: a resource (Analyze) -----------------------------------------------------------------------

def test_a_resource_arrives_as_plain_data_with_unknowns_marked():
    bucket = raw(BUCKET, "exports", {"bucket": "exports-1", "tags": {"team": "data", "owner": UNKNOWN},
                                     "rules": [{"days": 30}, UNKNOWN, ["nested", UNKNOWN]], "acl": UNKNOWN})
    [view] = seen_by_rule("resource", bucket)
    assert (view.type, view.name, view.urn) == (BUCKET, "exports", urn(BUCKET, "exports"))
    assert isinstance(view.props, dict) and type(view.props["tags"]) is dict and type(view.props["rules"]) is list
    assert view.props == {"bucket": "exports-1", "tags": {"team": "data", "owner": UNKNOWN},
                          "rules": [{"days": 30.0}, UNKNOWN, ["nested", UNKNOWN]], "acl": UNKNOWN}


def test_a_resource_carries_its_provider_and_parent():
    parent = urn(COMPONENT, "store")
    bucket = raw(BUCKET, "exports", {}, provider_record=provider("eu-central-1", name="frankfurt",
                                                                 skipCredentialsValidation=UNKNOWN), parent=parent)
    [view] = seen_by_rule("resource", bucket)
    assert view.provider == ProviderView("pulumi:providers:aws", "frankfurt", urn("pulumi:providers:aws", "frankfurt"),
                                         {"region": "eu-central-1", "skipCredentialsValidation": UNKNOWN})
    assert type(view.provider.props) is dict
    assert view.parent == parent


def test_a_resource_without_provider_or_parent_says_so():
    [view] = seen_by_rule("resource", raw(BUCKET, "exports", {}, provider_record={}))
    assert view.provider is None and view.parent is None


# --- adapter: a stack (AnalyzeStack) --------------------------------------------------------------------

def test_a_stack_carries_parents_dependencies_property_dependencies_and_providers():
    store = raw(COMPONENT, "store", {}, provider_record={})
    key = raw(KEY, "data", {"enableKeyRotation": True}, parent=store.urn, region="eu-west-2")
    bucket = raw(BUCKET, "exports", {"kms": UNKNOWN}, parent=store.urn, dependencies=[key.urn],
                 property_dependencies={"kms": [key.urn]})
    [stack] = seen_by_rule("stack", [store, key, bucket])
    assert [r.urn for r in stack.resources] == [store.urn, key.urn, bucket.urn]
    viewed_store, viewed_key, viewed_bucket = stack.resources
    assert viewed_store.parent is None and viewed_store.provider is None and viewed_store.dependencies == ()
    assert viewed_key.parent == store.urn and viewed_key.props == {"enableKeyRotation": True}
    assert viewed_key.provider == ProviderView("pulumi:providers:aws", "default_7_51_1",
                                               urn("pulumi:providers:aws", "default_7_51_1"), {"region": "eu-west-2"})
    assert viewed_bucket.parent == store.urn and viewed_bucket.props == {"kms": UNKNOWN}
    assert viewed_bucket.dependencies == (key.urn,)
    assert viewed_bucket.property_dependencies == {"kms": (key.urn,)}
    assert stack.sources_of(viewed_bucket, "kms") == [viewed_key]


# --- model ---------------------------------------------------------------------------------------------

DATA = {"rules": [{"days": 30, "ids": ["a", "b"]}, UNKNOWN], "tags": UNKNOWN, "name": "exports", "empty": []}


@pytest.mark.parametrize("path, expected", [
    (("name",), "exports"),
    (("rules", 0, "days"), 30),
    (("rules", 0, "ids", 1), "b"),
    (("rules", 0, "ids", 2), None),       # past the end of a list
    (("rules", 2, "days"), None),
    (("empty", 0), None),
    (("rules", 1, "days"), UNKNOWN),      # an unknown step makes the rest unknown
    (("tags", "team"), UNKNOWN),
    (("tags",), UNKNOWN),
    (("name", 0), None),                  # an index into a string is not a list step
    (("rules", "days"), None),            # a key into a list is absent
    (("missing", "deeper"), None),
    (("name", "x"), None),
    ((), DATA),
])
def test_dig_tells_absent_from_unknown(path, expected):
    assert dig(DATA, *path) == expected  # UNKNOWN equals only itself


def test_a_resource_view_digs_its_props():
    view = ResourceView(type=BUCKET, name="exports", urn=urn(BUCKET, "exports"), props=DATA)
    assert view.get("rules", 0, "ids", 0) == "a" and view.get("tags", "x") is UNKNOWN and view.get("nope") is None


@pytest.mark.parametrize("value, expected", [(None, []), ([], []), ([1, 2], [1, 2]), ("one", ["one"]),
                                             ({"k": 1}, [{"k": 1}]), (0, [0])])
def test_as_list(value, expected):
    assert as_list(value) == expected


def test_as_list_keeps_unknown_unknown():
    assert as_list(UNKNOWN) is UNKNOWN and is_unknown(as_list(UNKNOWN)) and not is_unknown(None)


def test_unknown_is_one_value_that_refuses_a_truth_test():
    assert type(UNKNOWN)() is UNKNOWN and repr(UNKNOWN) == "UNKNOWN"
    with pytest.raises(TypeError, match=r"^an Unknown value has no truth value; compare with `is UNKNOWN`$"):
        bool(UNKNOWN)


def view(type_: str, name: str, **extra) -> ResourceView:
    return ResourceView(type=type_, name=name, urn=urn(type_, name), props={}, **extra)


def test_a_stack_view_finds_resources_by_urn_and_type_in_order():
    a, b, c = view(BUCKET, "a"), view(KEY, "k"), view(BUCKET, "b")
    stack = StackView((a, b, c))
    assert stack.by_urn(b.urn) is b and stack.by_urn(urn(BUCKET, "zzz")) is None
    assert stack.of_type(BUCKET) == [a, c] and stack.of_type(KEY, BUCKET) == [b, a, c] and stack.of_type(POLICY) == []
    assert stack.of_type(BUCKET) == [a, c] and stack.by_urn(a.urn) is a  # asked twice: the same answers


def test_a_stack_view_builds_each_index_once():
    stack = StackView((view(BUCKET, "a"), view(KEY, "k")))
    stack.of_type(BUCKET)
    stack.by_urn(urn(KEY, "k"))
    type_index, urn_index = stack.__dict__["_type_index"], stack.__dict__["_urn_index"]
    assert set(type_index) == {BUCKET, KEY} and set(urn_index) == {urn(BUCKET, "a"), urn(KEY, "k")}
    stack.of_type(KEY)
    stack.by_urn(urn(BUCKET, "a"))
    assert stack.__dict__["_type_index"] is type_index and stack.__dict__["_urn_index"] is urn_index


def test_sources_of_are_the_stack_resources_feeding_a_property():
    key, other = view(KEY, "k"), view(KEY, "other")
    bucket = view(BUCKET, "b", property_dependencies={"kms": (key.urn, urn(KEY, "outside-the-stack"))})
    stack = StackView((key, other, bucket))
    assert stack.sources_of(bucket, "kms") == [key]
    assert stack.sources_of(bucket, "policy") == [] and stack.sources_of(key, "kms") == []
