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

How it stays fast. Digits are normalized once: every non-ASCII Unicode decimal digit (full-width,
Arabic-Indic, Devanagari, mathematical, ...) is replaced by its ASCII digit through a 1:1 table built
from unicodedata over all Nd code points, so offsets into the normalized copy are offsets into the
original. One bytes.translate then maps the whole message to character classes, and bytes.find jumps
from one numeric stretch (digits with separators or phone punctuation between them) to the next; every
detector runs only on a stretch and the few characters before it, Luhn and the other checksums only on
its candidates. A message with no digit and no "@" costs two C passes.

How PANs are found. A numeric stretch holding at least 13 digits splits into chains of digit groups
joined by one separator each: one or two of space, dash, dot, slash, backslash, underscore and their
Unicode variants (no-break and ideographic spaces, en/em dashes, full-width forms, zero-width
characters), or a line break with the indentation or quote marker after it. A chain may sit inside a
word or punctuation ("card#<16 digits>,"). Inside a chain, every window of whole groups holding
13-19 digits is a candidate; it is a PAN when its grouping is one a person types for a card (one group;
every group but the last of at least 3 digits; or uniform groups of 1 or 2, "41 11 11 ..."; a line break
may split a group anywhere) and it passes Luhn. The grouping rule keeps dates ("01/02/2024 28/02/2024")
and amounts ("1234.50 5678.90") from being read as cards. A window inside a longer chain must stand
apart from the groups it leaves out (another size or separator, or the chain opens with a card network's
first digit 2-6): "4111 1111 1111 1111 12/27 123" is a card, one long uniformly grouped USPS tracking id
is not.

Known ambiguity, decided for safety: any contiguous 13-19 digit run that passes Luhn IS a PAN, whatever
it really is (a phone number in E.164 form, a millisecond timestamp, a FedEx 15-digit tracking number).
One such run in ten passes Luhn by chance; bench/redaction.py measures it per look-alike shape. Digits
inside the BBAN of an IBAN-shaped token (country code, check digits, the country's registered length and
structure, whether or not the check digits are right) are not a PAN: a mistyped IBAN stays an IBAN.

Card context: a CVV is 3-4 digits after a CVV word, or right after a PAN (with only punctuation, an
expiry date and card words between); an expiry is MM/YY or MM/YYYY after an expiry word, after a PAN, or
on the same line after a card word (card, visa, mastercard, amex, ...), and MMYY after an expiry word.

Checksums come from python-stdnum (`stdnum.luhn`, `stdnum.us.rtn`, `stdnum.iban`): pure Python, no
dependencies, vendored as-is into the Lambda archive. schwifty adds nothing layer 1 needs: its IBAN
validation is the same mod-97 plus the same SWIFT registry structure that stdnum.iban checks (stdnum also
runs national check digits for several countries); what schwifty adds is bank/BIC lookup and IBAN
generation, at the price of pycountry, rstr and importlib_resources in the archive and a slower import.

Not detected (documented limits): PANs written with characters that are not Unicode Nd digits
(superscripts, circled digits, words); a PAN glued to other digits with no separator (it is no longer
13-19 digits); irregular small groups ("4111 11 11 1111 1111"); separators other than the ones above
(commas, letters); IBANs split by anything but spaces or dashes.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from stdnum import iban as stdnum_iban
from stdnum import luhn, numdb
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
_RANK = {kind: rank for rank, kind in enumerate(("IBAN", "PAN", "EMAIL", "US_ROUTING", "US_ACCOUNT", "CVV", "EXPIRY", "PHONE"))}


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


# --- normalization ----------------------------------------------------------------------------------
# Every detector reads one normalized copy: the text with each Unicode decimal digit replaced by its ASCII
# digit. The table is 1:1, so offsets into the copy are offsets into the original, and the patterns can
# use [0-9], which the regex engine scans far faster than the Unicode-aware \d.

@functools.cache
def _decimal_table() -> dict[int, int]:
    """Every Unicode Nd code point -> its ASCII digit; built on the first non-ASCII message. Unicode encodes
    each script's decimal digits as one run of ten (0-9), so probing every tenth code point finds every run."""
    table = {}
    for probe in range(0, sys.maxunicode + 1, 10):
        if chr(probe).isdecimal():
            zero = probe - unicodedata.decimal(chr(probe))
            for code_point in range(zero, zero + 10):
                if chr(code_point).isdecimal():
                    table[code_point] = 0x30 + unicodedata.decimal(chr(code_point))
    for ascii_digit in range(0x30, 0x3A):
        del table[ascii_digit]
    return table


@functools.cache
def _bmp_digits() -> re.Pattern[str]:
    """Runs of non-ASCII decimal digits in the BMP, as character ranges the regex engine scans in C
    (translating the whole message instead costs a dictionary lookup per character). Digits beyond the
    BMP go through _ASTRAL: ranges above U+FFFF in one class make every character slow to test."""
    ranges: list[list[int]] = []
    for code_point in sorted(cp for cp in _decimal_table() if cp <= 0xFFFF):
        if ranges and ranges[-1][1] == code_point - 1:
            ranges[-1][1] = code_point
        else:
            ranges.append([code_point, code_point])
    return re.compile("[" + "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in ranges) + "]+")


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]+")


def _normalized(text: str) -> str:
    if text.isascii():
        return text
    table = _decimal_table()
    text = _bmp_digits().sub(lambda run: run.group().translate(table), text)
    return _ASTRAL.sub(lambda run: run.group().translate(table), text)


_DIGITS = re.compile(r"[0-9]+")
_REACH = 40  # how far (in characters) context words and neighbouring numbers count


# --- PAN --------------------------------------------------------------------------------------------

# Separators a person (or a mail client, or an evasive one) puts inside a card number.
_INLINE_SEP = (
    " \t_./\\\\\\-"  # space, tab, underscore, dot, slash, backslash, dash
    "\u00a0\u1680\u2000-\u200d\u2060\u202f\u205f\u3000\ufeff"  # spaces, zero-width characters
    "\u2010-\u2015\u2212\ufe58\ufe63"  # hyphens and dashes
    "\uff0d\uff0e\uff0f\uff3f\uff3c\u3002"  # full-width - . / _ \ and the ideographic full stop
)
_LINE_BREAKS = "\r\n\x0b\x0c\x85\u2028\u2029"
_SEPARATOR = re.compile(rf"[{_INLINE_SEP}]?(?:\r\n|[{_LINE_BREAKS}])[{_INLINE_SEP}>]{{0,4}}|[{_INLINE_SEP}]{{1,2}}")
_SEPARATOR_MAX = 7
_LINE_BREAK_SET = frozenset(_LINE_BREAKS)


class _Group(NamedTuple):
    start: int
    end: int
    after_line_break: bool  # joined to the previous group of its chain by a line break


def _chains(norm: str, start: int, end: int) -> list[list[_Group]]:
    """Digit groups in norm[start:end] joined by one separator each, as a person types a card number."""
    chains: list[list[_Group]] = []
    for match in _DIGITS.finditer(norm, start, end):
        if chains:
            gap = norm[chains[-1][-1].end:match.start()]
            if len(gap) <= _SEPARATOR_MAX and _SEPARATOR.fullmatch(gap):
                chains[-1].append(_Group(match.start(), match.end(), not _LINE_BREAK_SET.isdisjoint(gap)))
                continue
        chains.append([_Group(match.start(), match.end(), False)])
    return chains


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


def _stands_apart(norm: str, chain: list[_Group], first: int, last: int) -> bool:
    """May chain[first..last] be a card inside a longer chain? Each dropped neighbour must look like another
    number (a different group size or separator: "4111 1111 1111 1111 12/27 123", "order 100234 4111 ..."),
    or the window must open the chain with a card network's first digit ("4111 1111 1111 1111 0327").
    Otherwise one long uniformly grouped number (a USPS tracking id "9400 1000 0000 0000 0000 00") would
    hold several 13-19 digit windows, each passing Luhn one time in ten."""
    inner = {norm[chain[i - 1].end:chain[i].start] for i in range(first + 1, last + 1)}

    def differs(outside: int, inside: int, gap: str) -> bool:
        size = chain[outside].end - chain[outside].start
        return size != chain[inside].end - chain[inside].start or (bool(inner) and gap not in inner)

    left = first == 0 or differs(first - 1, first, norm[chain[first - 1].end:chain[first].start])
    right = last == len(chain) - 1 or differs(last + 1, last, norm[chain[last].end:chain[last + 1].start])
    return (left and right) or (first == 0 and norm[chain[0].start] in "23456")


def _pans(norm: str, chain: list[_Group]) -> list[tuple[int, int, str]]:
    """PANs inside one chain, as (start, end, digits); leftmost first, longest at each start."""
    found = []
    first = 0
    while first < len(chain):
        best = None
        digits = ""
        for last in range(first, len(chain)):
            digits += norm[chain[last].start:chain[last].end]
            if len(digits) > 19:
                break
            if len(digits) >= 13 and _plausible_window(chain[first:last + 1]) \
                    and (first == 0 and last == len(chain) - 1 or _stands_apart(norm, chain, first, last)) \
                    and luhn.is_valid(digits):
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
_IBAN_REGISTRY = numdb.get("iban")


@functools.cache
def _iban_length(country: str) -> int | None:
    """The IBAN length registered for a country code (from stdnum's copy of the SWIFT registry)."""
    properties = _IBAN_REGISTRY.info(country)[0][1]
    if "bban" not in properties:
        return None
    return 4 + sum(int(count) for count in re.findall(r"([0-9]+)!", properties["bban"]))


class _IbanCandidate(NamedTuple):
    start: int
    end: int | None  # where the token reaches the country's IBAN length (before a space, dash or its end)

    def compact(self, norm: str) -> str:
        return stdnum_iban.compact(norm[self.start:self.end])

    def valid(self, norm: str) -> bool:
        """A valid IBAN: mod-97 and the country's registered structure (and national check digits)."""
        return stdnum_iban.is_valid(self.compact(norm))

    def shaped_around(self, norm: str, start: int, end: int) -> bool:
        """Does this IBAN-shaped token (right apart from its check digits) hold norm[start:end] inside its
        BBAN? A mistyped IBAN's digits are not a card."""
        if not (self.start + 4 <= start and end <= self.end):
            return False
        compact = self.compact(norm)
        repaired = compact[:2] + stdnum_iban.calc_check_digits(compact) + compact[4:]
        return stdnum_iban.is_valid(repaired, check_country=False)


def _iban_candidate_at(norm: str, check_digits: int) -> _IbanCandidate | None:
    """An IBAN-shaped token whose check digits start here: two letters before them, nothing glued before
    those, and the country's registered length reached at a token end."""
    start = check_digits - 2
    if start < 0 or not norm[start:check_digits].isalpha() or (start and norm[start - 1].isalnum()):
        return None
    length = _iban_length(norm[start:check_digits].upper())
    candidate = _IBAN_CANDIDATE.match(norm, start) if length else None
    if not candidate:
        return None
    for token_end in _IBAN_END.finditer(candidate.group()):
        compact_length = sum(c.isalnum() for c in candidate.group()[:token_end.end()])
        if compact_length >= length:
            return _IbanCandidate(start, start + token_end.end()) if compact_length == length else None
    return None


# --- words that give numbers their meaning ----------------------------------------------------------
# A cue is tried only on the few characters before a number, and its regex only when one of its stems
# (lowercase literal prefixes of its words) occurs there: a substring test is far cheaper than a
# case-insensitive regex.

class _Cue(NamedTuple):
    stems: tuple[str, ...]
    pattern: re.Pattern[str]


def _before(stems: tuple[str, ...], words: str, then: str = r"is|was|code|number|num|no|nr|date|on|in|of|at") -> _Cue:
    """A context word, then up to two filler words and punctuation, ending where the number starts."""
    return _Cue(stems, re.compile(
        rf"\b(?:{words})\b[^\w\n]{{0,4}}(?:(?:{then})\b[^\w\n]{{0,4}}){{0,2}}\Z", re.IGNORECASE
    ))


_CVV_WORDS = r"cvv2?|cvc2?|cvn|cid|csc|security\s+code|card\s+verification(?:\s+(?:code|value))?"
_EXPIRY_WORDS = r"exp(?:iry|iration|ires|ired)?|valid\s+(?:thru|through|until)|good\s+(?:thru|through|until)"
_CVV_BEFORE = _before(("cv", "cid", "csc", "security", "verification"), _CVV_WORDS)
_EXPIRY_BEFORE = _before(("exp", "valid", "good"), _EXPIRY_WORDS)
_ACCOUNT_BEFORE = _before(
    ("acc", "a/c", "checking", "savings"), r"account|acct|a/c|checking|savings", r"number|num|no|nr|is|ending|in|#"
)
_PHONE_BEFORE = _before(
    ("phone", "tel", "mobile", "cell", "call", "text", "whatsapp", "sms", "reach"),
    r"phone|tel|telephone|mobile|cell|call\s+me|text\s+me|whatsapp|sms|reach\s+me",
    r"number|no|is|on|at",
)
_CARD_WORD = _Cue(
    ("card", "visa", "master", "amex", "discover", "jcb", "diners", "maestro", "unionpay"),
    re.compile(r"\b(?:card|visa|master\s?card|amex|discover|jcb|diners|maestro|unionpay)\b", re.IGNORECASE),
)
_BANK_WORD = _Cue(
    ("routing", "aba", "rtn", "transit", "ach", "wire", "bank", "acc", "checking", "savings", "deposit"),
    re.compile(r"\b(?:routing|aba|rtn|transit|ach|wire|bank|account|acct|checking|savings|deposit)\b", re.IGNORECASE),
)


_ANY_STEM = re.compile(r"\b(?:" + "|".join(sorted(
    {re.escape(stem) for cue in (_CVV_BEFORE, _EXPIRY_BEFORE, _ACCOUNT_BEFORE, _PHONE_BEFORE, _CARD_WORD, _BANK_WORD)
     for stem in cue.stems}
)) + ")")


class _Text(NamedTuple):
    """The normalized text and its lowered copy (None when lowering changes the length, e.g. U+0130:
    then offsets differ and every cue runs its regex)."""

    norm: str
    lowered: str | None

    def cue(self, cue: _Cue, start: int, end: int) -> bool:
        start = max(0, start)
        if self.lowered is not None:
            window = self.lowered[start:end]
            if not any(stem in window for stem in cue.stems):
                return False
        return cue.pattern.search(self.norm, start, end) is not None

    def preceded_by(self, cue: _Cue, position: int) -> bool:
        return self.cue(cue, position - _REACH, position)

    def any_cue_before(self, position: int) -> bool:
        """Is any cue's stem in the window before this number? (One search instead of one per cue.)"""
        if self.lowered is None:
            return True
        return _ANY_STEM.search(self.lowered, max(0, position - _REACH), position) is not None


# --- card context: CVV and expiry -------------------------------------------------------------------

_DATE = re.compile(r"(?<![0-9/.\-])(?:0?[1-9]|1[0-2])\s?[/\-.]\s?(?:20)?[0-9]{2}(?![0-9]|[/.\-][0-9])")
_EXPIRY_COMPACT = re.compile(r"(?:0[1-9]|1[0-2])(?:20)?[0-9]{2}")
_CVV_DIGITS = re.compile(r"[0-9]{3,4}(?![/.\-]?[0-9])")
# Between a PAN and its expiry/CVV: punctuation, spaces and a few card words, nothing else.
_TAIL_FILLER = re.compile(rf"[^\w\n]+|(?:{_CVV_WORDS}|{_EXPIRY_WORDS}|code|date|and|is|on)\b", re.IGNORECASE)


def _card_tail(norm: str, position: int) -> list[Finding]:
    """Expiry and CVV right after a PAN, with only punctuation and card words in between."""
    found: list[Finding] = []
    limit = min(len(norm), position + _REACH)
    while position < limit:
        date = _DATE.match(norm, position)
        if date and not found:
            found.append(Finding("EXPIRY", date.start(), date.end()))
            position = date.end()
            continue
        cvv = _CVV_DIGITS.match(norm, position)
        if cvv and not norm[position - 1].isalnum():
            found.append(Finding("CVV", cvv.start(), cvv.end()))
            break
        filler = _TAIL_FILLER.match(norm, position)
        if not filler:
            break
        position = filler.end()
    return found


def _card_context(text: _Text, start: int, end: int) -> Finding | None:
    """A CVV or expiry date starting at this number, told by the words before it."""
    norm, size = text.norm, end - start
    if size in (3, 4) and _CVV_DIGITS.match(norm, start) and text.preceded_by(_CVV_BEFORE, start):
        return Finding("CVV", start, end)
    date = _DATE.match(norm, start) if size <= 2 else None
    if date:
        line_start = max(norm.rfind("\n", 0, start) + 1, start - _REACH)
        if text.preceded_by(_EXPIRY_BEFORE, start) or text.cue(_CARD_WORD, line_start, start):
            return Finding("EXPIRY", start, date.end())
    if size in (4, 6) and _EXPIRY_COMPACT.fullmatch(norm, start, end) and text.preceded_by(_EXPIRY_BEFORE, start):
        return Finding("EXPIRY", start, end)
    return None


# --- bank identifiers -------------------------------------------------------------------------------

_ACCOUNT_DIGITS = re.compile(r"[0-9](?:[ \-]?[0-9]){4,16}(?![0-9])")


def _bank(text: _Text, start: int, end: int) -> list[Finding]:
    """An account number after an account word; a routing number (ABA checksum) near a bank word, and
    the account numbers around it."""
    norm = text.norm
    found = []
    if text.preceded_by(_ACCOUNT_BEFORE, start):
        account = _ACCOUNT_DIGITS.match(norm, start)
        if account:
            found.append(Finding("US_ACCOUNT", start, account.end()))
    if end - start == 9 and rtn.is_valid(norm[start:end]):
        around_start, around_end = max(0, start - _REACH), end + _REACH
        if text.cue(_BANK_WORD, around_start, around_end):
            found.append(Finding("US_ROUTING", start, end))
            found += [
                Finding("US_ACCOUNT", m.start(), m.end()) for m in _DIGITS.finditer(norm, around_start, around_end)
                if m.start() != start and 5 <= m.end() - m.start() <= 17
                and not norm[m.start() - 1:m.start()].isdigit() and not norm[m.end():m.end() + 1].isdigit()
            ]
    return found


# --- PII the guardrail anonymizes -------------------------------------------------------------------

_EMAIL_LOCAL = re.compile(r"[\w.+\-]{1,64}\Z")
_EMAIL_DOMAIN = re.compile(r"[\w\-]+(?:\.[\w\-]+)+")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+[0-9]{1,3}(?:[ .\-]?\([0-9]{1,4}\))?(?:[ .\-]?[0-9]{1,5}){1,5}"  # international
    r"|\([0-9]{3}\)[ .\-]?[0-9]{3}[ .\-][0-9]{4}"  # (555) 123-4567
    r"|[0-9]{3}([.\-])[0-9]{3}\1[0-9]{4}"  # 555-123-4567, 555.123.4567
    r"|[0-9]{3} [0-9]{3} [0-9]{4}"
    r")"
)
_PHONE_AFTER_WORD = re.compile(r"\+?\(?[0-9][0-9 ().\-]{5,18}[0-9](?![0-9])")


def _emails(norm: str) -> list[Finding]:
    found = []
    at = norm.find("@")
    while at >= 0:
        local = _EMAIL_LOCAL.search(norm, max(0, at - 64), at)
        domain = _EMAIL_DOMAIN.match(norm, at + 1)
        if local and domain:
            found.append(Finding("EMAIL", local.start(), domain.end()))
        at = norm.find("@", domain.end() if domain else at + 1)
    return found


def _phone_digits_ok(candidate: str) -> bool:
    return 7 <= sum(c.isdigit() for c in candidate) <= 15


def _phones(norm: str, start: int, end: int) -> list[Finding]:
    """Phone numbers in their usual written forms (+CC ..., (555) 123-4567, 555-123-4567, 555 123 4567)
    in the numeric stretch norm[start:end]."""
    found = []
    position = start - 1 if start and norm[start - 1] in "+(" else start
    while match := _PHONE.search(norm, position, end):
        after = norm[match.end():match.end() + 1]
        if not (after.isalnum() or after == "_") and _phone_digits_ok(match.group()):
            found.append(Finding("PHONE", match.start(), match.end()))
        position = match.end()
    return found


def _phone_after_word(text: _Text, start: int) -> Finding | None:
    begin = start - 1 if start and text.norm[start - 1] in "+(" else start
    if text.preceded_by(_PHONE_BEFORE, begin):
        match = _PHONE_AFTER_WORD.match(text.norm, begin)
        if match and _phone_digits_ok(match.group()):
            return Finding("PHONE", match.start(), match.end())
    return None


# --- putting it together ----------------------------------------------------------------------------

# Numbers that words can give a meaning to: 3 digits or more, or the month of a date; not the later
# pieces of an amount, a time or a date ("1,234.56", "10:23", "15/03/2024").
_CONTEXT_NUMBER = re.compile(
    r"[0-9](?<![0-9]{2})(?<![0-9][,.:/\-][0-9])(?:[0-9]{2,}|[0-9]?(?=\s?[/\-.]\s?[0-9]{2}))"
)
# The first pass, over the whole message, is one bytes.translate (C, a table lookup per byte) of the
# digit-normalized text encoded 1:1 (each non-ASCII character becomes "?"), to classes: "0" a digit,
# "s" a character that can sit inside a number (separators, phone punctuation, "?" for any non-ASCII
# character, since non-ASCII separators exist), "@", and " " for everything else. The numeric stretches,
# runs of "0" and "s" from a digit to a digit, are then found with bytes.find; each detector runs only
# on a stretch (and the few characters before it), so the cost follows the numbers, not the bytes.
def _class_table() -> bytes:
    table = bytearray(b" " * 256)
    for byte in b"0123456789":
        table[byte] = ord("0")
    for byte in b" \t_./\\-\r\n\x0b\x0c>()+?":
        table[byte] = ord("s")
    table[ord("@")] = ord("@")
    return bytes(table)


_CLASSES = _class_table()
_STRETCH = re.compile(rb"0[0s]*")


def _classes(norm: str) -> bytes:
    return norm.encode("ascii", "replace").translate(_CLASSES)


def _resolve(candidates: list[Finding]) -> list[Finding]:
    """Non-overlapping findings by priority. A PAN that straddles a winner widens it: no card digit survives."""
    accepted: list[Finding] = []
    for candidate in sorted(candidates, key=lambda f: (_RANK[f.kind], f.start, -f.end)):
        overlapping = [f for f in accepted if f.start < candidate.end and candidate.start < f.end]
        if not overlapping:
            accepted.append(candidate)
        elif candidate.kind == "PAN":
            for winner in overlapping:
                accepted[accepted.index(winner)] = Finding(
                    winner.kind, min(winner.start, candidate.start), max(winner.end, candidate.end)
                )
    return sorted(accepted, key=lambda f: f.start)


def redact(text: str) -> Redaction:
    """Replace every PAN, card context, bank identifier, email and phone number in `text` (deterministic)."""
    norm = _normalized(text)
    classes = _classes(norm)
    at = classes.find(b"@")
    digit = classes.find(b"0")
    if at < 0 and digit < 0:
        return Redaction(text, ())
    candidates = _emails(norm) if at >= 0 else []
    last_four: dict[int, str] = {}
    context: _Text | None = None
    iban: _IbanCandidate | None = None
    while digit >= 0:
        start = digit
        cards: list[tuple[int, int]] = []  # numbers inside a PAN need no further look: the PAN wins
        end = start + len(_STRETCH.match(classes, start).group().rstrip(b"s"))
        digits = classes.count(b"0", start, end)
        if (starting := _iban_candidate_at(norm, start)) is not None:
            iban = starting  # an IBAN-shaped token can span later stretches ("GB82 WEST 1234 ...")
            if iban.valid(norm):
                candidates.append(Finding("IBAN", iban.start, iban.end))
        if digits >= 13:
            for chain in _chains(norm, start, end):
                for pan_start, pan_end, pan in _pans(norm, chain):
                    # Inside a mistyped IBAN's BBAN (past its country code and check digits) it is not a card.
                    if not (iban and iban.shaped_around(norm, pan_start, pan_end)):
                        candidates.append(Finding("PAN", pan_start, pan_end))
                        candidates += _card_tail(norm, pan_end)
                        last_four[pan_start] = pan[-4:]
                        cards.append((pan_start, pan_end))
        if digits >= 7:
            candidates += _phones(norm, start, end)
        if context is None:
            lowered = norm.lower()
            context = _Text(norm, lowered if len(lowered) == len(norm) else None)
        for number in _CONTEXT_NUMBER.finditer(norm, start, end):
            number_start, number_end = number.span()
            if any(card_start <= number_start < card_stop for card_start, card_stop in cards):
                continue
            # A routing number's bank word may follow it; every other cue comes before its number.
            if number_end - number_start == 9 or context.any_cue_before(number_start):
                if card := _card_context(context, number_start, number_end):
                    candidates.append(card)
                candidates += _bank(context, number_start, number_end)
                if phone := _phone_after_word(context, number_start):
                    candidates.append(phone)
        digit = classes.find(b"0", end)
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
