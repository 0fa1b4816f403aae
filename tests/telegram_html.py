"""Telegram's rules for HTML messages, as the fake Bot API applies them to `sendMessage`.

`parse_html` returns the text Telegram would show, or raises `HtmlError` with Telegram's wording where
Telegram answers "Bad Request: can't parse entities"; `utf16_len` counts as Telegram counts the limit.
"""

from __future__ import annotations

import re

_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span"}
_TAGS |= {"tg-spoiler", "blockquote", "tg-emoji"}
_REQUIRED = {"a": ("href", None), "span": ("class", "tg-spoiler"), "tg-emoji": ("emoji-id", None)}
_PIECE_RE = re.compile(r"<[^<>]*>|<|&[^;&<\s]*;?|[^<&]+")
_VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s"'>]+)"""
_TAG_RE = re.compile(rf"<(/?)([a-zA-Z][\w-]*)((?:\s+[a-zA-Z][\w-]*(?:\s*=\s*{_VALUE})?)*)\s*>")
_ATTR_RE = re.compile(rf"([a-zA-Z][\w-]*)(?:\s*=\s*({_VALUE}))?")
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class HtmlError(ValueError):
    """Text Telegram's HTML parse mode refuses; the message is Telegram's wording."""


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def parse_html(text: str) -> str:
    """The text Telegram shows for `text` in HTML parse mode, or HtmlError as Telegram words it."""
    shown: list[str] = []
    stack: list[str] = []
    for piece in _PIECE_RE.finditer(text):
        raw, at = piece.group(0), len(text[: piece.start()].encode())
        if raw.startswith("<"):
            _check_tag(raw, at, stack)
        elif raw.startswith("&"):
            shown.append(_decode_entity(raw, at))
        else:
            shown.append(raw)
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(shown)


def _check_tag(raw: str, at: int, stack: list[str]) -> None:
    tag = _TAG_RE.fullmatch(raw)
    if tag is None:
        raise HtmlError(f"Unclosed start tag at byte offset {at}")
    closing, name = tag.group(1), tag.group(2).lower()
    if closing:
        if not stack:
            raise HtmlError(f"Unexpected end tag at byte offset {at}")
        if stack[-1] != name:
            raise HtmlError(f'Unmatched end tag at byte offset {at}, expected "</{stack[-1]}>", found "</{name}>"')
        stack.pop()
        return
    if name not in _TAGS:
        raise HtmlError(f'Unsupported start tag "{name}" at byte offset {at}')
    attrs = {m.group(1).lower(): (m.group(2) or "").strip("\"'") for m in _ATTR_RE.finditer(tag.group(3))}
    if name in _REQUIRED:
        key, value = _REQUIRED[name]
        if key not in attrs or (value is not None and attrs[key] != value):
            raise HtmlError(f'Tag "{name}" must have attribute "{key}" at byte offset {at}')
    stack.append(name)


def _decode_entity(raw: str, at: int) -> str:
    entity = _ENTITY_RE.fullmatch(raw)
    if entity is None:
        raise HtmlError(f"Unsupported HTML entity at byte offset {at}")
    if entity.group(3):
        return _NAMED[entity.group(3)]
    code = int(entity.group(1)) if entity.group(1) else int(entity.group(2), 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise HtmlError(f"Invalid character in HTML entity at byte offset {at}")
    return chr(code)
