"""Layer 1: redact cardholder data and PII from text before it reaches a prompt, a completion or a log.

`redact(text)` returns the redacted text plus what was found (kind and offsets, never values). The
assistant calls it on the customer's message before any prompt is built and on the model's answer
before it is returned or logged; `perimeter evaluate` runs it on every test case.

Kinds and replacements:

    PAN         [CARD ****1234]   last four only, never the first six with them (PCI DSS 3.4.1)
    CVV         [CVV]             3-4 digits after a PAN or a CVV word (cvv, cvc, security code, ...)
    EXPIRY      [EXPIRY]          MM/YY or MM/YYYY after a PAN, an expiry word or a card word
    US_ROUTING  [ROUTING]         9 digits passing the ABA checksum, next to an account/bank word
    US_ACCOUNT  [ACCOUNT]         5-17 digits after "account number" and the like, or next to a routing number
    IBAN        [IBAN]            any registry country, mod-97 and national structure valid, with or without spaces
    EMAIL       [EMAIL]
    PHONE       [PHONE]           +CC international, (555) 123-4567 / 555-123-4567 forms, or digits after a phone word

How PANs are found. One compiled regex finds chains of at least 13 Unicode decimal digits joined by at
most a separator each: one or two of space, dash, dot, slash, underscore, their Unicode variants
(no-break and ideographic spaces, en/em dashes, full-width forms, zero-width characters), or a line break
with the indentation or quote marker that follows it. A chain may sit inside a word or punctuation
("card#4111111111111111,"). Digits are normalized with a 1:1 `str.translate` table over every Nd code
point, so offsets into the original text stay valid. Inside a chain, every window of whole digit groups
holding 13-19 digits is a candidate; it is a PAN when it passes Luhn and its grouping is one a person
types for a card: one group, or every group but the last of at least 3 digits, or uniform groups
("41 11 11 ..."). Groups split by a line break count as one (a wrap can split a group anywhere). The
grouping rule is what keeps dates ("01/02/2024 28/02/2024"), amounts ("1234.50 5678.90") and ranges
from being read as cards; without it, any benign chain of 13-19 digits would be a PAN one time in ten.

Known ambiguity, decided for safety: any contiguous 13-19 digit run that passes Luhn IS a PAN, whatever
it really is (a phone number in E.164 form, a millisecond timestamp, a FedEx 15-digit tracking number).
One such run in ten passes Luhn by chance; bench/redaction.py measures it per look-alike shape. A chain
inside an IBAN-shaped token (country code, check digits and a BBAN with the country's registered
structure, whether or not the check digits are right) is not a PAN: a mistyped IBAN stays an IBAN.

Checksums come from python-stdnum (`stdnum.luhn`, `stdnum.us.rtn`, `stdnum.iban`): pure Python, no
dependencies, vendored as-is into the Lambda archive. schwifty adds nothing layer 1 needs: its IBAN
validation is the same mod-97 plus the same SWIFT registry structure that stdnum.iban checks (stdnum also
runs national check digits for several countries); what schwifty adds is bank/BIC lookup and IBAN
generation, at the price of pycountry, rstr and importlib_resources in the archive and a slower import.

Not detected (documented limits): PANs written with digits that are not Unicode Nd (superscripts,
circled digits, words), a PAN glued to other digits with no separator (it is no longer 13-19 digits),
lowercase IBAN country codes are accepted but IBANs split by other characters than space or dash are not.
"""

from __future__ import annotations

import bisect
import functools
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.us import rtn

KINDS = ("PAN", "CVV", "EXPIRY", "US_ROUTING", "US_ACCOUNT", "IBAN", "EMAIL", "PHONE")

_PLACEHOLDER = {
    "CVV": "[CVV]",
    "EXPIRY": "[EXPIRY]",
    "US_ROUTING": "[ROUTING]",
    "US_ACCOUNT": "[ACCOUNT]",
    "IBAN": "[IBAN]",
    "EMAIL": "[EMAIL]",
    "PHONE": "[PHONE]",
}

# When two findings overlap, the one earlier here wins. IBAN first: a checksum-valid IBAN swallows any
# card-shaped digits inside it. PAN next: a PAN beats every looser detector.
_PRIORITY = ("IBAN", "PAN", "EMAIL", "US_ROUTING", "US_ACCOUNT", "CVV", "EXPIRY", "PHONE")


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    text: str
    findings: tuple[Finding, ...]

    def counts(self) -> dict[str, int]:
        """Kind -> number of findings, for the audit log."""
        return dict(Counter(finding.kind for finding in self.findings))

    def audit(self) -> list[dict]:
        """Kinds and offsets into the original text, for the audit log; never the values."""
        return [{"kind": f.kind, "start": f.start, "end": f.end} for f in self.findings]


# --- characters and digit groups --------------------------------------------------------------------
# One regex pass finds every run of decimal digits (`\d` on str is Unicode Nd, so full-width and other
# scripts' digits are found too); every detector then works from those groups and a few characters
# around them, never from another pass over the whole message.

_DIGITS = re.compile(r"\d+")

# Separators a person (or a mail client, or an evasive one) puts inside a card number.
_INLINE_SEP = (
    " \t_./\\\\\\-"  # space, tab, underscore, dot, slash, backslash, dash
    "\u00a0\u1680\u2000-\u200d\u2060\u202f\u205f\u3000\ufeff"  # spaces, zero-width characters
    "\u2010-\u2015\u2212\ufe58\ufe63"  # hyphens and dashes
    "\uff0d\uff0e\uff0f\uff3f\uff3c\u3002"  # full-width - . / _ \ and the ideographic full stop
)
_LINE_BREAK = r"(?:\r\n|[\n\r\x0b\x0c\x85\u2028\u2029])"
_SEPARATOR = re.compile(rf"[{_INLINE_SEP}]?{_LINE_BREAK}[{_INLINE_SEP}>]{{0,4}}|[{_INLINE_SEP}]{{1,2}}")
_SEPARATOR_MAX = 7
_LINE_BREAK_CHARS = frozenset("\r\n\x0b\x0c\x85\u2028\u2029")


class _Group(NamedTuple):
    start: int
    end: int
    after_line_break: bool  # joined to the previous group of its chain by a line break


@functools.cache
def _decimal_table() -> dict[int, int]:
    """Every Unicode Nd code point -> its ASCII digit (1:1, so offsets survive). Built on first non-ASCII digit."""
    return {
        cp: 0x30 + unicodedata.decimal(chr(cp))
        for cp in range(sys.maxunicode + 1)
        if chr(cp).isdecimal() and not 0x30 <= cp <= 0x39
    }


def _ascii_digits(text: str) -> str:
    return text if text.isascii() else text.translate(_decimal_table())


def _chains(text: str, spans: list[tuple[int, int]]) -> list[list[_Group]]:
    """Digit groups joined by one separator each, as a person types a card number."""
    chains: list[list[_Group]] = []
    for start, end in spans:
        if chains:
            previous_end = chains[-1][-1].end
            gap = text[previous_end:start]
            if len(gap) <= _SEPARATOR_MAX and _SEPARATOR.fullmatch(gap):
                chains[-1].append(_Group(start, end, any(c in _LINE_BREAK_CHARS for c in gap)))
                continue
        chains.append([_Group(start, end, False)])
    return chains


# --- PAN --------------------------------------------------------------------------------------------

def _plausible_window(groups: list[_Group]) -> bool:
    """Could a person have typed a card number with these digit groups? One group; or every group but the
    last of at least 3 digits; or uniform groups of 1 or 2 ("41 11 11 ..."). A line break may split a group
    anywhere (a wrap), so groups it separates count as one where that helps."""
    rejoined: list[int] = []
    for group in groups:
        if rejoined and group.after_line_break:
            rejoined[-1] += group.end - group.start
        else:
            rejoined.append(group.end - group.start)
    return all(size >= 3 for size in rejoined[:-1]) or _uniform(groups, 1) or _uniform(groups, 2)


def _uniform(groups: list[_Group], size: int) -> bool:
    """Groups of `size` digits, the last maybe shorter; a line break closes a full group or joins a split one."""
    filled = 0
    for group in groups:
        if filled and (not group.after_line_break or filled == size):
            if filled != size:
                return False
            filled = 0
        filled += group.end - group.start
        if filled > size:
            return False
    return True


def _stands_apart(text: str, chain: list[_Group], first: int, last: int) -> bool:
    """May chain[first..last] be a card inside a longer chain? Each dropped neighbour must look like another
    number (a different group size or separator: "4111 1111 1111 1111 12/27 123", "order 100234 4111 ..."),
    or the window must open the chain with a card network's first digit ("4111 1111 1111 1111 0327").
    Otherwise one long uniformly grouped number (a USPS tracking id "9400 1000 0000 0000 0000 00") would
    hold several 13-19 digit windows, each passing Luhn one time in ten."""
    inner = {text[chain[i - 1].end:chain[i].start] for i in range(first + 1, last + 1)}

    def differs(outside: int, inside: int, gap: str) -> bool:
        size = chain[outside].end - chain[outside].start
        return size != chain[inside].end - chain[inside].start or (bool(inner) and gap not in inner)

    left = first == 0 or differs(first - 1, first, text[chain[first - 1].end:chain[first].start])
    right = last == len(chain) - 1 or differs(last + 1, last, text[chain[last].end:chain[last + 1].start])
    return (left and right) or (first == 0 and _ascii_digits(text[chain[0].start]) in "23456")


def _pans(text: str, chain: list[_Group]) -> list[tuple[int, int, str]]:
    """PANs inside one chain, as (start, end, ascii digits); leftmost first, longest at each start."""
    found = []
    first = 0
    while first < len(chain):
        best = None
        digits = ""
        for last in range(first, len(chain)):
            digits += _ascii_digits(text[chain[last].start:chain[last].end])
            if len(digits) > 19:
                break
            if len(digits) >= 13 and luhn.is_valid(digits) \
                    and _plausible_window(chain[first:last + 1]) \
                    and (first == 0 and last == len(chain) - 1 or _stands_apart(text, chain, first, last)):
                best = (last, digits)
        if best is None:
            first += 1
            continue
        last, digits = best
        found.append((chain[first].start, chain[last].end, digits))
        first = last + 1
    return found


# --- IBAN -------------------------------------------------------------------------------------------

_IBAN_CANDIDATE = re.compile(r"[A-Za-z]{2}[0-9]{2}(?:[ \-]?[A-Za-z0-9]){10,30}")
_IBAN_END = re.compile(r"[A-Za-z0-9](?=[ \-]|$)")


def _iban_at(text: str, start: int) -> tuple[int, bool] | None:
    """(end, checksum_valid) of an IBAN, or an IBAN-shaped token whose only fault is its check digits, at start."""
    candidate = _IBAN_CANDIDATE.match(text, start)
    if not candidate:
        return None
    body = candidate.group()
    for end in reversed([m.end() for m in _IBAN_END.finditer(body)]):
        compact = stdnum_iban.compact(body[:end])
        if len(compact) < 15:
            return None
        if stdnum_iban.is_valid(compact):
            return start + end, True
        repaired = compact[:2] + stdnum_iban.calc_check_digits(compact) + compact[4:]
        if stdnum_iban.is_valid(repaired, check_country=False):
            return start + end, False
    return None


# --- words that give digits their meaning -----------------------------------------------------------
# A cue is searched only in the few characters around a digit group, and only when one of its stems
# occurs there (a substring test on the lowered message, far cheaper than a case-insensitive regex).

class _Cue(NamedTuple):
    stems: re.Pattern[str]  # literal lowercase prefixes of the cue's words, searched on the lowered text
    pattern: re.Pattern[str]


def _stems(*stems: str) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, stems)))


def _before(stems: re.Pattern[str], words: str, then: str = r"is|was|code|number|num|no|nr|date|on|in|of|at") -> _Cue:
    """A context word, then up to two filler words and punctuation, ending where the digits start."""
    return _Cue(stems, re.compile(
        rf"\b(?:{words})\b[^\w\n]{{0,4}}(?:(?:{then})\b[^\w\n]{{0,4}}){{0,2}}\Z", re.IGNORECASE
    ))


_REACH = 40
_CVV_WORDS = r"cvv2?|cvc2?|cvn|cid|csc|security\s+code|card\s+verification(?:\s+(?:code|value))?"
_EXPIRY_WORDS = r"exp(?:iry|iration|ires|ired)?|valid\s+(?:thru|through|until)|good\s+thru"
_CVV_BEFORE = _before(_stems("cv", "cid", "csc", "security", "verification"), _CVV_WORDS)
_EXPIRY_BEFORE = _before(_stems("exp", "valid", "good"), _EXPIRY_WORDS)
_ACCOUNT_BEFORE = _before(
    _stems("acc", "a/c", "checking", "savings"), r"account|acct|a/c|checking|savings", r"number|num|no|nr|is|ending|in|#"
)
_PHONE_BEFORE = _before(
    _stems("phone", "tel", "mobile", "cell", "call", "text", "whatsapp", "sms", "reach"),
    r"phone|tel|telephone|mobile|cell|call\s+me|text\s+me|whatsapp|sms|reach\s+me",
    r"number|no|is|on|at",
)
_CARD_WORD = _Cue(
    _stems("card", "visa", "master", "amex", "discover", "jcb", "diners", "maestro", "unionpay"),
    re.compile(r"\b(?:card|visa|master\s?card|amex|discover|jcb|diners|maestro|unionpay)\b", re.IGNORECASE),
)
_BANK_WORD = _Cue(
    _stems("routing", "aba", "rtn", "transit", "ach", "wire", "bank", "acc", "checking", "savings", "deposit"),
    re.compile(r"\b(?:routing|aba|rtn|transit|ach|wire|bank|account|acct|checking|savings|deposit)\b", re.IGNORECASE),
)


class _Message:
    """The text under redaction, with where each cue's stems occur (found once, on the lowered text)."""

    def __init__(self, text: str):
        self.text = text
        lowered = text.lower()
        # lower() can change the length (e.g. U+0130); then offsets differ and every cue runs its regex.
        self._lowered = lowered if len(lowered) == len(text) else None
        self._stems: dict[_Cue, list[int] | None] = {}

    def _stem_positions(self, cue: _Cue) -> list[int] | None:
        if cue not in self._stems:
            if self._lowered is None:
                self._stems[cue] = None
            else:
                self._stems[cue] = [match.start() for match in cue.stems.finditer(self._lowered)]
        return self._stems[cue]

    def mentions(self, cue: _Cue) -> bool:
        """Might the cue match anywhere? (False lets the caller skip a whole detector.)"""
        positions = self._stem_positions(cue)
        return positions is None or bool(positions)

    def cue(self, cue: _Cue, start: int, end: int) -> bool:
        """Does the cue's pattern match in text[start:end]? Skipped unless one of its stems starts there."""
        start = max(0, start)
        positions = self._stem_positions(cue)
        if positions is not None:
            index = bisect.bisect_left(positions, start)
            if index == len(positions) or positions[index] >= end:
                return False
        return cue.pattern.search(self.text, start, end) is not None

    def preceded_by(self, cue: _Cue, position: int) -> bool:
        return self.cue(cue, position - _REACH, position)

    def card_word_on_line_before(self, position: int) -> bool:
        line_start = max(self.text.rfind("\n", 0, position) + 1, position - _REACH)
        return self.cue(_CARD_WORD, line_start, position)


# --- card context: CVV and expiry -------------------------------------------------------------------

_DATE = re.compile(r"(?<![\d/.\-])(?:0?[1-9]|1[0-2])\s?[/\-.]\s?(?:20)?\d{2}(?![\d]|[/.\-]\d)")
_EXPIRY_COMPACT = re.compile(r"(?:0[1-9]|1[0-2])(?:20)?\d{2}")
_CVV_DIGITS = re.compile(r"\d{3,4}(?![\d/.\-]\d|\d)")
# Between a PAN and its expiry/CVV: punctuation, spaces and a few card words, nothing else.
_TAIL_FILLER = re.compile(rf"[^\w\n]+|(?:{_CVV_WORDS}|{_EXPIRY_WORDS}|code|date|and|is|on)\b", re.IGNORECASE)


def _card_tail(text: str, position: int) -> list[Finding]:
    """Expiry and CVV right after a PAN, with only punctuation and card words in between."""
    found: list[Finding] = []
    limit = min(len(text), position + _REACH)
    while position < limit:
        date = _DATE.match(text, position)
        if date and not found:
            found.append(Finding("EXPIRY", date.start(), date.end()))
            position = date.end()
            continue
        cvv = _CVV_DIGITS.match(text, position)
        if cvv and not text[position - 1].isalnum():
            found.append(Finding("CVV", cvv.start(), cvv.end()))
            break
        filler = _TAIL_FILLER.match(text, position)
        if not filler:
            break
        position = filler.end()
    return found


def _card_context(message: _Message, start: int, end: int) -> Finding | None:
    """A CVV or expiry date starting at this digit group, told by the words before it."""
    text = message.text
    if end - start in (3, 4) and _CVV_DIGITS.match(text, start) and message.preceded_by(_CVV_BEFORE, start):
        return Finding("CVV", start, end)
    date = _DATE.match(text, start) if end - start <= 2 else None
    if date and (message.preceded_by(_EXPIRY_BEFORE, start) or message.card_word_on_line_before(start)):
        return Finding("EXPIRY", start, date.end())
    if end - start in (4, 6) and _EXPIRY_COMPACT.fullmatch(text, start, end) \
            and message.preceded_by(_EXPIRY_BEFORE, start):
        return Finding("EXPIRY", start, end)
    return None


# --- bank identifiers -------------------------------------------------------------------------------

_ACCOUNT_DIGITS = re.compile(r"\d(?:[ \-]?\d){4,16}(?!\d)")


def _bank(message: _Message, spans: list[tuple[int, int]], index: int) -> list[Finding]:
    text = message.text
    start, end = spans[index]
    found = []
    if message.preceded_by(_ACCOUNT_BEFORE, start):
        account = _ACCOUNT_DIGITS.match(text, start)
        if account:
            found.append(Finding("US_ACCOUNT", start, account.end()))
    if end - start == 9 and rtn.is_valid(_ascii_digits(text[start:end])):
        around_start, around_end = max(0, start - _REACH), end + _REACH
        if message.cue(_BANK_WORD, around_start, around_end):
            found.append(Finding("US_ROUTING", start, end))
            found += [
                Finding("US_ACCOUNT", s, e) for s, e in spans
                if around_start <= s and e <= around_end and s != start and 5 <= e - s <= 17
            ]
    return found


# --- PII the guardrail anonymizes -------------------------------------------------------------------

_EMAIL_LOCAL = re.compile(r"[\w.+\-]{1,64}\Z")
_EMAIL_DOMAIN = re.compile(r"[\w\-]+(?:\.[\w\-]+)+")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+\d{1,3}(?:[ .\-]?\(\d{1,4}\))?(?:[ .\-]?\d{1,5}){1,5}"  # international
    r"|\(\d{3}\)[ .\-]?\d{3}[ .\-]\d{4}"  # (555) 123-4567
    r"|\d{3}([.\-])\d{3}\1\d{4}"  # 555-123-4567, 555.123.4567
    r"|\d{3} \d{3} \d{4}"
    r")(?!\w)"
)
_PHONE_AFTER_WORD = re.compile(r"\+?\(?\d[\d ().\-]{5,18}\d(?!\d)")


def _emails(text: str) -> list[Finding]:
    found = []
    at = text.find("@")
    while at >= 0:
        local = _EMAIL_LOCAL.search(text, max(0, at - 64), at)
        domain = _EMAIL_DOMAIN.match(text, at + 1)
        if local and domain:
            found.append(Finding("EMAIL", local.start(), domain.end()))
        at = text.find("@", domain.end() if domain else at + 1)
    return found


def _phone_at(message: _Message, start: int) -> Finding | None:
    """A phone number whose first digit group starts here (with its + or ( just before)."""
    text = message.text
    begin = start - 1 if start and text[start - 1] in "+(" else start
    match = _PHONE.match(text, begin)
    if not match and message.preceded_by(_PHONE_BEFORE, begin):
        match = _PHONE_AFTER_WORD.match(text, begin)
    if match and 7 <= sum(c.isdecimal() for c in match.group()) <= 15:
        return Finding("PHONE", match.start(), match.end())
    return None


# --- putting it together ----------------------------------------------------------------------------

def _resolve(candidates: list[Finding]) -> list[Finding]:
    """Non-overlapping findings by priority. A PAN that straddles a winner widens it: no card digit survives."""
    accepted: list[Finding] = []
    for candidate in sorted(candidates, key=lambda f: (_PRIORITY.index(f.kind), f.start, -f.end)):
        overlapping = [f for f in accepted if f.start < candidate.end and candidate.start < f.end]
        if not overlapping:
            accepted.append(candidate)
        elif candidate.kind == "PAN":
            for winner in overlapping:
                accepted[accepted.index(winner)] = Finding(
                    winner.kind, min(winner.start, candidate.start), max(winner.end, candidate.end)
                )
    return sorted(accepted, key=lambda f: f.start)


def _iban_prefix_at(text: str, digits_start: int) -> bool:
    """Two ASCII letters, not glued to a further letter or digit, right before a digit group."""
    letters = text[digits_start - 2:digits_start]
    return digits_start >= 2 and letters.isascii() and letters.isalpha() \
        and (digits_start == 2 or not text[digits_start - 3].isalnum())


def redact(text: str) -> Redaction:
    """Replace every PAN, card context, bank identifier, email and phone number in `text` (deterministic)."""
    spans = [m.span() for m in _DIGITS.finditer(text)]
    candidates = _emails(text) if "@" in text else []
    if not spans:
        return _render(text, _resolve(candidates), {})
    message = _Message(text)

    iban_shaped = []
    for start, _ in spans:
        if _iban_prefix_at(text, start):
            iban = _iban_at(text, start - 2)
            if iban:
                iban_shaped.append((start - 2, iban[0]))
                if iban[1]:
                    candidates.append(Finding("IBAN", start - 2, iban[0]))

    last_four: dict[int, str] = {}
    for chain in _chains(text, spans):
        if sum(g.end - g.start for g in chain) < 13:
            continue
        for start, end, digits in _pans(text, chain):
            # Inside a mistyped IBAN's BBAN (past its country code and check digits) it is not a card.
            if not any(s + 4 <= start and end <= e for s, e in iban_shaped):
                candidates.append(Finding("PAN", start, end))
                candidates += _card_tail(text, end)
                last_four[start] = digits[-4:]

    card_words = message.mentions(_CVV_BEFORE) or message.mentions(_EXPIRY_BEFORE) or message.mentions(_CARD_WORD)
    bank_words = message.mentions(_ACCOUNT_BEFORE) or message.mentions(_BANK_WORD)
    phone_words = message.mentions(_PHONE_BEFORE)
    phone_end = -1
    for index, (start, end) in enumerate(spans):
        size = end - start
        if card_words and size <= 6:
            context = _card_context(message, start, end)
            if context:
                candidates.append(context)
        if bank_words:
            candidates += _bank(message, spans, index)
        # Every phone form starts with +, ( or a group of 3 digits, unless a phone word announces it.
        if start >= phone_end and (size == 3 or phone_words or (start and text[start - 1] in "+(")):
            phone = _phone_at(message, start)
            if phone:
                candidates.append(phone)
                phone_end = phone.end
    return _render(text, _resolve(candidates), last_four)


def _render(text: str, findings: list[Finding], last_four: dict[int, str]) -> Redaction:
    pieces = []
    cursor = 0
    for finding in findings:
        pieces.append(text[cursor:finding.start])
        pieces.append(f"[CARD ****{last_four[finding.start]}]" if finding.kind == "PAN" else _PLACEHOLDER[finding.kind])
        cursor = finding.end
    pieces.append(text[cursor:])
    return Redaction("".join(pieces), tuple(findings))
