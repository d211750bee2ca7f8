"""Plain text as editors paste it, made safe to store and to put in XML (the news feed, the sitemap)."""

from __future__ import annotations

import re

# Word's manual line break (vertical tab) and page break (form feed) sit between words: they become a space.
_BREAKS = re.compile(r"[ \t]*[\x0b\x0c]+[ \t]*")
# Every other C0 control character but tab, newline and carriage return: XML 1.0 forbids them, and no
# editor means them.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")


def without_control_characters(value: str) -> str:
    """`value` with C0 control characters removed (tab and line ends kept, line and page breaks as spaces)."""
    if not value:
        return value
    return _CONTROLS.sub("", _BREAKS.sub(" ", value))
