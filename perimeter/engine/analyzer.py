"""A policy pack in its own process, spoken to over the engine's Analyzer gRPC protocol.

Launched exactly as the engine's shim launches a Python pack:
`python -u -m pulumi.policy <engine-address> <pack-dir>`. The pack prints its
port on stdout; every call after that has a deadline, and the process is
always stopped, on success, error or Ctrl-C.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any, Mapping, Optional

import grpc
import jsonschema
from google.protobuf import empty_pb2, json_format
from perimeter_policies import wire
from perimeter_policies.inventory import pack_version as manifest_version
from perimeter_policies.rule import NOT_WAIVABLE_TAG
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from ..errors import HarnessError, UsageError
from ..inputs import load_document

LEVELS = {"advisory": analyzer_pb2.ADVISORY, "mandatory": analyzer_pb2.MANDATORY,
          "remediate": analyzer_pb2.REMEDIATE, "disabled": analyzer_pb2.DISABLED}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}
SEVERITY_NAMES = {analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "", analyzer_pb2.POLICY_SEVERITY_LOW: "low",
                  analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium", analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
                  analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical"}
# No engine here; the address is only used by the pack for log forwarding.
ENGINE_ADDRESS = "127.0.0.1:0"


class PolicyPackProcess:
    def __init__(self, pack_dir: str, *, project: str, stack: str, boot_timeout: float = 30.0,
                 call_timeout: float = 60.0) -> None:
        self.pack_dir = os.path.abspath(pack_dir)
        self.project, self.stack = project, stack
        self.boot_timeout, self.call_timeout = boot_timeout, call_timeout
        self.process: Optional[subprocess.Popen] = None
        self.channel: Optional[grpc.Channel] = None
        self.stub: Optional[analyzer_pb2_grpc.AnalyzerStub] = None
        self._stderr: list[str] = []

    # --- lifecycle ---
    def __enter__(self) -> "PolicyPackProcess":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        if not os.path.isfile(os.path.join(self.pack_dir, "PulumiPolicy.yaml")):
            raise UsageError(f"--policy-pack {self.pack_dir} has no PulumiPolicy.yaml: point it at a policy pack directory")
        env = {**os.environ, "PULUMI_PROJECT": self.project, "PULUMI_STACK": self.stack, "PULUMI_DRY_RUN": "true"}
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, self.pack_dir],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        port = self._read_port()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        try:
            grpc.channel_ready_future(self.channel).result(timeout=self.boot_timeout)
        except grpc.FutureTimeoutError:
            raise HarnessError(f"policy pack {self.pack_dir} printed port {port} but did not answer") from None
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    def _drain_stderr(self) -> None:
        assert self.process and self.process.stderr
        for line in self.process.stderr:
            self._stderr.append(line)

    def _read_port(self) -> int:
        assert self.process and self.process.stdout
        result: dict[str, str] = {}
        reader = threading.Thread(target=lambda: result.setdefault("line", self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.boot_timeout)
        line = result.get("line", "").strip()
        if not line.isdigit():
            self.stop()
            detail = "".join(self._stderr).strip().splitlines()
            why = detail[-1] if detail else ("timed out" if reader.is_alive() else "it exited without printing a port")
            raise HarnessError(f"policy pack {self.pack_dir} failed to boot: {why}")
        return int(line)

    def stop(self) -> None:
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    # --- protocol ---
    def _call(self, method: str, request: Any) -> Any:
        assert self.stub is not None, "pack not started"
        try:
            return getattr(self.stub, method)(request, timeout=self.call_timeout)
        except grpc.RpcError as error:
            raise HarnessError(f"policy pack call {method} failed: {error.code().name}: {error.details()}") from None

    def info(self) -> analyzer_pb2.AnalyzerInfo:
        return self._call("GetAnalyzerInfo", empty_pb2.Empty())

    def version(self, info: analyzer_pb2.AnalyzerInfo) -> str:
        return pack_version(self.pack_dir, info.version)

    def configure(self, info: analyzer_pb2.AnalyzerInfo, policy_config: Mapping[str, Any]) -> dict[str, str]:
        """Validate `policy_config` as the engine does, send it, and return each policy's effective level."""
        properties, levels = resolve_policy_config(info, policy_config)
        self._call("Configure", wire.configure_request(properties, {n: LEVELS[l] for n, l in levels.items()}))
        return levels

    def configure_stack(self, *, dry_run: bool, config: Mapping[str, str]) -> None:
        self._call("ConfigureStack", analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=self.stack, project=self.project, organization="organization", dry_run=dry_run, config=dict(config)))

    def analyze(self, resource: Mapping[str, Any]) -> analyzer_pb2.AnalyzeResponse:
        return self._call("Analyze", wire.analyze_request(resource))

    def analyze_stack(self, resources) -> analyzer_pb2.AnalyzeResponse:
        return self._call("AnalyzeStack", wire.analyze_stack_request(resources))


def pack_version(pack_dir: str, reported: str = "") -> str:
    """Like the engine: PulumiPolicy.yaml's version wins (Python packs always report 0.0.1)."""
    try:
        return manifest_version(pack_dir)
    except ValueError:  # any pack may be previewed, and one without a version reports its own
        return reported


def _schema(policy: analyzer_pb2.PolicyInfo) -> dict[str, Any]:
    return {"type": "object", "properties": json_format.MessageToDict(policy.configSchema.properties),
            "required": list(policy.configSchema.required), "additionalProperties": False}


POLICY_CONFIG_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": ["string", "object"]},
}


def load_policy_config(path: Optional[str]) -> dict[str, Any]:
    if not path:
        return {}
    return load_document(path, what="--policy-config", schema=POLICY_CONFIG_SCHEMA,
                         fix="a JSON object keyed by policy name, values an enforcement level or an object")


def resolve_policy_config(info: analyzer_pb2.AnalyzerInfo, document: Mapping[str, Any]) -> tuple[dict, dict]:
    """Validate `--policy-config` as the engine does; return (properties, level) per policy."""
    policies = {p.name: p for p in info.policies}
    levels = {name: LEVEL_NAMES[p.enforcementLevel] for name, p in policies.items()}
    properties: dict[str, dict[str, Any]] = {}

    def level_of(key: str, value: Any) -> Optional[str]:
        level = value if isinstance(value, str) else value.get("enforcementLevel") if isinstance(value, dict) else None
        if isinstance(value, str) or level is not None:
            if level not in LEVELS:
                raise UsageError(f"policy config '{key}': enforcement level {level!r} is not one of {', '.join(LEVELS)}")
        elif not isinstance(value, dict):
            raise UsageError(f"policy config '{key}': expected an enforcement level or an object")
        return level

    if "all" in document:
        all_level = level_of("all", document["all"])
        if all_level:
            levels = {name: all_level for name in levels}
    for key, value in document.items():
        if key == "all":
            continue
        if key not in policies:
            close = sorted(policies, key=lambda n: -_similarity(n, key))[:1]
            raise UsageError(f"policy config names unknown policy '{key}'" + (f"; did you mean '{close[0]}'?" if close else ""))
        level = level_of(key, value)
        if level:
            levels[key] = level
        props = {k: v for k, v in value.items() if k != "enforcementLevel"} if isinstance(value, dict) else {}
        validator = jsonschema.Draft7Validator(_schema(policies[key]))
        error = next(iter(sorted(validator.iter_errors(props), key=lambda e: list(e.path))), None)
        if error is not None:
            where = ".".join(str(p) for p in error.path) or (error.message.split("'")[1] if "'" in error.message else "")
            raise UsageError(f"policy config '{key}': property '{where}' is invalid: {error.message}")
        properties[key] = props
    _refuse_weakened_critical_policies(policies, levels, document)
    return properties, levels


# Levels that stop a policy from blocking a deployment.
BELOW_MANDATORY = ("advisory", "disabled")


def _refuse_weakened_critical_policies(policies: Mapping[str, analyzer_pb2.PolicyInfo], levels: Mapping[str, str],
                                       document: Mapping[str, Any]) -> None:
    """A policy the pack marks not waivable (critical) may not be set below mandatory, directly or through "all"."""
    for name in sorted(policies):
        if NOT_WAIVABLE_TAG in policies[name].tags and levels[name] in BELOW_MANDATORY:
            how = "" if name in document and _level_set(document[name]) else ' through "all"'
            raise UsageError(f"policy config sets critical policy '{name}' to {levels[name]}{how}; critical policies "
                             f"cannot be weakened: set it to mandatory (or leave it out)")


def _level_set(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, dict) and "enforcementLevel" in value)


def _similarity(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b).ratio()
