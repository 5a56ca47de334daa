"""Property tests: any Luhn-valid PAN, written any supported way, inside arbitrary text, is gone.

Supported ways (see assistant/redaction.py): no separators; groups where every group but the last has at
least 3 digits, or uniform groups; any mix of separators (space, dash, dot, slash, underscore, Unicode
spaces, dashes, zero-width and full-width forms) and line breaks, including a wrap inside a group; any
Unicode decimal digits, mixed per digit. The surrounding text is drawn from an alphabet with no digits
and no "@", so the only detector that can fire is the PAN one and the rest of the text must survive
byte for byte.
"""

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from assistant.redaction import redact

SEPARATORS = [" ", "-", ".", "/", "_", "  ", "\t", "\u00a0", "\u2009", "\u3000", "\u2013", "\u2014", "\u2212",
              "\uff0d", "\uff0e", "\uff0f", "\u200b", "\ufeff", "\n", "\r\n", "-\n", " \n  ", "\n> "]
LINE_WRAPS = ["\n", "\r\n", "\u2028"]
# Zero code points of some Unicode Nd scripts: ASCII, full-width, Arabic-Indic, Devanagari, Bengali, Thai,
# Tibetan, Myanmar, mathematical bold and monospace (outside the BMP).
DIGIT_ZEROS = [0x30, 0xFF10, 0x0660, 0x0966, 0x09E6, 0x0E50, 0x0F20, 0x1040, 0x1D7CE, 0x1D7F6]
SURROUNDING = st.text(
    alphabet=st.characters(
        blacklist_categories=("Nd", "Cs"), blacklist_characters="@0123456789", min_codepoint=0x20, max_codepoint=0x2FFF,
    ) | st.sampled_from(list(" .,;:!?#()[]\"'*-/\n")),
    max_size=40,
)


@st.composite
def pans(draw):
    length = draw(st.integers(13, 19))
    body = draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
    return body + luhn.calc_check_digit(body)


@st.composite
def groupings(draw, length):
    """Group sizes summing to `length` that a person types for a card."""
    style = draw(st.sampled_from(["none", "fours", "card-network", "three-plus", "uniform"]))
    if style == "none":
        return [length]
    if style == "fours":
        return [4] * (length // 4) + ([length % 4] if length % 4 else [])
    if style == "card-network" and length in (14, 15):
        return [4, 6, length - 10]
    if style == "uniform":
        size = draw(st.integers(1, 5))
        return [size] * (length // size) + ([length % size] if length % size else [])
    sizes = []
    while length - sum(sizes) > 0:
        remaining = length - sum(sizes)
        size = draw(st.integers(min(3, remaining), remaining))
        sizes.append(size)
    return sizes


@st.composite
def written_pans(draw):
    """(ascii digits, the PAN as written)."""
    pan = draw(pans())
    sizes = draw(groupings(len(pan)))
    mixed_scripts = draw(st.booleans())
    zero = draw(st.sampled_from(DIGIT_ZEROS))
    characters = [chr((draw(st.sampled_from(DIGIT_ZEROS)) if mixed_scripts else zero) + int(d)) for d in pan]
    wrap_at = draw(st.none() | st.integers(1, len(pan) - 1))
    written = ""
    position = 0
    for index, size in enumerate(sizes):
        if index:
            written += draw(st.sampled_from(SEPARATORS))
        for offset in range(size):
            if position == wrap_at and offset:
                written += draw(st.sampled_from(LINE_WRAPS))
            written += characters[position]
            position += 1
    return pan, written


def ascii_digits(text):
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written_pans(), SURROUNDING, SURROUNDING)
def test_any_pan_in_any_supported_format_is_gone(pan_and_written, before, after):
    pan, written = pan_and_written
    text = before + written + after
    result = redact(text)

    assert result.text == f"{before}[CARD ****{pan[-4:]}]{after}"
    digits_left = re.sub(r"\D", "", ascii_digits(result.text))
    assert digits_left == pan[-4:]
    assert pan not in ascii_digits(result.text)
    assert [(f.kind, text[f.start:f.end]) for f in result.findings] == [("PAN", written)]


@settings(max_examples=200, deadline=None)
@given(written_pans(), SURROUNDING, SURROUNDING)
def test_redacting_twice_changes_nothing(pan_and_written, before, after):
    once = redact(before + pan_and_written[1] + after).text
    assert redact(once).text == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_redaction_is_idempotent_and_offsets_are_ordered_spans(text):
    result = redact(text)
    assert redact(result.text).text == result.text
    previous_end = 0
    for finding in result.findings:
        assert previous_end <= finding.start < finding.end <= len(text)
        previous_end = finding.end
    # Outside the findings the text is untouched, in order.
    kept = [text[a:b] for a, b in zip([0] + [f.end for f in result.findings], [f.start for f in result.findings] + [len(text)])]
    position = 0
    for piece in kept:
        found = result.text.find(piece, position)
        assert found >= 0
        position = found + len(piece)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(written_pans(), SURROUNDING), min_size=2, max_size=4))
def test_several_pans_in_one_message_are_all_gone(parts):
    text = " | ".join(written + filler for (_, written), filler in parts)
    result = redact(text)
    assert [f.kind for f in result.findings] == ["PAN"] * len(parts)
    for (pan, _), _filler in parts:
        assert pan not in re.sub(r"\D", "", ascii_digits(result.text))
