"""Build a stack of captured resources from {name: (type, inputs, {prop: [names it was built from]})}."""

from __future__ import annotations

from tests.policies._mutate import mutated
from tests.policy_harness import resource, urn


def build(spec: dict, changes=None, drop=(), region="eu-west-1") -> list:
    """The stack `spec` with `changes` {name: [(path, value), ...]} applied and `drop` removed."""
    types = {name: entry[0] for name, entry in spec.items()}
    records = []
    for name, (type_, inputs, deps) in spec.items():
        if name in drop:
            continue
        for path, value in (changes or {}).get(name, ()):
            inputs = mutated(inputs, path, value)
        dependencies = {prop: [urn(types[n], n) for n in names if n not in drop] for prop, names in deps.items()}
        records.append(resource(type_, name, inputs, property_dependencies=dependencies, region=region))
    return records


def at(spec: dict, name: str) -> str:
    return urn(spec[name][0], name)
