"""A Pulumi project on disk: Pulumi.yaml (main:, stackConfigDir:) and Pulumi.<stack>.yaml."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..inputs import load_document

# Stand-in for a `secure:` value: the program sees a string, never the ciphertext,
# and the engine would mark it secret. We cannot decrypt without the backend.
SECRET_PLACEHOLDER = "[secret]"


@dataclass(frozen=True)
class Project:
    name: str
    directory: str
    main: str            # absolute path to the program's entry file
    stack: str
    stack_file: str
    config: dict[str, str]          # "namespace:key" -> string (objects JSON-encoded), as the engine passes it
    secret_keys: tuple[str, ...]

    @property
    def aws_config(self) -> dict[str, Any]:
        """The default AWS provider's inputs, from `aws:*` config, as the engine builds them."""
        inputs: dict[str, Any] = {}
        for key, value in self.config.items():
            namespace, _, name = key.partition(":")
            if namespace == "aws":
                try:
                    inputs[name] = json.loads(value) if value[:1] in "[{" else value
                except json.JSONDecodeError:
                    inputs[name] = value
        return inputs


# Pulumi's own files: only the keys we read are constrained; Pulumi allows others (backend, plugins, ...).
_NAME = {"type": "string", "minLength": 1}
PROJECT_SCHEMA = {
    "type": "object",
    "required": ["name", "runtime"],
    "properties": {
        "name": _NAME,
        "runtime": {"oneOf": [_NAME, {"type": "object", "required": ["name"],
                                      "properties": {"name": _NAME, "options": {"type": "object"}}}]},
        "main": _NAME,
        "stackConfigDir": _NAME,
    },
}
STACK_SCHEMA = {
    "type": "object",
    "properties": {
        "config": {"type": ["object", "null"],
                   "propertyNames": {"type": "string", "pattern": "^[^:\\s]+(:[^:\\s]+)?$"}},
    },
}


def _read_yaml(path: str, what: str, schema: dict, fix: str) -> Any:
    if not os.path.isfile(path):
        raise UsageError(f"{what} not found: {path}")
    return load_document(path, what=what, schema=schema, fmt="yaml", fix=fix)


def _config_string(key: str, value: Any) -> tuple[str, bool]:
    """Engine semantics: scalars become strings, objects/lists become JSON, `secure:` becomes secret."""
    if isinstance(value, dict) and set(value) == {"secure"}:
        return SECRET_PLACEHOLDER, True
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str), False  # YAML dates and times as Pulumi reads them: text
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    if value is None:
        raise UsageError(f"stack config key '{key}' has no value: set it or remove it")
    return str(value), False


def engine_config(project_name: str, raw: dict[str, Any]) -> tuple[dict[str, str], tuple[str, ...]]:
    """A stack file's `config:` mapping as the engine hands it to the program: (namespaced strings, secret keys)."""
    config, secrets = {}, []
    for key, value in raw.items():
        full_key = key if ":" in key else f"{project_name}:{key}"
        config[full_key], secret = _config_string(full_key, value)
        if secret:
            secrets.append(full_key)
    return config, tuple(secrets)


def load_project(directory: str, stack: str) -> Project:
    directory = os.path.abspath(directory)
    if not os.path.isdir(directory):
        raise UsageError(f"--cwd {directory} is not a directory")
    manifest = _read_yaml(os.path.join(directory, "Pulumi.yaml"), "Pulumi.yaml", PROJECT_SCHEMA,
                          "see https://www.pulumi.com/docs/iac/concepts/projects/project-file/")
    name = manifest["name"]
    runtime = manifest["runtime"]
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise UsageError(f"{directory}/Pulumi.yaml has runtime {runtime_name!r}; perimeter preview runs Python programs only")
    main = os.path.join(directory, manifest.get("main") or "")
    if os.path.isdir(main):
        main = os.path.join(main, "__main__.py")
    if not os.path.isfile(main):
        raise UsageError(f"program entry {main} not found: check `main:` in Pulumi.yaml")
    config_dir = os.path.join(directory, manifest.get("stackConfigDir") or "")
    stack_file = os.path.join(config_dir, f"Pulumi.{stack}.yaml")
    if not os.path.isfile(stack_file):
        available = sorted(f[len("Pulumi."):-len(".yaml")] for f in os.listdir(config_dir)
                           if f.startswith("Pulumi.") and f.endswith(".yaml") and f != "Pulumi.yaml") if os.path.isdir(config_dir) else []
        raise UsageError(f"stack file {stack_file} not found; stacks here: {', '.join(available) or 'none'}")
    stack_doc = _read_yaml(stack_file, "stack file", STACK_SCHEMA,
                           "`config` is a mapping of `namespace:key: value` (see `pulumi config set`)")
    raw = (stack_doc or {}).get("config") or {}
    config, secret_keys = engine_config(name, raw)
    return Project(name, directory, main, stack, stack_file, config, secret_keys)
