"""Drive the real Pulumi CLI built into .tools/ (tools/pulumi-engine/build.sh), offline.

A `Workspace` is one throwaway PULUMI_HOME with a local file backend, a
passphrase secrets provider, no update checks and no plugin downloads, and the
stand-in AWS provider installed the documented way: `pulumi plugin install
resource aws <version> --file <dir>` puts it in PULUMI_HOME's plugin cache, where
the engine looks for the version the program's pulumi-aws asks for. (A plugin on
PATH would work too, but the engine then warns "using pulumi-resource-aws from
$PATH" in every run's output.) The language host and its exec shim sit beside
`pulumi`, where the engine looks for bundled plugins.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import version
from typing import Optional

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENGINE_BIN = os.path.join(ROOT, ".tools", "pulumi", "bin")
PULUMI = os.path.join(ENGINE_BIN, "pulumi")
ENGINE_FILES = ("pulumi", "pulumi-language-python", "pulumi-language-python-exec")
PASSPHRASE = "conformance"
# What a checkout holds that is not the program: the state and the tooling.
NOT_PROGRAM = {".git", ".tools", "stacks"}


def engine_missing() -> Optional[str]:
    """Why the engine cannot run here, or None."""
    missing = [name for name in ENGINE_FILES if not os.access(os.path.join(ENGINE_BIN, name), os.X_OK)]
    if missing:
        return (f"the Pulumi engine is not built ({', '.join(missing)} missing in {ENGINE_BIN}): run `make engine` "
                "(the module proxy serves no Python language host: docs/CONFORMANCE.md)")
    return None


@dataclass(frozen=True)
class EngineRun:
    returncode: int
    stdout: str
    stderr: str
    events: list[dict]


class Workspace:
    def __init__(self, directory: str) -> None:
        self.directory = directory
        home, state = os.path.join(directory, "pulumi-home"), os.path.join(directory, "state")
        os.makedirs(home)
        os.makedirs(state)
        venv_bin = os.path.dirname(sys.executable)
        self.env = {
            "PATH": os.pathsep.join([ENGINE_BIN, venv_bin, "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": directory,
            "PULUMI_HOME": home,
            "PULUMI_BACKEND_URL": f"file://{state}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_SKIP_CONFIRMATIONS": "true",
            "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true",
            "PULUMI_COPILOT": "false",
            "NO_COLOR": "1",
            # `--event-log` (the engine events as JSON lines, what the Automation API reads) is behind this switch.
            "PULUMI_DEBUG_COMMANDS": "true",
        }
        # Both sides run this copy of the pack: rules others add to policies/ mid-run cannot split them.
        self.pack = shutil.copytree(os.path.join(ROOT, "policies"), os.path.join(directory, "policies"),
                                    ignore=shutil.ignore_patterns("__pycache__"))
        self._install_standin_provider()

    def policy_config(self, stack: str) -> str:
        return os.path.join(self.pack, "config", f"{stack}.json")

    def _install_standin_provider(self) -> None:
        plugin_dir = os.path.join(self.directory, "standin-aws")
        os.makedirs(plugin_dir)
        executable = os.path.join(plugin_dir, "pulumi-resource-aws")
        with open(executable, "w") as handle:
            handle.write(f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {ROOT!r})\n"
                         "from tests.conformance.standin_provider import main\nmain()\n")
        os.chmod(executable, os.stat(executable).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        self.pulumi("plugin", "install", "resource", "aws", version("pulumi_aws"), "--file", plugin_dir, check=True)

    def pulumi(self, *args: str, cwd: Optional[str] = None, check: bool = False,
               timeout: float = 900) -> subprocess.CompletedProcess:
        result = subprocess.run([PULUMI, *args], cwd=cwd or self.directory, env=self.env, capture_output=True,
                                text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            raise AssertionError(f"pulumi {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def reference_project(self, stack: str) -> str:
        """The repo's own program, with a private copy of stacks/ (stack init writes its salt there)."""
        project = os.path.join(self.directory, "project")
        os.makedirs(project)
        for entry in os.listdir(ROOT):
            if entry not in NOT_PROGRAM:
                os.symlink(os.path.join(ROOT, entry), os.path.join(project, entry))
        shutil.copytree(os.path.join(ROOT, "stacks"), os.path.join(project, "stacks"))
        self.stack_init(project, stack)
        return project

    def stack_init(self, project: str, stack: str) -> None:
        self.pulumi("stack", "init", stack, "--secrets-provider", "passphrase", cwd=project, check=True)

    def _run(self, command: str, project: str, stack: str, policy_pack: str, policy_config: Optional[str],
             extra: tuple[str, ...]) -> EngineRun:
        log = os.path.join(self.directory, f"{command}-{stack}-events.jsonl")
        if os.path.exists(log):
            os.remove(log)
        args = [command, "--stack", stack, "--policy-pack", policy_pack, "--non-interactive",
                "--color", "never", "--event-log", log, *extra]
        if policy_config:
            args += ["--policy-pack-config", policy_config]
        result = self.pulumi(*args, cwd=project)
        events = []
        if os.path.exists(log):
            with open(log) as handle:
                events = [json.loads(line) for line in handle if line.strip()]
        return EngineRun(result.returncode, result.stdout, result.stderr, events)

    def preview(self, project: str, stack: str, policy_config: Optional[str] = None) -> EngineRun:
        return self._run("preview", project, stack, self.pack, policy_config, ())

    def up(self, project: str, stack: str, policy_config: Optional[str] = None) -> EngineRun:
        """`pulumi up` without its own preview: only the update phase's analysis is in the events."""
        return self._run("up", project, stack, self.pack, policy_config, ("--yes", "--skip-preview"))
