"""The typed test kit for this pack's rules, for its own tests and for anyone writing a rule.

    import pulumi_aws as aws
    from perimeter_policies.testing import UNKNOWN, resource, run, waiver

    KEY = resource(aws.kms.Key, "data", enable_key_rotation=True)
    run("kms-key-rotation-enabled", KEY).assert_clean()
    run("kms-key-rotation-enabled", KEY.replace(enable_key_rotation=False)).assert_violation("enableKeyRotation")
    run("kms-key-rotation-enabled", KEY.unknown("enableKeyRotation")).assert_deferred("enableKeyRotation")
    run("kms-key-rotation-enabled", KEY.replace(enable_key_rotation=False), waivers=[waiver(KEY)]).assert_waived()

- `resource()` takes a pulumi-aws resource class and its snake_case arguments and turns them into the
  engine's wire names with the SDK's own serializer (`pulumi.runtime.rpc.serialize_properties` with
  the resource's args class), so a misspelt argument, at any depth, fails at once instead of passing
  unread by a rule that misspells it the same way.
- A run goes through the policy SDK's own Analyzer servicer: protobuf Struct, `deserialize_properties`,
  the unknown-checking proxy, the policy. A rule that reads an unknown value shows up as `cant_run`,
  exactly as it would in `pulumi preview`.
- Every run records which top-level properties each rule reads on each type (`RECORDED_READS`);
  `make regen` collects them from the rules' own tests into `reads.json`, which the overlap
  check and `perimeter policies` read.

This module imports only the pack and the Pulumi SDKs (pulumi-aws lazily, for `resource()`), so it
works wherever the pack is published, without the `perimeter` CLI.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import datetime as dt
import inspect
import json
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional, Union

from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from . import wire
from .evaluation import parse_not_applicable_reason
from .model import UNKNOWN, ResourceView, StackView
from .pack import PACK_NAME, load_rules, to_policy
from .rule import Rule
from .waivers import evaluation_clock

__all__ = ["UNKNOWN", "REMOVE", "STACK", "PROJECT", "DEFAULT_REGION", "Resource", "Result", "resource",
           "raw", "provider", "urn", "waiver", "run", "run_pack", "analyze", "analyze_stack", "wire_inputs",
           "type_token", "args_class", "required_arguments", "RECORDED_READS", "OBSERVERS"]

STACK, PROJECT = "test", "perimeter"
DEFAULT_REGION = "eu-west-1"
DEFAULT_APPROVER = "security@example.com"


class _Remove:
    """Marks an input to delete; a stable repr keeps parametrized test ids identical across workers."""

    def __repr__(self) -> str:
        return "REMOVE"


REMOVE = _Remove()


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


# --- typed inputs, translated as the SDK translates them ---------------------------------------

def args_class(resource_class: type) -> type:
    """The input type a pulumi-aws resource class is constructed from (its `args` overload)."""
    for overload in typing.get_overloads(resource_class.__init__):
        parameter = inspect.signature(overload).parameters.get("args")
        if parameter is None:
            continue
        annotation = parameter.annotation
        candidates = typing.get_args(annotation) or (annotation,)
        for candidate in candidates:
            if isinstance(candidate, type) and _pulumi_types().is_input_type(candidate):
                return candidate
    raise TypeError(f"{resource_class!r} is not a pulumi resource class with an args type")


def required_arguments(resource_class: type) -> list[str]:
    """The snake_case arguments a resource cannot be declared without."""
    parameters = inspect.signature(args_class(resource_class).__init__).parameters.values()
    return [p.name for p in parameters if p.kind is p.KEYWORD_ONLY and p.default is p.empty]


def _pulumi_types():
    from pulumi import _types  # the SDK's own input-type metadata (name translation, property types)

    return _types


def type_token(resource_class: type) -> str:
    """`aws.kms.Key` -> "aws:kms/key:Key", confirmed against the provider's own resource-module registry."""
    from pulumi.runtime import rpc

    module = resource_class.__module__          # pulumi_aws.kms.key
    package, *path, _file = module.split(".")
    provider_name = package.removeprefix("pulumi_")
    name = resource_class.__name__
    mod = "/".join(p.rstrip("_") for p in path) + "/" + name[0].lower() + name[1:]
    registered = rpc.get_resource_module(provider_name, mod, "")
    classes = getattr(registered, "mod_info", {}).get("classes", {}) if registered else {}
    for token, class_name in classes.items():
        if class_name == name:
            return token
    raise TypeError(f"cannot find the type token of {module}.{name} in the {provider_name} provider's registry")


def _check_names(value: Any, declared: Any, where: str) -> None:
    """Reject dict keys the declared input type does not have (the SDK would pass them through untranslated)."""
    types = _pulumi_types()
    declared = types.unwrap_type(declared) if declared is not None else None
    if isinstance(value, Mapping):
        if not (isinstance(declared, type) and types.is_input_type(declared)):
            return  # a free-form map (tags, a JSON object): any key is valid
        names = types.input_type_py_to_pulumi_names(declared)
        property_types = types.input_type_types(declared)
        for key, item in value.items():
            if key not in names:
                raise TypeError(f"{where}: {declared.__name__.removesuffix('Args')} has no argument {key!r}; "
                                f"it takes {', '.join(sorted(names))}")
            _check_names(item, property_types.get(names[key]), f"{where}.{key}")
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        element = None
        if typing.get_origin(declared) in (list, Sequence, typing.Sequence, typing.List):  # noqa: UP006
            element = (typing.get_args(declared) or (None,))[0]
        for index, item in enumerate(value):
            _check_names(item, element, f"{where}[{index}]")


def _with_sentinels(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, Mapping):
        return {k: _with_sentinels(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_with_sentinels(v) for v in value]
    return value


def _markers(value: Any) -> Any:
    """Wire values back to kit values: the engine's unknown sentinel becomes UNKNOWN."""
    if value == UNKNOWN_STRING_VALUE:
        return UNKNOWN
    if isinstance(value, Mapping):
        return {k: _markers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_markers(v) for v in value]
    return value


def wire_inputs(resource_class: type, /, **arguments: Any) -> dict[str, Any]:
    """snake_case arguments of `resource_class` as the engine receives them (camelCase, None dropped).

    Raises TypeError for an argument the class does not declare, at any depth. UNKNOWN is allowed anywhere.
    """
    from pulumi.runtime import rpc

    args_type = args_class(resource_class)
    given = {k: v for k, v in arguments.items() if v is not None}
    try:
        args = args_type(**_with_sentinels(given))
    except TypeError as error:
        raise TypeError(f"{resource_class.__name__}: {error}") from None
    property_types = _pulumi_types().input_type_types(args_type)
    names = _pulumi_types().input_type_py_to_pulumi_names(args_type)
    for key, value in given.items():
        _check_names(value, property_types.get(names[key]), f"{resource_class.__name__}.{key}")
    props = _pulumi_types().input_type_to_untranslated_dict(args)
    # A private loop: asyncio.run would leave the thread without one, breaking any later Pulumi
    # mock-runtime program in the same process (set_mocks needs the thread's current loop).
    loop = asyncio.new_event_loop()
    try:
        struct = loop.run_until_complete(rpc.serialize_properties(props, {}, None, None, args_type))
    finally:
        loop.close()
    return _markers(json_format.MessageToDict(struct))


# --- resources ------------------------------------------------------------------------------------

def provider(region: Any = DEFAULT_REGION, name: str = "default_7_51_1", **inputs: Any) -> dict:
    """The provider record a resource carries (its `region`, or none with region=None)."""
    props = dict(inputs)
    if region is not None:
        props["region"] = region
    return {"type": "pulumi:providers:aws", "name": name, "urn": urn("pulumi:providers:aws", name),
            "inputs": _with_sentinels(props)}


@dataclass(frozen=True)
class Resource:
    """One registered resource: its type, name and wire inputs (UNKNOWN marks a value unknown at preview)."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    resource_class: Optional[type] = None
    arguments: Mapping[str, Any] = field(default_factory=dict)
    region: Any = DEFAULT_REGION
    provider_record: Optional[dict] = None
    parent: Optional[str] = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The state AnalyzeStack sees (the engine sends outputs there); None: the inputs stand in for it.
    outputs: Optional[Mapping[str, Any]] = None

    @property
    def urn(self) -> str:
        return urn(self.type, self.name)

    def replace(self, /, **arguments: Any) -> "Resource":
        """The same resource with some snake_case arguments changed (None removes one); typed like `resource()`."""
        if self.resource_class is None:
            raise TypeError("replace() needs a typed resource (built with resource()); use set() on raw ones")
        merged = {k: v for k, v in {**self.arguments, **arguments}.items() if v is not None}
        return dataclasses.replace(self, inputs=wire_inputs(self.resource_class, **merged), arguments=merged)

    def set(self, *path_and_value: Any) -> "Resource":
        """The same resource with the wire value at `path` (keys and list indices) replaced, or removed with REMOVE.

        Every step but the last must exist, and the last must exist too unless the parent is a free-form map:
        a typo in a path fails instead of adding a property no rule reads.
        """
        *path, value = path_and_value
        if not path:
            raise TypeError("set(*path, value) needs a path")
        inputs = copy.deepcopy(dict(self.inputs))
        target: Any = inputs
        for depth, step in enumerate(path[:-1]):
            try:
                target = target[step]
            except (KeyError, IndexError, TypeError):
                raise KeyError(f"{self.name}: no input at {_spell(path[:depth + 1])}; it has {_shape(target)}") from None
        last = path[-1]
        exists = (isinstance(target, Mapping) and last in target) or (
            isinstance(target, list) and isinstance(last, int) and last < len(target))
        if not exists:
            raise KeyError(f"{self.name}: no input at {_spell(path)}; it has {_shape(target)}")
        if value is REMOVE:
            del target[last]
        else:
            target[last] = value
        return dataclasses.replace(self, inputs=inputs)

    def unknown(self, *path: Any) -> "Resource":
        """The same resource with the value at `path` unknown, as on a first `pulumi preview`."""
        return self.set(*path, UNKNOWN)

    def without(self, *path: Any) -> "Resource":
        return self.set(*path, REMOVE)

    def record(self) -> dict:
        """The captured-resource dict the engine's wire format is built from (`perimeter_policies.wire`)."""
        return {
            "type": self.type, "name": self.name, "urn": self.urn, "custom": True, "parent": self.parent,
            "provider": self.provider_record if self.provider_record is not None else provider(self.region),
            "inputs": _with_sentinels(copy.deepcopy(dict(self.inputs))),
            **({"outputs": _with_sentinels(copy.deepcopy(dict(self.outputs)))} if self.outputs is not None else {}),
            "dependencies": list(self.dependencies),
            "propertyDependencies": {k: list(v) for k, v in self.property_dependencies.items()},
            "options": {},
        }


def _spell(path: Iterable[Any]) -> str:
    return "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path).lstrip(".")


def _shape(value: Any) -> str:
    if isinstance(value, Mapping):
        return "keys " + ", ".join(map(str, value)) if value else "no keys"
    if isinstance(value, list):
        return f"{len(value)} item(s)"
    return f"the value {value!r}"


def resource(resource_class: type, resource_name: str, /, *, provider_region: Any = DEFAULT_REGION,
             provider_record: Optional[dict] = None, parent_urn: Optional[str] = None,
             depends_on: Iterable[Union[Resource, str]] = (),
             property_dependencies: Optional[Mapping[str, Iterable[Union[Resource, str]]]] = None,
             **arguments: Any) -> Resource:
    """A resource from a pulumi-aws class and its snake_case arguments, e.g. `resource(aws.sqs.Queue, "jobs", ...)`.

    The class's own arguments (`name`, `region`, ...) go in `arguments`; the kit's options have names no
    pulumi-aws argument has: `provider_region` (the provider's region), `provider_record`, `parent_urn`,
    `depends_on` and `property_dependencies` (resources or URNs).
    """
    def urns(items: Iterable[Union[Resource, str]]) -> tuple[str, ...]:
        return tuple(i.urn if isinstance(i, Resource) else i for i in items)

    given = {k: v for k, v in arguments.items() if v is not None}
    return Resource(type=type_token(resource_class), name=resource_name, inputs=wire_inputs(resource_class, **given),
                    resource_class=resource_class, arguments=given, region=provider_region,
                    provider_record=provider_record, parent=parent_urn, dependencies=urns(depends_on),
                    property_dependencies={k: urns(v) for k, v in (property_dependencies or {}).items()})


def raw(type_: str, name: str, inputs: Mapping[str, Any], *, region: Any = DEFAULT_REGION,
        provider_record: Optional[dict] = None, parent: Optional[str] = None, dependencies: Iterable[str] = (),
        property_dependencies: Optional[Mapping[str, Iterable[str]]] = None) -> Resource:
    """An untyped resource from wire names: for types pulumi-aws does not have (providers, components)."""
    return Resource(type=type_, name=name, inputs=dict(inputs), region=region, provider_record=provider_record,
                    parent=parent, dependencies=tuple(dependencies),
                    property_dependencies={k: tuple(v) for k, v in (property_dependencies or {}).items()})


def waiver(target: Union[Resource, str], *, reason: str = "Compensating control reviewed by the security team",
           approver: str = DEFAULT_APPROVER, days: int = 30) -> dict:
    """A well-formed waiver for `target` (a resource or a URN glob) expiring `days` after the evaluation clock."""
    expires = evaluation_clock().date() + dt.timedelta(days=days)
    return {"resource": target.urn if isinstance(target, Resource) else target, "reason": reason,
            "approver": approver, "expires": expires.isoformat()}


# --- running rules ----------------------------------------------------------------------------------

@dataclass
class Result:
    violations: list[tuple[str, str]] = field(default_factory=list)   # (message, urn)
    cant_run: list[str] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)
    waived: list[dict] = field(default_factory=list)
    deferred: list[dict] = field(default_factory=list)

    @property
    def urns(self) -> list[str]:
        return [u for _, u in self.violations]

    @property
    def clean(self) -> bool:
        return not self.violations and not self.cant_run

    @property
    def findings(self) -> list[tuple[str, str]]:
        """(finding line, urn) per violation: the line between the rule's description and its fix."""
        return [(message.splitlines()[1], where) for message, where in self.violations]

    def finding(self) -> str:
        """The finding line of the one violation."""
        assert len(self.violations) == 1 and not self.cant_run, f"expected one violation, got {self._state()}"
        return self.findings[0][0]

    def _state(self) -> str:
        return (f"violations={[m for m, _ in self.violations]} cant_run={self.cant_run} "
                f"deferred={[d['message'] for d in self.deferred]} waived={[w['message'] for w in self.waived]}")

    def assert_clean(self) -> "Result":
        """No violation, nothing deferred, nothing the SDK could not run."""
        assert self.clean and not self.deferred, f"expected a clean run, got {self._state()}"
        return self

    def assert_violation(self, *fragments: str, on: Union[Resource, str, None] = None, count: int = 1) -> "Result":
        """Exactly `count` violations; the first names every fragment (and is on `on`, when given)."""
        assert len(self.violations) == count and not self.cant_run, \
            f"expected {count} violation(s), got {self._state()}"
        message, where = self.violations[0]
        missing = [f for f in fragments if f not in message]
        assert not missing, f"violation does not mention {missing}: {message!r}"
        if on is not None:
            expected = on.urn if isinstance(on, Resource) else on
            assert where == expected, f"violation is on {where}, expected {expected}"
        return self

    def assert_deferred(self, *fragments: str) -> "Result":
        """Nothing blocks and nothing fails to run; one check deferred to `pulumi up`, naming every fragment."""
        assert self.clean and len(self.deferred) == 1, f"expected one deferred check, got {self._state()}"
        missing = [f for f in fragments if f not in self.deferred[0]["message"]]
        assert not missing, f"deferral does not mention {missing}: {self.deferred[0]['message']!r}"
        return self

    def assert_waived(self, count: int = 1) -> "Result":
        assert not self.violations and len(self.waived) == count, f"expected {count} waived finding(s), got {self._state()}"
        return self


# Rule name -> resource type -> top-level properties the rule read, over every run in this process.
RECORDED_READS: dict[str, dict[str, set[str]]] = {}


class _ReadRecorder(dict):
    """A resource's properties that note each top-level key a rule looks up (iteration is not a read)."""

    def __init__(self, props: Mapping[str, Any], sink: set[str]) -> None:
        super().__init__(props)
        self._sink = sink

    def __getitem__(self, key: str) -> Any:
        self._sink.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._sink.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._sink.add(key)
        return super().__contains__(key)


def _recording(rule: Rule) -> Rule:
    def sink(view: ResourceView) -> set[str]:
        return RECORDED_READS.setdefault(rule.name, {}).setdefault(view.type, set())

    def watched(view: ResourceView) -> ResourceView:
        return dataclasses.replace(view, props=_ReadRecorder(view.props, sink(view)))

    def check(subject, config):
        if isinstance(subject, StackView):
            return rule.check(StackView(tuple(watched(r) for r in subject.resources)), config)
        return rule.check(watched(subject), config)

    return dataclasses.replace(rule, check=check)


_RULES: dict[str, Rule] = {}
_POLICIES: dict[str, Any] = {}
PolicyRef = Union[str, Rule]  # a pack policy's name, or a Rule not (yet) in the pack


def rule_named(name: PolicyRef) -> Rule:
    if isinstance(name, Rule):
        return name
    if not _RULES:
        _RULES.update({r.name: r for r in load_rules()})
    if name not in _RULES:
        raise KeyError(f"no policy named {name!r} in the pack; it has {', '.join(sorted(_RULES))}")
    return _RULES[name]


def _policy(ref: PolicyRef) -> Any:
    if isinstance(ref, Rule):
        return to_policy(_recording(ref))
    if ref not in _POLICIES:
        _POLICIES[ref] = to_policy(_recording(rule_named(ref)))
    return _POLICIES[ref]


def _servicer(ref: PolicyRef, config: Optional[Mapping[str, Any]]) -> _PolicyAnalyzerServicer:
    name = rule_named(ref).name
    servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.0.0", [_policy(ref)], EnforcementLevel.MANDATORY)
    servicer.Configure(wire.configure_request({name: dict(config or {})}, {name: analyzer_pb2.MANDATORY}), None)
    return servicer


def _result(response: analyzer_pb2.AnalyzeResponse) -> Result:
    result = Result()
    for d in response.diagnostics:
        if "can't run policy" in d.message:
            result.cant_run.append(d.message)
        else:
            result.violations.append((d.message, d.urn))
    for na in response.not_applicable:
        result.not_applicable.append(na.reason)
        parsed = parse_not_applicable_reason(na.reason) or {}
        result.waived += parsed.get("waived", [])
        result.deferred += parsed.get("deferred", [])
    return result


def _as_record(subject: Union[Resource, dict]) -> dict:
    return subject.record() if isinstance(subject, Resource) else subject


# Called with (policy name, Result) after every run: e.g. the pack's tests record which types violated.
OBSERVERS: list[Callable[[str, Result], None]] = []


def _observed(ref: PolicyRef, result: Result) -> Result:
    for observer in OBSERVERS:
        observer(rule_named(ref).name, result)
    return result


def analyze(policy_name: PolicyRef, subject: Union[Resource, dict], config: Optional[Mapping[str, Any]] = None) -> Result:
    """One resource through one resource-scoped policy, as `Analyze` runs it."""
    response = _servicer(policy_name, config).Analyze(wire.analyze_request(_as_record(subject)), None)
    return _observed(policy_name, _result(response))


def analyze_stack(policy_name: PolicyRef, subjects: Iterable[Union[Resource, dict]],
                  config: Optional[Mapping[str, Any]] = None) -> Result:
    """A stack through one stack-scoped policy, as `AnalyzeStack` runs it (outputs when given, else inputs)."""
    records = [_as_record(s) for s in subjects]
    response = _servicer(policy_name, config).AnalyzeStack(wire.analyze_stack_request(records), None)
    return _observed(policy_name, _result(response))


def run(policy_name: PolicyRef, subject: Union[Resource, dict, Iterable[Union[Resource, dict]]], *,
        config: Optional[Mapping[str, Any]] = None, waivers: Iterable[dict] = ()) -> Result:
    """One policy on a resource (resource scope) or a list of resources (a stack, or each one in turn)."""
    merged = {**(config or {}), **({"waivers": list(waivers)} if waivers else {})}
    if rule_named(policy_name).scope == "stack":
        subjects = [subject] if isinstance(subject, (Resource, dict)) else list(subject)
        return analyze_stack(policy_name, subjects, merged)
    if isinstance(subject, (Resource, dict)):
        return analyze(policy_name, subject, merged)
    combined = Result()
    for each in subject:
        part = analyze(policy_name, each, merged)
        for name in ("violations", "cant_run", "not_applicable", "waived", "deferred"):
            getattr(combined, name).extend(getattr(part, name))
    return combined


def run_pack(subjects: Iterable[Union[Resource, dict]], *, config: Optional[Mapping[str, Mapping[str, Any]]] = None,
             ) -> dict[str, Result]:
    """Every policy of the pack on a stack of resources: {policy: Result}, with per-policy config."""
    subjects = list(subjects)
    results = {}
    for rule in load_rules():
        applicable = [s for s in subjects if rule.applies_to(_as_record(s)["type"])]
        if rule.scope == "stack":
            results[rule.name] = run(rule.name, subjects, config=(config or {}).get(rule.name))
        elif applicable:
            results[rule.name] = run(rule.name, applicable, config=(config or {}).get(rule.name))
    return results


def recorded_reads_json() -> str:
    """RECORDED_READS as the sorted JSON `reads.json` holds."""
    return json.dumps({rule: {t: sorted(props) for t, props in sorted(types.items())}
                       for rule, types in sorted(RECORDED_READS.items())}, indent=1, sort_keys=True) + "\n"
