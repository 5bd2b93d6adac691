"""IPython.display as code run outside a notebook sees it: objects kept, nothing rendered."""

from grader.harness.shell import (
    HTML,
    JSON,
    SVG,
    Audio,
    Code,
    DisplayObject,
    Image,
    Javascript,
    Latex,
    Markdown,
    Math,
    Pretty,
    Video,
    clear_output,
    display,
    update_display,
)

display_html = display_markdown = display_latex = display_json = display
display_javascript = display_png = display_jpeg = display_svg = display_pretty = display

__all__ = [
    "HTML",
    "JSON",
    "SVG",
    "Audio",
    "Code",
    "DisplayObject",
    "Image",
    "Javascript",
    "Latex",
    "Markdown",
    "Math",
    "Pretty",
    "Video",
    "clear_output",
    "display",
    "display_html",
    "display_javascript",
    "display_jpeg",
    "display_json",
    "display_latex",
    "display_markdown",
    "display_png",
    "display_pretty",
    "display_svg",
    "update_display",
]
