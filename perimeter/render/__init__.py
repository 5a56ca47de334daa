"""Small renderers over one Report. Each exposes `render(report) -> str`."""

from importlib import import_module

FORMATS = ("text", "json", "sarif", "junit", "markdown")


def render(report, format_name: str) -> str:
    module = import_module(f"{__name__}.{format_name}_format")
    return module.render(report)
