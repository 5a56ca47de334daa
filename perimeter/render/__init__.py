"""Small renderers over one Report. Each exposes `render(report) -> str`.

Every output goes through `printable`: a resource name or message may hold any
character the program or AWS put there, and a report must still parse (JUnit
XML forbids most control characters) and must not drive the reader's terminal.
"""

import re
from importlib import import_module

FORMATS = ("text", "json", "sarif", "junit", "markdown")
# C0 controls but tab and newline, DEL and C1 controls, lone surrogates, and XML's two non-characters.
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def printable(text: str) -> str:
    return UNPRINTABLE.sub(REPLACEMENT, text)


def render(report, format_name: str) -> str:
    module = import_module(f"{__name__}.{format_name}_format")
    return printable(module.render(report))
