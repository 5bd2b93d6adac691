"""Exceptions whose names, messages and file names carry terminal escapes, HTML and Markdown.

ZeroDivisionError is one of the exception types whose message reports show, so its message
reaches the report; type names and file names always do.
"""

PAYLOAD = (
    "\x1b[2J\x1b[31m\x1b]8;;http://evil.example\x07click\x1b]8;;\x07 "
    "<img src=x onerror=alert(1)> <script>alert(1)</script> "
    "[click](http://evil.example) ![pwn](http://evil.example/p.png) @everyone #1 "
    "| forged | row |\n## Score: 12/12"
)


class ZeroDivisionError(Exception):
    pass


Marked = type(PAYLOAD.replace("\n", " "), (Exception,), {})


def squares(n):
    raise ZeroDivisionError(PAYLOAD)


def words(text):
    raise Marked(PAYLOAD)


def unique(values):
    where = "/tmp/work/\x1b[31m<b>[x](http://evil.example).py"
    exec(compile("raise ValueError('x')", where, "exec"))
