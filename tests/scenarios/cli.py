"""Drive the real `perimeter` console script, as a user or CI does."""

import json
import os
import shutil
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PERIMETER = os.path.join(os.path.dirname(sys.executable), "perimeter")
PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")


def run_cli(*args, timeout=120):
    return subprocess.run([PERIMETER, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def preview_json(*args):
    result = run_cli("preview", "--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def make_project(directory, program_file, config=None, stack="test"):
    """A project that uses `main:` and `stackConfigDir:`, so the CLI must honour both."""
    app = os.path.join(directory, "app")
    os.makedirs(app)
    shutil.copy(os.path.join(PROGRAMS, program_file), os.path.join(app, "__main__.py"))
    for shared in os.listdir(PROGRAMS):
        if shared.startswith("_") and shared.endswith(".py"):
            shutil.copy(os.path.join(PROGRAMS, shared), app)
    with open(os.path.join(directory, "Pulumi.yaml"), "w") as handle:
        yaml.safe_dump({"name": "scenario", "runtime": "python", "main": "app", "stackConfigDir": "config"}, handle)
    os.makedirs(os.path.join(directory, "config"))
    with open(os.path.join(directory, "config", f"Pulumi.{stack}.yaml"), "w") as handle:
        yaml.safe_dump({"config": config if config is not None else {"aws:region": "eu-west-1"}}, handle)
    return directory
