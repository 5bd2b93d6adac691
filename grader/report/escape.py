"""Make candidate-controlled text safe to show in a terminal or in Markdown.

Test messages, flag messages and the submission path can all be shaped by the
candidate, so every renderer treats them as hostile: a message must not be able
to recolour or clear the instructor's terminal, forge report lines, inject
markup, or turn into a link, image, HTML tag or broken table in a PR comment.
"""

from __future__ import annotations

import re

# Whole escape sequences go, not just the ESC byte: "\x1b[31m" minus ESC would
# still leave "[31m" noise, and OSC 8 hyperlinks carry a URL we must not show as
# a link. Covers CSI (7- and 8-bit), OSC (BEL or ST terminated), DCS/SOS/PM/APC
# strings and the two-byte Fe/Fp/Fs escapes.
_ANSI_RE = re.compile(
    r"""
    (?: \x1b\[ | \x9b ) [0-?]* [ -/]* [@-~]                     # CSI
  | (?: \x1b[\]PX^_] | [\x90\x98\x9d\x9e\x9f] )                 # OSC, DCS, SOS, PM, APC
        [^\x07\x1b\x9c]* (?: \x07 | \x1b\\ | \x9c )?            # ... up to BEL/ST
  | \x1b [ -/]* [0-~]                                           # other escapes
    """,
    re.VERBOSE,
)

# Every way a string can start a new line, folded into "\n" first so that the
# later steps only have one line break to handle.
_NEWLINE_RE = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")

# C0 and C1 controls and DEL (tab and newline are handled apart), plus the
# Unicode bidi overrides/isolates that can visually reorder a line
# ("Trojan Source") and make a failing message read as a passing one.
_CONTROL_RE = re.compile(
    r"[\x00-\x08\x0e-\x1f\x7f-\x9f"  # C0 without \t \n, DEL, C1
    r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # bidi marks, embeddings, isolates
)

_BLANK_LINES_RE = re.compile(r"[ \t]*\n[ \t\n]*")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def strip_control(text: str, *, keep_newlines: bool = False) -> str:
    """Remove terminal escape sequences and show other control characters as `\\xNN`.

    Newlines are collapsed to a single space unless `keep_newlines` is set; tabs
    become spaces so that they cannot misalign tables.
    """
    text = _ANSI_RE.sub("", text)
    text = _NEWLINE_RE.sub("\n", text)
    text = text.replace("\t", " ")
    text = _CONTROL_RE.sub(_visible, text)
    if not keep_newlines:
        text = _BLANK_LINES_RE.sub(" ", text).strip()
    return text


def truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, marking the cut with an ellipsis."""
    if limit < 1:
        return ""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def one_line(text: str, limit: int | None = None) -> str:
    """Hostile text as one safe terminal line, optionally truncated."""
    text = strip_control(text)
    return truncate(text, limit) if limit is not None else text


# Backslash escapes (valid for any ASCII punctuation in CommonMark) for every
# character that starts emphasis, code, links, images, headings, strikethrough or
# math, or breaks a GFM table. ":" and "." are included so that bare URLs and
# "www." hosts are not auto-linked by GFM.
_MD_SPECIAL = frozenset("\\`*_[]()#!|~:.$")
# HTML's own metacharacters become entities: a backslash before "<" is honoured
# by CommonMark but not by every HTML sanitiser a comment may pass through.
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# GitHub turns "@name" into a mention (a notification to that user) and "#12"
# into an issue link after Markdown is rendered, so backslashes cannot stop them;
# a zero-width space right after the sigil does, and also breaks e-mail autolinks.
_ZWSP = "\u200b"
_MD_SIGILS = {"@": "@" + _ZWSP, "#": "\\#" + _ZWSP}
# These only mean something at the start of a line (list item, setext heading).
_MD_LINE_START = frozenset("-+=")


def md_escape(text: str, limit: int | None = None) -> str:
    """Hostile text as inert inline Markdown, safe inside a GFM table cell.

    Truncation happens before escaping so that an escape is never cut in half.
    """
    text = one_line(text, limit)
    out: list[str] = []
    for char in text:
        if char in _MD_ENTITIES:
            out.append(_MD_ENTITIES[char])
        elif char in _MD_SIGILS:
            out.append(_MD_SIGILS[char])
        elif char in _MD_SPECIAL:
            out.append("\\" + char)
        else:
            out.append(char)
    if out and out[0] in _MD_LINE_START:
        out[0] = "\\" + out[0]
    return "".join(out)
