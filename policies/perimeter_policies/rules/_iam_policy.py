"""What an IAM policy document grants, statement by statement.

Shared by `resource-policy-not-public` (resource policies),
`bedrock-endpoint-private` (VPC endpoint policies) and the `iam-*` rules
(identity and trust policies), so all of them read a policy the same way.

A statement is *public* when it allows everybody: Effect Allow, a principal of
`"*"` (as `"*"`, `{"AWS": "*"}` or a list holding `"*"`) or a NotPrincipal
(allow everyone except a few), and no condition that ties the caller to
something concrete (an account, an organization, a source ARN, a VPC, ...).
A Deny never grants access, and a service principal is not everybody.

Predicates answer True, False or UNKNOWN (three-valued logic): policies passed
as objects can hold unknown pieces, and the rules must defer only when the
answer really depends on them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

from ..model import UNKNOWN, ResourceView, Unknown, Violation, as_list, is_unknown
from ._documents import MalformedDocument, load_document
from ._findings import describe, unknown_at_preview
from ._paths import EACH, expand

Tristate = Union[bool, Unknown]

# Condition keys that can tie the caller to something specific, by what their values must look like to do so.
# kms:ViaService is not among them: it names a service any caller may go through, not the caller.
ACCOUNT_KEYS = frozenset(key.lower() for key in (
    "aws:SourceAccount", "aws:SourceOwner", "aws:PrincipalAccount", "kms:CallerAccount",
    "aws:PrincipalOrgID", "aws:SourceOrgID", "aws:userid", "aws:username",
))
ARN_KEYS = frozenset(key.lower() for key in ("aws:SourceArn", "aws:PrincipalArn"))
NETWORK_KEYS = frozenset(key.lower() for key in ("aws:SourceVpc", "aws:SourceVpce"))
ORG_PATH_KEYS = frozenset(key.lower() for key in ("aws:PrincipalOrgPaths", "aws:SourceOrgPaths"))
IP_KEYS = frozenset(key.lower() for key in ("aws:SourceIp", "aws:VpcSourceIp"))
RESTRICTING_CONDITION_KEYS = ACCOUNT_KEYS | ARN_KEYS | NETWORK_KEYS | ORG_PATH_KEYS | IP_KEYS

# Address space that is not the public internet (RFC 1918, 6598, 3927, loopback; IPv6 ULA, link-local, loopback).
NON_PUBLIC_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8",
    "fc00::/7", "fe80::/10", "::1/128",
))
# The most public address space a set of aws:SourceIp ranges may cover and still name a specific network
# (an organisation's egress block); more is "most of the internet", whatever the number of ranges.
MAX_PUBLIC_ADDRESSES = {4: 2 ** 16, 6: 2 ** 80}  # a /16 of IPv4, a /48 of IPv6

# Operators that narrow the caller when they match a concrete value. Negated
# operators (StringNotEquals, ...), `...IfExists` and `ForAllValues:` all pass
# when the key is absent, as it is for most direct callers, so they narrow nothing.
RESTRICTING_OPERATORS = frozenset(op.lower() for op in (
    "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress",
))
ANY_VALUE_PREFIX = "foranyvalue:"

# `bedrock:*` is as broad as `*` on a Bedrock endpoint.
WILDCARD_ACTION = re.compile(r"^(\*|[A-Za-z0-9-]+:\*)$")
EFFECTS = ("Allow", "Deny")


@dataclass(frozen=True)
class StatementFindings:
    matching: tuple[str, ...] = ()   # labels of statements the predicate holds for
    undecided: tuple[str, ...] = ()  # labels of statements that depend on unknown values


def find_statements(document: Any, predicate: Callable[[Mapping], Tristate]) -> StatementFindings:
    """Apply `predicate` to each statement. Raises MalformedDocument for a non-policy."""
    statements = policy_statements(document)
    if is_unknown(statements):
        return StatementFindings(undecided=("the Statement list",))
    matching, undecided = [], []
    for index, statement in enumerate(statements):
        verdict = UNKNOWN if is_unknown(statement) else predicate(statement)
        if verdict is True:
            matching.append(statement_label(index, statement))
        elif is_unknown(verdict):
            undecided.append(statement_label(index, statement))
    return StatementFindings(tuple(matching), tuple(undecided))


def policy_statements(document: Any) -> Any:
    """The statements as a list (a single statement object is allowed), or UNKNOWN."""
    if not isinstance(document, Mapping):
        raise MalformedDocument("is not an IAM policy document (expected a JSON object with a Statement)")
    if "Statement" not in document:
        raise MalformedDocument("has no Statement")
    statements = as_list(document["Statement"])
    if is_unknown(statements):
        return UNKNOWN
    for index, statement in enumerate(statements):
        if is_unknown(statement):
            continue
        if not isinstance(statement, Mapping):
            raise MalformedDocument(f"has statement {index + 1} that is not an object")
        effect = statement.get("Effect")
        if not is_unknown(effect) and effect not in EFFECTS:
            raise MalformedDocument(f"has statement {index + 1} with Effect {effect!r}; expected Allow or Deny")
    return statements


def statement_label(index: int, statement: Any) -> str:
    sid = statement.get("Sid") if isinstance(statement, Mapping) else None
    return f'statement {index + 1} (Sid "{sid}")' if isinstance(sid, str) and sid else f"statement {index + 1}"


def is_public(statement: Mapping) -> Tristate:
    """Allows everybody, with no condition tying the caller to anything concrete."""
    return _all(_allows(statement), _anyone(statement), _negate(caller_restricted(statement.get("Condition"))))


def grants_everything(statement: Mapping) -> Tristate:
    """The shape of AWS's default endpoint policy: anybody, any action, any resource."""
    return _all(is_public(statement), _wildcard(statement, "Action", "NotAction", WILDCARD_ACTION.match),
                _wildcard(statement, "Resource", "NotResource", lambda value: value == "*"))


def caller_restricted(condition: Any) -> Tristate:
    """Whether a positive operator pins a restricting key to values that name a specific caller (`pins_caller`)."""
    return _any(*(UNKNOWN if key is None else pins_caller(key, values)
                  for key, values in positive_conditions(condition) if key is None or key in RESTRICTING_CONDITION_KEYS))


def pins_caller(key: str, values: Any) -> Tristate:
    """Whether condition `key` (lower-cased) with `values` pins the caller to something specific.

    Accounts, organisation ids, principal and source ARNs, user ids, VPCs and
    VPC endpoints pin only without wildcards (`*`, `?`): `arn:aws:iam::*:role/x`
    or `1111*` matches callers nobody chose. An organisation path pins when its
    organisation id is literal. Source IP ranges pin when, together, they cover
    private address space plus at most a /16 (IPv4) or /48 (IPv6) of the public
    internet: `0.0.0.0/1` + `128.0.0.0/1`, or a list of ranges adding up to the
    non-private internet, restricts nobody. A value unknown at preview is an
    output (an account id, an ARN, a VPC id) and counts as specific.
    """
    if is_unknown(values):
        return True
    values = as_list(values)
    known = [v for v in values if not is_unknown(v)]
    if not values or not all(isinstance(v, str) and v.strip() for v in known):
        return False
    if key in IP_KEYS:
        return _specific_networks(known)
    if key in ORG_PATH_KEYS:
        return all(not _has_wildcard(v.strip().partition("/")[0]) for v in known)
    return not any(_has_wildcard(v) for v in known)


def _has_wildcard(value: str) -> bool:
    return "*" in value or "?" in value


def _specific_networks(cidrs: list[str]) -> bool:
    try:
        networks = [ipaddress.ip_network(c.strip(), strict=False) for c in cidrs]
    except ValueError:
        return False  # not an address range: IAM never matches it, so it pins nothing a reviewer can read
    return all(_public_addresses([n for n in networks if n.version == version]) <= limit
               for version, limit in MAX_PUBLIC_ADDRESSES.items())


def _public_addresses(networks: list) -> int:
    """How many public addresses the union of `networks` (one IP version) covers."""
    total = 0
    for network in ipaddress.collapse_addresses(networks):
        private = sum(min(network.num_addresses, block.num_addresses) for block in NON_PUBLIC_NETWORKS
                      if block.version == network.version and network.overlaps(block))
        total += network.num_addresses - private
    return total


def _allows(statement: Mapping) -> Tristate:
    effect = statement.get("Effect")
    return UNKNOWN if is_unknown(effect) else effect == "Allow"


def _anyone(statement: Mapping) -> Tristate:
    if "NotPrincipal" in statement:
        return True  # Allow + NotPrincipal: everybody except the few listed.
    principal = statement.get("Principal")
    if isinstance(principal, Mapping):
        principal = principal.get("AWS")  # Service, Federated and CanonicalUser principals are specific.
    values = as_list(principal)
    if is_unknown(values):
        return UNKNOWN
    return _any(*(UNKNOWN if is_unknown(v) else (isinstance(v, str) and v.strip() == "*") for v in values))


def _wildcard(statement: Mapping, field: str, negated_field: str, is_wildcard: Callable[[str], Any]) -> Tristate:
    if negated_field in statement:
        return True  # "everything except ..." is as broad as a wildcard for this purpose.
    values = as_list(statement.get(field))
    if is_unknown(values):
        return UNKNOWN
    return _any(*(UNKNOWN if is_unknown(v) else (isinstance(v, str) and bool(is_wildcard(v.strip()))) for v in values))


def _concrete(values: Any) -> Tristate:
    """A condition value that narrows the caller.

    An unknown value counts as concrete: at preview it is an output (an account
    id, an ARN, a VPC id), never a wildcard.
    """
    if is_unknown(values):
        return True
    values = as_list(values)
    return bool(values) and all(is_unknown(v) or (isinstance(v, str) and not _matches_everything(v)) for v in values)


def _matches_everything(value: str) -> bool:
    text = value.strip()
    if not text.strip("*?"):
        return True
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0  # 0.0.0.0/0 or ::/0
    except ValueError:
        return False


def _all(*verdicts: Tristate) -> Tristate:
    if any(v is False for v in verdicts):
        return False
    return UNKNOWN if any(is_unknown(v) for v in verdicts) else True


def _any(*verdicts: Tristate) -> Tristate:
    if any(v is True for v in verdicts):
        return True
    return UNKNOWN if any(is_unknown(v) for v in verdicts) else False


def _negate(verdict: Tristate) -> Tristate:
    return UNKNOWN if is_unknown(verdict) else not verdict


def policy_document_outcomes(resource: ResourceView, prop: str, predicate: Callable[[Mapping], Tristate],
                             finding: str, absent: Optional[str] = None):
    """Outcomes for the policy document in `resource`'s input `prop`.

    Statements matching `predicate` are one violation saying `finding`; a
    document built from outputs is deferred to `pulumi up`, as is a statement
    whose verdict hangs on an unknown; malformed JSON is a violation; an absent
    document is a violation only when `absent` says why it matters.
    """
    yield from document_outcomes(resource, prop, resource.get(prop), predicate, finding, absent)


def document_outcomes(resource: ResourceView, prop: str, value: Any, predicate: Callable[[Mapping], Tristate],
                      finding: str, absent: Optional[str] = None):
    """`policy_document_outcomes` for a document `value` found at `prop` (a spelled-out path)."""
    try:
        document = load_document(value)
        if document is None:
            if absent:
                yield Violation(f"{describe(resource)} {absent}")
            return
        if is_unknown(document):
            yield unknown_at_preview(resource, prop)
            return
        findings = find_statements(document, predicate)
    except MalformedDocument as problem:
        yield Violation(f"{describe(resource)}: {prop} {problem}.")
        return
    if findings.matching:
        yield Violation(f"{describe(resource)}: {prop} {', '.join(findings.matching)} allow(s) {finding}.")
    for label in findings.undecided:
        yield unknown_at_preview(resource, f"{prop} {label}")


# Identity policies and trust policies: what IAM principals may do, for the IAM rules.

# Where each IAM type keeps its identity policy document(s) (wire names).
IDENTITY_POLICY_PATHS = {
    "aws:iam/policy:Policy": ("policy",),
    "aws:iam/rolePolicy:RolePolicy": ("policy",),
    "aws:iam/userPolicy:UserPolicy": ("policy",),
    "aws:iam/groupPolicy:GroupPolicy": ("policy",),
    "aws:iam/role:Role": ("inlinePolicies", EACH, "policy"),
}
ROLE = "aws:iam/role:Role"
TRUST_POLICY = "assumeRolePolicy"


def identity_policy_outcomes(resource: ResourceView, predicate: Callable[[Mapping], Tristate], finding: str):
    """`document_outcomes` for each identity policy document `resource` declares (a role may have none)."""
    for path, value in expand(resource.props, IDENTITY_POLICY_PATHS[resource.type]):
        yield from document_outcomes(resource, path, value, predicate, finding)


def action_pattern_matches(pattern: str, action: str) -> bool:
    """IAM action matching: case-insensitive, `*` any run of characters, `?` one character."""
    regex = re.escape(pattern.strip()).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(regex, action, re.IGNORECASE) is not None


def allows_action(statement: Mapping, action: str) -> Tristate:
    """Whether the statement's Action (or NotAction, "everything except") covers `action`."""
    negated = "NotAction" in statement
    values = as_list(statement.get("NotAction" if negated else "Action"))
    if is_unknown(values):
        return UNKNOWN
    listed = _any(*(UNKNOWN if is_unknown(v) else (isinstance(v, str) and action_pattern_matches(v, action))
                    for v in values))
    return _negate(listed) if negated else listed


def allows(statement: Mapping) -> Tristate:
    """Effect is Allow."""
    return _allows(statement)


def positive_conditions(condition: Any):
    """(lower-cased key, values) for each key under a positive operator (StringEquals, StringLike, ArnLike, ...).

    A block unknown at preview yields (None, UNKNOWN). Negated and `...IfExists`
    operators pass when the key is absent, so they pin nothing and are skipped.
    """
    if condition is None:
        return
    if is_unknown(condition):
        yield None, UNKNOWN
        return
    if not isinstance(condition, Mapping):
        raise MalformedDocument("has a Condition that is not an object")
    for operator, block in condition.items():
        name = operator.lower()
        if name.startswith(ANY_VALUE_PREFIX):
            name = name[len(ANY_VALUE_PREFIX):]
        if name not in RESTRICTING_OPERATORS:
            continue
        if is_unknown(block):
            yield None, UNKNOWN
        elif isinstance(block, Mapping):
            for key, values in block.items():
                yield key.lower(), values


def pins(condition: Any, key_matches: Callable[[str], bool]) -> Tristate:
    """Whether a positive operator pins a key `key_matches` accepts to concrete (non-wildcard) values."""
    return _any(*(UNKNOWN if key is None else _concrete(values)
                  for key, values in positive_conditions(condition) if key is None or key_matches(key)))


def mentions(statement: Mapping, field: str, negated_field: str, matches: Callable[[str], Any]) -> Tristate:
    """Whether `field` holds a value `matches` accepts; using `negated_field` ("all except ...") counts as broad."""
    return _wildcard(statement, field, negated_field, matches)


# Three-valued combinators for rules that build their own statement predicates.
all_of, any_of, negate = _all, _any, _negate


def applies_to_everyone(statement: Mapping) -> Tristate:
    """The statement's principal is everybody (`*`, `{"AWS": "*"}`, or NotPrincipal), whatever its effect."""
    return _anyone(statement)


def denies(statement: Mapping) -> Tristate:
    """Effect is Deny."""
    effect = statement.get("Effect")
    return UNKNOWN if is_unknown(effect) else effect == "Deny"


def document_holds(value: Any, predicate: Callable[[Mapping], Tristate]) -> Optional[bool]:
    """Whether the policy document `value` has a statement matching `predicate`: None when preview can't tell.

    An absent or malformed document holds nothing (the rules that read the
    document as a grant report malformed ones).
    """
    try:
        document = load_document(value)
        if document is None:
            return False
        if is_unknown(document):
            return None
        findings = find_statements(document, predicate)
    except MalformedDocument:
        return False
    return True if findings.matching else (None if findings.undecided else False)
