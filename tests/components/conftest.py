"""Run the real Pulumi program (`__main__.py`) through the harness's engine emulation and record what it registers.

Two ways to build a stack, the harness's two phases:
- preview (the default): outputs the mock does not echo from inputs are
  unknown, exactly what the engine and the policy pack see on a first
  `pulumi preview`;
- `known_outputs=True`: the update phase, where the emulated provider returns
  the ARNs, ids and versions of created resources (`created` tells a test
  which), so policies that embed them can be parsed and asserted.

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
import pulumi_policy.proxy
import pytest
import yaml
from pulumi.runtime import rpc

from perimeter.harness import cloud
from perimeter.harness.monitor import AWS_PROVIDER_TYPE, STACK_TYPE, AwsMocks, CapturingMonitor
from perimeter.harness.program import stack_outputs
from perimeter.harness.project import Project, engine_config

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "__main__.py"
STACKS_DIR = ROOT / "stacks"
STACK_NAMES = ("dev", "staging", "prod")
PROJECT = "perimeter"
ACCOUNT_ID = cloud.ACCOUNT_ID  # the account the emulated AWS answers as
UNKNOWN = "<unknown>"
# The wire forms of "unknown until the update": the SDK's and the policy SDK's typed sentinels.
_UNKNOWN_SENTINELS = frozenset({rpc.UNKNOWN} | {value for name, value in vars(pulumi_policy.proxy).items()
                                                 if name.startswith("UNKNOWN_")})


def stack_config(stack: str) -> dict[str, Any]:
    """The `config:` block of stacks/Pulumi.<stack>.yaml, as structured values."""
    return yaml.safe_load((STACKS_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]


def _plain(value: Any) -> Any:
    """Wire values with every typed unknown sentinel as the one `UNKNOWN` marker tests compare with."""
    if isinstance(value, str) and value in _UNKNOWN_SENTINELS:
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


def created(built: Built, resource_type: str, name: Optional[str] = None) -> dict[str, Any]:
    """The state the emulated provider gives that resource on `pulumi up`: its ARN, id, version and the like.

    The program's other resources were built from exactly these values, so a
    test can say "names the audit key's ARN" instead of spelling the ARN out.
    """
    resource = built.one(resource_type, name)
    return cloud.created_outputs(resource_type, resource.name, resource.inputs, built.region)[1]


def _added_by_the_engine(record: Mapping[str, Any]) -> bool:
    """The root stack and the default AWS provider: the engine registers these, not the program.

    Matched by name, not by identity with `monitor.default_provider`: concurrent
    registrations can make the monitor emulate the default provider more than once.
    """
    return record["type"] == STACK_TYPE or (record["type"] == AWS_PROVIDER_TYPE and record["name"].startswith("default_"))


def _program_resources(monitor: CapturingMonitor) -> list[Registered]:
    return [Registered(record["type"], record["name"], _plain(record["inputs"]), record["urn"], record["parent"] or "",
                       record["dependencies"], record["propertyDependencies"])
            for record in monitor.captured if not _added_by_the_engine(record)]


def run_program(config: Mapping[str, Any], stack: str, *, known_outputs: bool = False,
                registered: Optional[list[Registered]] = None) -> Built:
    """Run `__main__.py` for `config` (structured values) as stack `stack`, as the harness runs a phase.

    `registered` receives the registrations even when the program fails, so a
    caller can see what was registered before the failure.
    """
    engine_strings, secret_keys = engine_config(PROJECT, dict(config))
    project = Project(PROJECT, str(ROOT), str(MAIN), stack, str(STACKS_DIR / f"Pulumi.{stack}.yaml"),
                      engine_strings, secret_keys)
    preview = not known_outputs
    mocks = AwsMocks(preview=preview, region=project.aws_config.get("region", ""))
    monitor = CapturingMonitor(mocks, project.aws_config)
    pulumi.runtime.set_all_config(project.config, list(project.secret_keys))
    pulumi.runtime.set_mocks(mocks, project=project.name, stack=stack, preview=preview, monitor=monitor)

    @pulumi.runtime.test
    def program():
        runpy.run_path(project.main, run_name="__main__")

    resources = [] if registered is None else registered
    try:
        program()
    finally:
        resources.extend(_program_resources(monitor))
    return Built(stack, dict(config), resources, _plain(stack_outputs()))


def pytest_configure(config):
    # pulumi_aws warns about its own deprecated classes when their modules load; not our resources.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:pulumi_aws")


def pytest_collection_modifyitems(items):
    # build_stack caches per process: on one xdist worker (`--dist loadgroup`) each stack is built once, not twice.
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("reference-stack-builds"))


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
