"""docs/coverage.md: the Config PCI rule mapping names real policies and checks, and its figure is the table's."""

import os
import re

from perimeter_policies.pack import load_rules

from perimeter.verify.checks import all_checks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KINDS = ("rule", "partial", "verify", "account", "gap")
ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| (v4\.0\+v3\.2\.1|v4\.0|v3\.2\.1) \| (\w+) \| (?:`([a-z0-9-]+)`|—) \| (.*) \|$")


def rows():
    with open(os.path.join(ROOT, "docs", "coverage.md"), encoding="utf-8") as handle:
        text = handle.read()
    return text, [ROW.match(line).groups() for line in text.splitlines() if line.startswith("| `") and ROW.match(line)]


def figure(table):
    count = {kind: sum(1 for r in table if r[2] == kind) for kind in KINDS}
    expressible = count["rule"] + count["partial"] + count["gap"]
    v4 = sum(1 for r in table if "v4.0" in r[1])
    v3 = sum(1 for r in table if "v3.2.1" in r[1])
    both = sum(1 for r in table if r[1] == "v4.0+v3.2.1")
    return (f"Of the {len(table)} distinct rules ({v4} in v4.0, {v3} in v3.2.1, {both} in both), {expressible} concern "
            f"something a Pulumi program\ndeclares (`rule` + `partial` + `gap`). {count['rule']} of them map fully to a "
            f"Perimeter policy (**{100 * count['rule'] / expressible:.1f} %**), {count['rule'] + count['partial']} fully "
            f"or\npartly (**{100 * (count['rule'] + count['partial']) / expressible:.1f} %**). {count['verify']} are "
            f"checked live by `perimeter verify`; {count['account']} are not checkable from a program.")


def test_each_config_rule_appears_once_with_a_known_kind():
    _, table = rows()
    ids = [r[0] for r in table]
    assert len(ids) == len(set(ids)) and len(ids) >= 250
    assert {r[2] for r in table} <= set(KINDS)


def test_named_policies_and_checks_exist_and_every_mapping_says_why_when_it_must():
    _, table = rows()
    policies = {r.name for r in load_rules()}
    checks = {c.control for c in all_checks()}
    for rule_id, _, kind, target, note in table:
        if kind in ("rule", "partial"):
            assert target in policies, (rule_id, target)
        if kind == "verify":
            assert target in checks, (rule_id, target)
        if kind in ("partial", "account"):
            assert note.strip(), f"{rule_id}: a {kind} mapping says why"
        if kind in ("account", "gap"):
            assert target is None, rule_id


def test_the_stated_figure_is_the_tables():
    text, table = rows()
    stated = text.split("<!-- coverage:begin -->\n", 1)[1].split("\n<!-- coverage:end -->", 1)[0]
    assert stated == figure(table), "update the figure in docs/coverage.md to:\n" + figure(table)
