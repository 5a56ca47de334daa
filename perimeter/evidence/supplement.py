"""What an optional part of the evidence pack contributes: its own files and its rows in the control matrix."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Supplement:
    files: dict[str, str] = field(default_factory=dict)
    matrix: str = ""  # markdown appended to control-matrix.md (a section of its own)
    model_card: str = ""  # markdown appended to model-card.md (sections of its own)
