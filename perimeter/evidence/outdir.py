"""Where an evidence pack is written: an empty directory, or one that holds a previous pack, replaced whole.

A pack is recognised by its manifest.json (written last, so a half-written
pack never looks complete). The new pack is written beside the old one and
swapped in with renames, so the directory never mixes files of two runs and an
interrupted write leaves the previous pack as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile

from ..errors import UsageError

MANIFEST = "manifest.json"


def is_pack(directory: str) -> bool:
    try:
        with open(os.path.join(directory, MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and isinstance(manifest.get("files"), dict) and "policyPack" in manifest


def check_out_dir(directory: str) -> None:
    """UsageError unless `directory` is absent, empty, or a previous evidence pack."""
    if os.path.lexists(directory) and not os.path.isdir(directory):
        raise UsageError(f"--out {directory} is a file: pass a directory for the evidence pack")
    if os.path.isdir(directory) and os.listdir(directory) and not is_pack(directory):
        raise UsageError(f"--out {directory} is not empty and holds no evidence pack ({MANIFEST}): "
                         "pass an empty directory or a previous pack's directory")


def publish(directory: str, files: dict[str, str]) -> None:
    """Write `files` (name -> text; manifest.json last) as the whole content of `directory`."""
    check_out_dir(directory)
    directory = os.path.abspath(directory)
    parent = os.path.dirname(directory)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(directory)}.new-", dir=parent)
    try:
        for name in sorted(files, key=lambda n: n == MANIFEST):
            path = os.path.join(staging, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(files[name])
        os.chmod(staging, 0o755)
        previous = None
        if os.path.isdir(directory):
            previous = tempfile.mkdtemp(prefix=f".{os.path.basename(directory)}.old-", dir=parent)
            os.rmdir(previous)
            os.rename(directory, previous)
        os.rename(staging, directory)
        if previous:
            shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
