"""Editing a catalogue: `add`'s new indicator and `merge`'s draft tables, appended to the file's text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sytrack.errors import SytrackError
from sytrack.model import Catalogue
from sytrack.values import parse_date, parse_number


def append_indicator_text(text: str, entry: dict[str, Any], dumps: Callable[[dict], str]) -> str:
    """`text` with one `[[indicator]]` table appended; every existing byte stays as it was."""
    return append_tables_text(text, [], [entry], dumps)


def append_tables_text(text: str, groups: list[dict], indicators: list[dict], dumps: Callable[[dict], str]) -> str:
    """`text` with `[[group]]` and `[[indicator]]` tables appended; every existing byte stays as it was.
    TOML lets arrays of tables continue anywhere in a file, so appending is always valid."""
    newline = "\r\n" if "\r\n" in text else "\n"
    parts = [_array_table(name, entry, dumps) for name, entries in (("group", groups), ("indicator", indicators))
             for entry in entries]
    addition = "\n".join(parts).replace("\n", newline)
    separator = "" if not text or text.endswith(newline * 2) else (newline if text.endswith(("\n", "\r")) else newline * 2)
    return text + separator + addition


def _array_table(name: str, entry: dict[str, Any], dumps: Callable[[dict], str]) -> str:
    """One `[[name]]` table. tomli_w writes an array of short tables inline (`group = [{...}]`),
    which at the end of a file would be a key of the table before it, not a new table."""
    text = dumps({name: [entry]})
    if text.startswith(f"[[{name}]]"):
        return text
    # Short enough to be written inline, so its values are plain or inline, but for a sub-table,
    # which needs its own header under this one.
    plain = {key: value for key, value in entry.items() if not isinstance(value, dict)}
    subtables = "".join(f"\n[{name}.{key}]\n{dumps(value)}" for key, value in entry.items() if isinstance(value, dict))
    return f"[[{name}]]\n{dumps(plain)}{subtables}"


def draft_tables(draft_text: str, catalogue: Catalogue, only: list[str] | None,
                 path: str = "the draft") -> tuple[list[dict], list[dict]]:
    """The groups and indicators of a draft catalogue to bring into `catalogue`: every indicator (or
    those named in `only`) and the groups they need that the catalogue lacks. Raises on clashes."""
    from sytrack.catalogue.parse import read_toml

    draft, failure = read_toml(draft_text, path)
    if draft is None:
        raise SytrackError(str(failure))
    indicators = [i for i in draft.get("indicator", []) if only is None or i.get("id") in only]
    if only is not None:
        missing = sorted(set(only) - {i.get("id") for i in indicators})
        if missing:
            raise SytrackError(f"not in the draft: {', '.join(missing)}")
    if not indicators:
        raise SytrackError("the draft has no [[indicator]] to bring in")
    clashes = [i["id"] for i in indicators if catalogue.find(str(i.get("id"))) is not None]
    if clashes:
        raise SytrackError(f"already in the catalogue: {', '.join(clashes)}; leave them out with --only")
    needed = {i.get("group") for i in indicators}
    known = {g.id for g in catalogue.groups}
    order = max((g.order for g in catalogue.groups), default=0)
    groups = []
    for group in draft.get("group", []):
        if group.get("id") in needed and group.get("id") not in known:
            order += 1
            groups.append({**group, "order": order})
    return groups, indicators


def _split_at(text: str, what: str) -> tuple[str, dt.date]:
    value, separator, date = text.rpartition("@")
    if not separator:
        raise SytrackError(f"{what} {text!r} needs VALUE@DATE, e.g. 40000@2023-12-31")
    return value.strip(), parse_date(date)


def indicator_entry(
    *, indicator_id: str, group: str, name_zh: str, name_en: str, unit: str, unit_en: str, kind: str,
    direction: str | None, comparison: str | None, targets: list[str], baseline: str | None,
    department: str, quote: str, tolerance: str | None = None,
) -> dict[str, Any]:
    """The TOML table for a new indicator, from what a user typed; values are read as `record` reads them."""
    entry: dict[str, Any] = {"id": indicator_id, "group": group, "name_zh": name_zh, "name_en": name_en}
    if unit:
        entry["unit"] = unit
    if unit_en:
        entry["unit_en"] = unit_en
    entry["kind"] = kind
    if direction:
        entry["direction"] = direction
    if department:
        entry["department"] = department
    if quote:
        entry["quote"] = quote
    if baseline:
        value, date = _split_at(baseline, "--baseline")
        entry["baseline"] = {"value": _number(parse_number(value, unit)), "date": date}
    if comparison is None and kind != "milestone":
        comparison = "at-most" if direction == "decrease" else "at-least"
    entry["target"] = []
    for text in targets:
        value, deadline = _split_at(text, "--target")
        if kind == "milestone":
            entry["target"].append({"deadline": deadline})
        elif ".." in value:
            low, _, high = value.partition("..")
            entry["target"].append({"comparison": "between", "low": _number(parse_number(low, unit)),
                                    "high": _number(parse_number(high, unit)), "deadline": deadline})
        else:
            table = {"comparison": comparison, "value": _number(parse_number(value, unit)), "deadline": deadline}
            if tolerance is not None:
                table["tolerance"] = _number(parse_number(tolerance, unit))
            entry["target"].append(table)
    return entry


def _number(value: float) -> int | float:
    """Whole numbers are written as TOML integers (40000, not 40000.0)."""
    return int(value) if value == int(value) and abs(value) < 2**53 else value
