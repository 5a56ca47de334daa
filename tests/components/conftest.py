"""Run the real Pulumi program (`__main__.py`) under Pulumi's mock runtime and record what it registers.

Two ways to build a stack:
- preview (the default): outputs the mock does not echo from inputs are
  unknown, exactly what the engine and the policy pack see on a first
  `pulumi preview`;
- `known_outputs=True`: the mock also returns realistic ARNs, ids and
  versions, so policies that embed them can be parsed and asserted.

Each build calls `set_mocks` afresh, which resets the runtime's state; the
program's own modules are stateless, so re-running `__main__.py` is safe.
"""

from __future__ import annotations

import json
import runpy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

import pulumi
import pytest
import yaml
from pulumi.output import Unknown

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "__main__.py"
STACKS_DIR = ROOT / "stacks"
STACK_NAMES = ("dev", "staging", "prod")
PROJECT = "perimeter"
ACCOUNT_ID = "123456789012"
UNKNOWN = "<unknown>"


def stack_config(stack: str) -> dict[str, Any]:
    """The `config:` block of stacks/Pulumi.<stack>.yaml, as structured values."""
    return yaml.safe_load((STACKS_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]


def as_engine_config(config: Mapping[str, Any]) -> dict[str, str]:
    """What the CLI hands the program: strings, with structured values as JSON."""
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@dataclass
class Registered:
    type: str
    name: str
    inputs: dict[str, Any]
    urn: str = ""
    parent: str = ""
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)

    def json(self, prop: str) -> Any:
        """A JSON-string input (a policy) parsed; fails if it is still unknown."""
        text = self.inputs[prop]
        assert text != UNKNOWN, f"{self.type} {self.name}: {prop} is unknown"
        return json.loads(text)


@dataclass
class Built:
    stack: str
    config: dict[str, Any]
    resources: list[Registered]
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def region(self) -> str:
        return self.config["aws:region"]

    def setting(self, key: str) -> Any:
        """A perimeter:* value as the stack file states it, e.g. setting("retention")["auditDays"]."""
        return self.config[f"perimeter:{key}"]

    def of_type(self, resource_type: str) -> list[Registered]:
        return [r for r in self.resources if r.type == resource_type]

    def one(self, resource_type: str, name: Optional[str] = None) -> Registered:
        matches = [r for r in self.of_type(resource_type) if name is None or r.name == name]
        assert len(matches) == 1, f"expected one {resource_type} {name or ''}, found {[m.name for m in matches]}"
        return matches[0]

    def named(self, name: str) -> Registered:
        return self.one(next(r.type for r in self.resources if r.name == name), name)

    def counts(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for r in self.resources:
            counted[r.type] = counted.get(r.type, 0) + 1
        return dict(sorted(counted.items()))


def _synthesized_outputs(region: str, resource_type: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Realistic provider outputs for the values other resources and policies consume."""
    service = resource_type.split(":")[1].split("/")[0]
    outputs: dict[str, Any] = {"arn": f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{name}"}
    if resource_type == "aws:kms/key:Key":
        outputs.update(keyId=f"{name}-key-id", arn=f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{name}-key-id")
    elif resource_type == "aws:iam/role:Role":
        outputs["arn"] = f"arn:aws:iam::{ACCOUNT_ID}:role/{inputs['name']}"
    elif resource_type == "aws:cloudwatch/logGroup:LogGroup":
        outputs["arn"] = f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{inputs['name']}"
    elif resource_type == "aws:bedrock/guardrail:Guardrail":
        outputs.update(guardrailId="gr0123456789", version="DRAFT",
                       guardrailArn=f"arn:aws:bedrock:{region}:{ACCOUNT_ID}:guardrail/gr0123456789")
    elif resource_type == "aws:bedrock/guardrailVersion:GuardrailVersion":
        outputs["version"] = "3"
    elif resource_type == "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase":
        outputs["arn"] = f"arn:aws:bedrock:{region}:{ACCOUNT_ID}:knowledge-base/KB0123456789"
    elif resource_type == "aws:s3/vectorsIndex:VectorsIndex":
        outputs["indexArn"] = f"arn:aws:s3vectors:{region}:{ACCOUNT_ID}:bucket/{inputs['vectorBucketName']}/index/{inputs['indexName']}"
    return outputs


class RecordingMocks(pulumi.runtime.Mocks):
    """Records every registration after running the stack's resource transforms, as the engine would."""

    def __init__(self, region: str, known_outputs: bool, resources: list[Registered]) -> None:
        self.region = region
        self.known_outputs = known_outputs
        self.transforms: list[Callable] = []
        self.resources = resources
        self.invokes: list[str] = []

    def register_transform(self, transform) -> None:
        self.transforms.append(transform)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        props = dict(args.inputs)
        for transform in self.transforms:
            result = transform(pulumi.ResourceTransformArgs(
                custom=bool(args.custom), type_=args.typ, name=args.name, props=props, opts=pulumi.ResourceOptions()))
            if result is not None:
                props = dict(result.props)
        self.resources.append(Registered(args.typ, args.name, _plain(props)))
        state = dict(props)
        if not self.known_outputs:
            return "", state  # preview: ids and computed outputs are unknown
        state.update(_synthesized_outputs(self.region, args.typ, args.name, props))
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs):
        self.invokes.append(args.token)
        answers = {
            "aws:index/getCallerIdentity:getCallerIdentity": {
                "accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/deployer",
                "id": ACCOUNT_ID, "userId": "AIDEXAMPLE"},
            "aws:index/getPartition:getPartition": {
                "partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"},
            "aws:index/getRegion:getRegion": {
                "name": self.region, "region": self.region, "id": self.region,
                "description": self.region, "endpoint": f"ec2.{self.region}.amazonaws.com"},
            "aws:index/getAvailabilityZones:getAvailabilityZones": {
                "id": self.region, "names": [f"{self.region}{z}" for z in "abc"],
                "zoneIds": [f"euw1-az{i}" for i in (1, 2, 3)], "groupNames": [self.region]},
        }
        if args.token not in answers:
            raise AssertionError(f"unexpected invoke {args.token}")
        return answers[args.token], []


class WiringMonitor(pulumi.runtime.mocks.MockMonitor):
    """Keeps what the mock hides from `new_resource`: URN, parent and dependencies of each registration."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self.wiring: dict[tuple[str, str], dict[str, Any]] = {}

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        self.wiring[(request.type, request.name)] = {
            "urn": response.urn,
            "parent": request.parent,
            "dependencies": list(request.dependencies),
            "property_dependencies": {k: list(v.urns) for k, v in request.propertyDependencies.items()},
        }
        return response


def run_program(config: Mapping[str, Any], stack: str, *, known_outputs: bool = False,
                registered: Optional[list[Registered]] = None) -> Built:
    """Run `__main__.py` for `config` (structured values) as stack `stack`.

    `registered` receives each registration as it happens, so a caller can see
    what was registered even when the program fails.
    """
    region = config.get("aws:region", "eu-west-1")
    mocks = RecordingMocks(region, known_outputs, [] if registered is None else registered)
    monitor = WiringMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=True, monitor=monitor)
    pulumi.runtime.set_all_config(as_engine_config(config))
    exported: dict[str, Any] = {}
    original_export = pulumi.export

    @pulumi.runtime.test
    def program():
        pulumi.export = lambda name, value: exported.__setitem__(name, value)
        try:
            runpy.run_path(str(MAIN), run_name="__main__")
        finally:
            pulumi.export = original_export
        return pulumi.Output.all(**exported).apply(lambda values: exported.update(values))

    program()
    for resource in mocks.resources:
        for key, value in monitor.wiring[(resource.type, resource.name)].items():
            setattr(resource, key, value)
    return Built(stack, dict(config), mocks.resources, {k: _plain(v) for k, v in exported.items()})


def pytest_configure(config):
    # pulumi_aws warns about its own deprecated classes when their modules load; not our resources.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:pulumi_aws")


_BUILDS: dict[tuple[str, bool], Built] = {}


@pytest.fixture(scope="session")
def build_stack() -> Callable[..., Built]:
    """build_stack("prod", known_outputs=False) -> Built, cached per (stack, mode)."""

    def build(stack: str, *, known_outputs: bool = False) -> Built:
        key = (stack, known_outputs)
        if key not in _BUILDS:
            _BUILDS[key] = run_program(stack_config(stack), stack, known_outputs=known_outputs)
        return _BUILDS[key]

    return build


@pytest.fixture(params=STACK_NAMES)
def preview(request, build_stack) -> Built:
    """Each stack as a first `pulumi preview` sees it."""
    return build_stack(request.param)


@pytest.fixture(params=STACK_NAMES)
def deployed(request, build_stack) -> Built:
    """Each stack with provider outputs known, so embedded ARNs and policies can be read."""
    return build_stack(request.param, known_outputs=True)


def by_sid(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A policy document's statements keyed by Sid (every Perimeter statement has one)."""
    statements = document["Statement"]
    assert all("Sid" in s for s in statements)
    return {s["Sid"]: s for s in statements}


def actions_of(document: Mapping[str, Any]) -> set[str]:
    return {action for s in document["Statement"] if s["Effect"] == "Allow" for action in s["Action"]}
