"""The provider SDK classes a program names, read from its source, so its phases can share their import.

Most of a phase's time is importing the provider SDKs' generated classes
(pulumi-aws's service modules build thousands of typed classes). The harness
imports them once, before it forks a process per phase, instead of once per
phase. Only Pulumi provider SDKs (top-level packages named `pulumi_*`) are
imported early: they are generated code whose import only defines classes. The
program's own modules and every other library are imported by the program in
each phase, as the engine's language host runs it, so what a program does at
import still happens once per phase.

This is a speed-up and nothing else: a name the scan misses is imported by the
program itself, and one it guesses wrongly is skipped.
"""

from __future__ import annotations

import ast
import importlib
import os
import sys
from typing import Iterator, Optional

PROVIDER_PREFIX = "pulumi_"


def _parse(path: str) -> Optional[ast.Module]:
    try:
        with open(path, encoding="utf-8") as handle:
            return ast.parse(handle.read(), path)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None  # the phase itself reports a program it cannot read or parse


def _local_file(directory: str, dotted: str) -> Optional[str]:
    """The program's own file for a module name, if it is one (a module or a package's __init__)."""
    base = os.path.join(directory, *dotted.split("."))
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


def _is_local(directory: str, dotted: str) -> bool:
    top = dotted.split(".")[0]
    return os.path.exists(os.path.join(directory, top + ".py")) or os.path.isdir(os.path.join(directory, top))


def _attribute_chain(node: ast.Attribute) -> Optional[list[str]]:
    """`aws.s3.Bucket` as ["aws", "s3", "Bucket"]; None when the chain does not start at a plain name."""
    parts = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    return [current.id, *reversed(parts)]


def _imports(tree: ast.Module, path: str, directory: str) -> Iterator[tuple[str, str]]:
    """(bound name, full dotted name) for every import in a file; relative imports resolved against the directory."""
    package = os.path.relpath(os.path.dirname(path), directory).replace(os.sep, ".").strip(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                yield bound, alias.name if alias.asname else bound
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                anchor = package.split(".") if package else []
                anchor = anchor[:len(anchor) - (node.level - 1)] if node.level > 1 else anchor
                module = ".".join([*anchor, *filter(None, [module])])
            for alias in node.names:
                if alias.name != "*":
                    yield alias.asname or alias.name, f"{module}.{alias.name}" if module else alias.name


def provider_references(main: str) -> set[str]:
    """Dotted provider SDK names the program and its own modules use, e.g. {"pulumi_aws.s3.Bucket"}."""
    directory = os.path.dirname(os.path.abspath(main))
    pending, read, found = [os.path.abspath(main)], set(), set()
    while pending:
        path = pending.pop()
        if path in read:
            continue
        read.add(path)
        tree = _parse(path)
        if tree is None:
            continue
        bound_to = {}
        for bound, dotted in _imports(tree, path, directory):
            if _is_local(directory, dotted):
                # `from components import audit` names a module or a name in the package: follow either file.
                pending.extend(f for f in (_local_file(directory, dotted),
                                           _local_file(directory, dotted.rpartition(".")[0])) if f)
            elif dotted.startswith(PROVIDER_PREFIX):
                bound_to[bound] = dotted
                found.add(dotted)
        for node in ast.walk(tree):
            chain = _attribute_chain(node) if isinstance(node, ast.Attribute) else None
            if chain and chain[0] in bound_to:
                found.add(".".join([bound_to[chain[0]], *chain[1:3]]))
    # `aws.s3.Bucket` is walked as `aws.s3` too: the longest name loads the same modules.
    return {name for name in found if not any(other.startswith(name + ".") for other in found)}


def import_providers(references: set[str]) -> None:
    """Import each referenced provider name as the program would reach it: by attribute, from its top package.

    pulumi-aws loads its service modules lazily on first attribute access, so
    walking the attributes loads exactly what the program's own use would.
    """
    for dotted in sorted(references):
        top, *attributes = dotted.split(".")
        try:
            value = sys.modules.get(top) or importlib.import_module(top)
            for attribute in attributes:
                value = getattr(value, attribute)
        except Exception:  # a wrong guess costs nothing: the program imports what it really uses
            continue
