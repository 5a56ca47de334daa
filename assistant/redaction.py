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

import functools
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass

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


# --- characters -------------------------------------------------------------------------------------

# Separators a person (or a mail client, or an evasive one) puts inside a card number.
_INLINE_SEP = (
    " \t_./\\-"
    "\u00a0\u1680\u2000-\u200d\u2060\u202f\u205f\u3000\ufeff"  # spaces, zero-width characters
    "\u2010-\u2015\u2212\ufe58\ufe63"  # hyphens and dashes
    "\uff0d\uff0e\uff0f\uff3f\uff3c\u3002"  # full-width - . / _ \ and the ideographic full stop
)
_LINE_BREAK = r"(?:\r\n|[\n\r\x0b\x0c\x85\u2028\u2029])"
_SEP = rf"(?:[{_INLINE_SEP}]?{_LINE_BREAK}[{_INLINE_SEP}>]{{0,4}}|[{_INLINE_SEP}]{{1,2}})"
_LINE_BREAK_CHARS = frozenset("\r\n\x0b\x0c\x85\u2028\u2029")

# A chain of at least 13 decimal digits (any script: `\d` on str is Unicode Nd), one separator between any two.
_CHAIN = re.compile(rf"\d(?:{_SEP}?\d){{12,}}")
_DIGIT_GROUP = re.compile(r"\d+")
_HAS_TRIGGER = re.compile(r"[\d@]")


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


# --- PAN --------------------------------------------------------------------------------------------

def _plausible_grouping(sizes: list[int]) -> bool:
    """Could a person have typed a card number with these digit groups? (see the module docstring)"""
    if len(sizes) == 1:
        return True
    leading = sizes[:-1]
    if all(size >= 3 for size in leading):
        return True
    return len(set(leading)) == 1 and sizes[-1] <= leading[0]


def _window_sizes(groups: list[tuple[int, int, bool]], first: int, last: int) -> list[int]:
    """Group sizes in groups[first..last], merging groups that only a line break separates."""
    sizes: list[int] = []
    for index in range(first, last + 1):
        start, end, after_line_break = groups[index]
        if sizes and after_line_break:
            sizes[-1] += end - start
        else:
            sizes.append(end - start)
    return sizes


def _pan_windows(text: str, chain_start: int, chain_end: int) -> list[tuple[int, int, str]]:
    """PANs inside one chain, as (start, end, ascii digits); leftmost first, longest at each start."""
    groups: list[tuple[int, int, bool]] = []
    previous_end = None
    for match in _DIGIT_GROUP.finditer(text, chain_start, chain_end):
        after_break = previous_end is not None and any(c in _LINE_BREAK_CHARS for c in text[previous_end:match.start()])
        groups.append((match.start(), match.end(), after_break))
        previous_end = match.end()
    found = []
    first = 0
    while first < len(groups):
        best = None
        digits = ""
        for last in range(first, len(groups)):
            digits += _ascii_digits(text[groups[last][0]:groups[last][1]])
            if len(digits) > 19:
                break
            if len(digits) >= 13 and luhn.is_valid(digits) and _plausible_grouping(_window_sizes(groups, first, last)):
                best = (last, digits)
        if best is None:
            first += 1
            continue
        last, digits = best
        found.append((groups[first][0], groups[last][1], digits))
        first = last + 1
    return found


# --- IBAN -------------------------------------------------------------------------------------------

_IBAN_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ \-]?[A-Za-z0-9]){10,30}")
_IBAN_END = re.compile(r"[A-Za-z0-9](?=[ \-]|$)")


def _iban_tokens(text: str):
    """(start, end, checksum_valid) for IBANs, and IBAN-shaped tokens whose only fault is their check digits."""
    for candidate in _IBAN_CANDIDATE.finditer(text):
        body = candidate.group()
        ends = [m.end() for m in _IBAN_END.finditer(body)]
        for end in reversed(ends):
            compact = stdnum_iban.compact(body[:end])
            if len(compact) < 15:
                break
            if stdnum_iban.is_valid(compact):
                yield candidate.start(), candidate.start() + end, True
                break
            repaired = compact[:2] + stdnum_iban.calc_check_digits(compact) + compact[4:]
            if stdnum_iban.is_valid(repaired, check_country=False):
                yield candidate.start(), candidate.start() + end, False
                break


# --- card context: CVV and expiry -------------------------------------------------------------------

_MONTH_YEAR = r"(?:0?[1-9]|1[0-2])\s?[/\-.]\s?(?:20)?\d{2}"
_DATE = re.compile(rf"(?<![\d/.\-]){_MONTH_YEAR}(?![\d]|[/.\-]\d)")
_EXPIRY_COMPACT = re.compile(r"(?:0[1-9]|1[0-2])(?:20)?\d{2}(?!\d)")
_CVV_DIGITS = re.compile(r"\d{3,4}(?![\d/.\-]\d|\d)")
_CARD_CONTEXT_WORDS = (
    r"cvv2?|cvc2?|cvn|cid|csc|security\s+code|verification\s+(?:code|value)|"
    r"exp(?:iry|iration|ires|ired)?(?:\s+date)?|valid\s+(?:thru|through|until)|good\s+thru|"
    r"code|date|and|is|on"
)
# Between a PAN and its CVV/expiry: punctuation, spaces and a few card words, nothing else.
_TAIL_FILLER = re.compile(rf"(?:[^\w\n]+|(?:{_CARD_CONTEXT_WORDS})\b)", re.IGNORECASE)
_TAIL_BUDGET = 40
_CVV_WORD = re.compile(
    r"\b(?:cvv2?|cvc2?|cvn|cid|csc|security\s+code|card\s+verification(?:\s+(?:code|value))?)\b"
    r"[^\w\n]{0,4}(?:(?:is|was|code|number|no)\b[^\w\n]{0,4}){0,2}",
    re.IGNORECASE,
)
_EXPIRY_WORD = re.compile(
    r"\b(?:exp(?:iry|iration|ires|ired)?|valid\s+(?:thru|through|until)|good\s+thru)\b"
    r"[^\w\n]{0,4}(?:(?:date|is|on|in|of)\b[^\w\n]{0,4}){0,2}",
    re.IGNORECASE,
)
_CARD_WORD = re.compile(r"\b(?:card|visa|master\s?card|amex|discover|jcb|diners|maestro|unionpay)\b", re.IGNORECASE)
_CARD_WORD_REACH = 40


def _card_tail(text: str, position: int) -> list[Finding]:
    """Expiry and CVV right after a PAN, with only punctuation and card words in between."""
    found = []
    limit = min(len(text), position + _TAIL_BUDGET)
    while position < limit:
        date = _DATE.match(text, position)
        if date and not any(f.kind == "EXPIRY" for f in found):
            found.append(Finding("EXPIRY", date.start(), date.end()))
            position = date.end()
            continue
        cvv = _CVV_DIGITS.match(text, position)
        if cvv and (position == 0 or not text[position - 1].isalnum()):
            found.append(Finding("CVV", cvv.start(), cvv.end()))
            break
        filler = _TAIL_FILLER.match(text, position)
        if not filler:
            break
        position = filler.end()
    return found


def _card_context(text: str, pans: list[Finding]) -> list[Finding]:
    found = []
    for pan in pans:
        found += _card_tail(text, pan.end)
    for word in _CVV_WORD.finditer(text):
        cvv = _CVV_DIGITS.match(text, word.end())
        if cvv:
            found.append(Finding("CVV", cvv.start(), cvv.end()))
    for word in _EXPIRY_WORD.finditer(text):
        date = _DATE.match(text, word.end()) or _EXPIRY_COMPACT.match(text, word.end())
        if date:
            found.append(Finding("EXPIRY", date.start(), date.end()))
    for word in _CARD_WORD.finditer(text):
        line_end = text.find("\n", word.end())
        reach = word.end() + _CARD_WORD_REACH if line_end < 0 else min(line_end, word.end() + _CARD_WORD_REACH)
        date = _DATE.search(text, word.end(), reach)
        if date:
            found.append(Finding("EXPIRY", date.start(), date.end()))
    return found


# --- bank identifiers -------------------------------------------------------------------------------

_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")
_BANK_WORD = re.compile(
    r"\b(?:routing|aba|rtn|transit|ach|wire|bank|account|acct|checking|savings|deposit)\b", re.IGNORECASE
)
_BANK_WORD_REACH = 40
_ACCOUNT_AFTER_WORD = re.compile(
    r"\b(?:account|acct|a/c|checking|savings)\b[^\w\n]{0,3}(?:(?:number|num|no|nr|is|ending|in)\b[^\w\n]{0,3}){0,3}"
    r"(?P<digits>\d(?:[ \-]?\d){4,16})(?!\d)",
    re.IGNORECASE,
)
_ACCOUNT_NEAR_ROUTING = re.compile(r"(?<!\d)\d{5,17}(?!\d)")


def _bank(text: str) -> list[Finding]:
    found = []
    for match in _ACCOUNT_AFTER_WORD.finditer(text):
        found.append(Finding("US_ACCOUNT", match.start("digits"), match.end("digits")))
    for match in _NINE_DIGITS.finditer(text):
        digits = _ascii_digits(match.group())
        if not rtn.is_valid(digits):
            continue
        around_start, around_end = max(0, match.start() - _BANK_WORD_REACH), match.end() + _BANK_WORD_REACH
        if not _BANK_WORD.search(text, around_start, around_end):
            continue
        found.append(Finding("US_ROUTING", match.start(), match.end()))
        for account in _ACCOUNT_NEAR_ROUTING.finditer(text, around_start, around_end):
            if account.start() != match.start():
                found.append(Finding("US_ACCOUNT", account.start(), account.end()))
    return found


# --- PII the guardrail anonymizes -------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+\d{1,3}(?:[ .\-]?\(\d{1,4}\))?(?:[ .\-]?\d{1,5}){1,5}"  # international
    r"|\(\d{3}\)[ .\-]?\d{3}[ .\-]\d{4}"  # (555) 123-4567
    r"|\d{3}([.\-])\d{3}\1\d{4}"  # 555-123-4567, 555.123.4567
    r"|\d{3} \d{3} \d{4}"
    r")(?![\w])"
)
_PHONE_WORD = re.compile(
    r"\b(?:phone|tel|telephone|mobile|cell|call\s+me\s+(?:on|at)|text\s+me\s+(?:on|at)|whatsapp|sms)\b"
    r"[^\w\n]{0,4}(?:(?:number|no|is|on|at)\b[^\w\n]{0,4}){0,2}"
    r"(?P<digits>\+?\(?\d[\d ().\-]{5,18}\d)(?!\d)",
    re.IGNORECASE,
)


def _digit_count(text: str) -> int:
    return sum(c.isdecimal() for c in text)


def _pii(text: str) -> list[Finding]:
    found = []
    if "@" in text:
        found += [Finding("EMAIL", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    for match in _PHONE.finditer(text):
        if 7 <= _digit_count(match.group()) <= 15:
            found.append(Finding("PHONE", match.start(), match.end()))
    for match in _PHONE_WORD.finditer(text):
        if 7 <= _digit_count(match.group("digits")) <= 15:
            found.append(Finding("PHONE", match.start("digits"), match.end("digits")))
    return found


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
                if not (winner.start <= candidate.start and candidate.end <= winner.end):
                    accepted[accepted.index(winner)] = Finding(
                        winner.kind, min(winner.start, candidate.start), max(winner.end, candidate.end)
                    )
    return sorted(accepted, key=lambda f: f.start)


def redact(text: str) -> Redaction:
    """Replace every PAN, card context, bank identifier, email and phone number in `text` (deterministic)."""
    if not _HAS_TRIGGER.search(text):
        return Redaction(text, ())
    ibans = list(_iban_tokens(text))
    candidates = [Finding("IBAN", start, end) for start, end, valid in ibans if valid]
    pans: list[Finding] = []
    last_four: dict[tuple[int, int], str] = {}
    for chain in _CHAIN.finditer(text):
        for start, end, digits in _pan_windows(text, chain.start(), chain.end()):
            if any(s <= start and end <= e for s, e, _ in ibans):
                continue
            pans.append(Finding("PAN", start, end))
            last_four[(start, end)] = digits[-4:]
    candidates += pans
    candidates += _card_context(text, pans)
    candidates += _bank(text)
    candidates += _pii(text)
    findings = _resolve(candidates)
    pieces = []
    cursor = 0
    for finding in findings:
        pieces.append(text[cursor:finding.start])
        if finding.kind == "PAN":
            pieces.append(f"[CARD ****{last_four[(finding.start, finding.end)]}]")
        else:
            pieces.append(_PLACEHOLDER[finding.kind])
        cursor = finding.end
    pieces.append(text[cursor:])
    return Redaction("".join(pieces), tuple(findings))
