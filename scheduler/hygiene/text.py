"""What text may hold: printable characters, and line breaks only where free text allows them.

Control characters (NUL above all: PostgreSQL cannot store it in text) and lone surrogates (not
text at all: no encoder writes them) are refused where input enters, naming the field. Bidi
overrides are refused too: they make a name or a note read differently from what it holds.
Joiners (U+200C, U+200D) stay: names in several scripts and emoji need them.
"""

from __future__ import annotations

import unicodedata

# Explicit embeddings, overrides and isolates (the "Trojan Source" characters).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Control (Cc), surrogate (Cs), line and paragraph separators (Zl, Zp).
REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
# Free text (reasons, summaries) may run over several lines; tabs are kept as typed.
FREE_TEXT_BREAKS = frozenset("\n\t")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` is not acceptable text, or None."""
    if value.isprintable():
        return None  # every character refused below is one Python calls unprintable
    allowed = FREE_TEXT_BREAKS if multiline else frozenset()
    for ch in value:
        if ch in allowed:
            continue
        category = unicodedata.category(ch)
        if category == "Cs":
            return f"a lone surrogate (U+{ord(ch):04X}) is not text"
        if category in REFUSED_CATEGORIES or ch in BIDI_CONTROLS:
            what = "a line break" if ch in "\n\r" or category in ("Zl", "Zp") else "a control"
            return f"{what} character (U+{ord(ch):04X}) is not allowed here"
    return None


def one_line(value: str) -> str:
    """A name, a track, a short reason: one line of printable text."""
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def free_text(value: str) -> str:
    """A reason or a summary: printable text over lines. A browser sends a form's line breaks
    as CR LF; they are stored as LF."""
    value = value.replace("\r\n", "\n")
    problem = text_problem(value, multiline=True)
    if problem:
        raise ValueError(problem)
    return value


def shown(value: str, limit: int = 60) -> str:
    """A value quoted for an error message: escaped, so it can be printed, logged and encoded."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
