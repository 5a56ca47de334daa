"""The assistant's prompts: files under `prompts/`, reviewed like code, identified by one digest.

The digest covers every prompt file's name and bytes, so changing a word, adding
a template or renaming one changes it. The stack records it in the model
inventory and the launch gate compares it with the evaluation record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

PROMPTS_DIR = Path(__file__).with_name("prompts")
SYSTEM = "system"
# Every template the handler renders; a missing file fails at load, never mid-request.
TEMPLATES = ("answer", "handoff")


@dataclass(frozen=True)
class PromptSet:
    system: str
    templates: Mapping[str, str]
    digest: str


def prompts_digest(directory: Path = PROMPTS_DIR) -> str:
    """sha256 over (name, bytes) of every prompt file, in name order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.iterdir() if p.is_file() and p.suffix == ".md"):
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def load_prompts(directory: Path = PROMPTS_DIR) -> PromptSet:
    def read(name: str) -> str:
        return (directory / f"{name}.md").read_text(encoding="utf-8").strip()

    return PromptSet(
        system=read(SYSTEM),
        templates={name: read(name) for name in TEMPLATES},
        digest=prompts_digest(directory),
    )
