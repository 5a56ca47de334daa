"""What the installed pulumi-aws declares: each resource type's inputs, by wire name, nested types included.

Read from the SDK itself, never from memory: the type tokens come from the
package's own resource-module registry (`pulumi_aws/__init__.py`), and each
resource's `<Name>Args` class is read with pulumi's `input_type_types`, which
gives wire (camelCase) names and the nested input classes. Shared by the fuzz
test (garbage in the right places) and the CMK completeness test.
"""

from __future__ import annotations

import collections.abc
import functools
import importlib
import json
import re
import typing
from typing import Any, Iterator, Optional

import pulumi
import pulumi._types as pulumi_types
import pulumi_aws

# A nested shape: wire name -> (is a list, nested shape or None for a scalar/map).
Shape = dict[str, tuple[bool, Optional[dict]]]
_REGISTRY = re.compile(r'resource_modules="""(.*?)"""', re.S)
MAX_DEPTH = 6


@functools.lru_cache(maxsize=None)
def resource_tokens() -> dict[str, tuple[str, str]]:
    """Type token -> (python module, class name), from pulumi-aws's own registry."""
    source = open(pulumi_aws.__file__, encoding="utf-8").read()
    tokens = {}
    for entry in json.loads(_REGISTRY.search(source).group(1)):
        for token, class_name in entry["classes"].items():
            tokens[token] = (entry["fqn"], class_name)
    return tokens


def args_class(token: str) -> Optional[type]:
    module_name, class_name = resource_tokens()[token]
    return getattr(importlib.import_module(module_name), f"{class_name}Args", None)


def _unwrap(annotation: Any) -> tuple[bool, Any]:
    """(is a list, the element type) of an input annotation, through Input/Optional/Union wrappers."""
    is_list = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Union:
            members = [a for a in typing.get_args(annotation)
                       if a is not type(None) and typing.get_origin(a) is not collections.abc.Awaitable
                       and not (isinstance(a, type) and issubclass(a, pulumi.Output))
                       and typing.get_origin(a) is not pulumi.Output]
            if not members:
                return is_list, None
            annotation = members[0]
        elif origin in (collections.abc.Sequence, list):
            is_list = True
            annotation = typing.get_args(annotation)[0]
        else:
            return is_list, annotation


def input_shape(cls: type, depth: int = 0) -> Shape:
    shape: Shape = {}
    for wire_name, annotation in pulumi_types.input_type_types(cls).items():
        is_list, element = _unwrap(annotation)
        nested = None
        if isinstance(element, type) and pulumi_types.is_input_type(element) and depth < MAX_DEPTH:
            nested = input_shape(element, depth + 1)
        shape[wire_name] = (is_list, nested)
    return shape


@functools.lru_cache(maxsize=None)
def resource_shape(token: str) -> Shape:
    cls = args_class(token)
    return input_shape(cls) if cls is not None else {}


def paths(shape: Shape, prefix: tuple = ()) -> Iterator[tuple[str, ...]]:
    """Every input path in `shape` (list steps are implicit: `encryptionConfigurations.kmsKey`)."""
    for name, (_, nested) in shape.items():
        yield prefix + (name,)
        if nested:
            yield from paths(nested, prefix + (name,))
