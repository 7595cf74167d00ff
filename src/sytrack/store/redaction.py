"""Passwords out of every text sytrack prints about a server store: locations and driver messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

HIDDEN = "***"
URL_SCHEMES = ("postgresql://", "postgres://")
# user:password@ in any URL; the password runs to the last @ of the word (a raw @ in it included).
_USERINFO = re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^\s/?#@:\"']*):([^\s\"']*)@")
# key=value where the key, percent-decoded, is `password`: in a URL's query (ends at & or #) or in
# a libpq connection string (a quoted value with \\-escapes, or a run of non-blanks).
_PAIR = re.compile(r"([\w%.-]+)(\s*=\s*)('(?:[^'\\]|\\.)*(?:'|$)|[^\s'\"&#]*)")
_CONNINFO_PAIR = re.compile(r"([\w%.-]+)(\s*=\s*)('(?:[^'\\]|\\.)*(?:'|$)|[^\s'\"]*)")
SECRET_KEYS = frozenset({"password"})
# A secret this short is also a common piece of text: hiding it everywhere would garble messages,
# and the patterns above already hide it wherever a location is quoted.
_SHORTEST_SECRET = 3


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every password hidden: `user:pw@` in a URL, `password=` in a URL's query or in
    a key=value connection string (its key percent-encoded or not), and any of `secrets` (the
    passwords of the location in use, raw and decoded) wherever else they appear."""
    text = _USERINFO.sub(lambda m: f"{m.group(1)}:{HIDDEN}@", text)
    pairs = _PAIR if _is_url(text) else _CONNINFO_PAIR
    text = pairs.sub(_hide_secret_pair, text)
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= _SHORTEST_SECRET:
            text = text.replace(secret, HIDDEN)
    return text


def _is_url(text: str) -> bool:
    """A location written as one URL: its query's values end at & (a connection string's do not)."""
    return text.startswith(URL_SCHEMES) and not any(c.isspace() for c in text)


def _hide_secret_pair(match: re.Match) -> str:
    if unquote(match.group(1)).lower() not in SECRET_KEYS:
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{HIDDEN}"


def secrets_in(location: str) -> list[str]:
    """The passwords a location holds, as written and decoded: hidden in any message that echoes them."""
    found: list[str] = [m.group(2) for m in _USERINFO.finditer(location)]
    pairs = _PAIR if _is_url(location) else _CONNINFO_PAIR
    for match in pairs.finditer(location):
        if unquote(match.group(1)).lower() in SECRET_KEYS:
            value = match.group(3)
            found.append(value)
            if value.startswith("'"):
                inner = re.match(r"'((?:[^'\\]|\\.)*)", value).group(1)  # what the quotes hold, escaped
                found.append(re.sub(r"\\(.)", r"\1", inner))
    return [form for secret in found if secret for form in {secret, unquote(secret)}]
