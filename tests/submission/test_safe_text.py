from grader.submission import safe_text


def test_plain_text_is_unchanged():
    assert safe_text("solution.py:3: invalid syntax") == "solution.py:3: invalid syntax"


def test_ansi_sequences_are_removed():
    assert safe_text("\x1b[31mred\x1b[0m \x1b]0;pwned\x07title \x1b]8;;http://x\x1b\\link") == (
        "red title link"
    )


def test_control_and_format_characters_are_escaped():
    out = safe_text("a\nb\rc\td\x00e\x7ff\u202eg\u2028h")
    assert all(ch.isprintable() for ch in out)
    assert out == "a\\x0ab\\x0dc\\x09d\\x00e\\x7ff\\u202eg\\u2028h"


def test_undecodable_file_name_bytes_are_escaped():
    assert safe_text("bad\udcffname") == "bad\\udcffname"


def test_long_text_is_cut_with_an_ellipsis():
    out = safe_text("x" * 500)
    assert len(out) == 80
    assert out.endswith("…")
    assert safe_text("y" * 500, limit=20) == "y" * 19 + "…"


def test_escapes_are_never_cut_in_half():
    out = safe_text("\x01" * 50, limit=10)
    assert out == "\\x01\\x01…"


def test_non_ascii_text_is_kept():
    assert safe_text("lösung — 解答.py") == "lösung — 解答.py"
