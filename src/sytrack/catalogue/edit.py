"""Editing a catalogue: `add`'s new indicator and `merge`'s draft tables, appended to the file's text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sytrack.errors import Problem, SytrackError
from sytrack.model import Catalogue
from sytrack.values import parse_date, parse_number


def append_indicator_text(text: str, entry: dict[str, Any]) -> str:
    """`text` with one `[[indicator]]` table appended; every existing byte stays as it was."""
    return append_tables_text(text, [], [entry])


def append_tables_text(text: str, groups: list[dict], indicators: list[dict]) -> str:
    """`text` with `[[group]]` and `[[indicator]]` tables appended, written by tomlkit; every
    existing byte stays as it was. TOML lets arrays of tables continue anywhere in a file, so
    appending is always valid. (Appending to tomlkit's own document instead moves an `[[indicator]]`
    list that a `[[group]]` follows, and rewrites the inline tables it moves.)"""
    newline = "\r\n" if "\r\n" in text else "\n"
    parts = [
        render_tables(name, entries) for name, entries in (("group", groups), ("indicator", indicators)) if entries
    ]
    addition = "\n".join(parts).replace("\n", newline)
    separator = (
        "" if not text or text.endswith(newline * 2) else (newline if text.endswith(("\n", "\r")) else newline * 2)
    )
    return text + separator + addition


def render_tables(name: str, entries: list[dict[str, Any]]) -> str:
    """`[[name]]` tables for `entries`, each sub-table under its own header (`[name.baseline]`,
    `[[name.target]]`): never the inline form, which at the end of a file would be read as keys of
    the table before."""
    import tomlkit  # only add and merge write TOML

    tables = tomlkit.aot()
    for entry in entries:
        table = tomlkit.table()
        # Plain values first: a key written after a sub-table's header would belong to the sub-table.
        for key, value in sorted(entry.items(), key=lambda item: _is_table(item[1])):
            table.append(key, value)
        tables.append(table)
    document = tomlkit.document()
    document.append(name, tables)
    return tomlkit.dumps(document)


def _is_table(value: Any) -> bool:
    return (
        isinstance(value, dict) or isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
    )


def draft_tables(
    draft_text: str, catalogue: Catalogue, only: list[str] | None, path: str = "the draft"
) -> tuple[list[dict], list[dict]]:
    """The groups and indicators of a draft catalogue to bring into `catalogue`: every indicator (or
    those named in `only`) and the groups they need that the catalogue lacks. Raises on clashes."""
    from sytrack.catalogue.parse import read_toml

    draft = read_toml(draft_text, path)
    if isinstance(draft, Problem):
        raise SytrackError(str(draft))
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
    *,
    indicator_id: str,
    group: str,
    name_zh: str,
    name_en: str,
    unit: str,
    unit_en: str,
    kind: str,
    direction: str | None,
    comparison: str | None,
    targets: list[str],
    baseline: str | None,
    department: str,
    quote: str,
    tolerance: str | None = None,
) -> dict[str, Any]:
    """The TOML table for a new indicator, from what a user typed; values are read as `record` reads them."""
    entry: dict[str, Any] = {"id": indicator_id, "group": group, "name_zh": name_zh, "name_en": name_en}
    optional = {"unit": unit, "unit_en": unit_en, "kind": kind, "direction": direction}
    optional |= {"department": department, "quote": quote}
    entry |= {key: text for key, text in optional.items() if text}  # kind is never empty: it keeps its place
    if baseline:
        value, date = _split_at(baseline, "--baseline")
        entry["baseline"] = {"value": _number(parse_number(value, unit)), "date": date}
    if comparison is None and kind != "milestone":
        comparison = "at-most" if direction == "decrease" else "at-least"
    entry["target"] = [target_table(text, kind, unit, comparison, tolerance) for text in targets]
    return entry


def target_table(text: str, kind: str, unit: str, comparison: str | None, tolerance: str | None) -> dict[str, Any]:
    """One `--target VALUE@DATE` (or LOW..HIGH@DATE) as its TOML table."""
    value, deadline = _split_at(text, "--target")
    if kind == "milestone":
        return {"deadline": deadline}
    if ".." in value:
        low, _, high = value.partition("..")
        low_value, high_value = _number(parse_number(low, unit)), _number(parse_number(high, unit))
        return {"comparison": "between", "low": low_value, "high": high_value, "deadline": deadline}
    table = {"comparison": comparison, "value": _number(parse_number(value, unit)), "deadline": deadline}
    if tolerance is not None:
        table["tolerance"] = _number(parse_number(tolerance, unit))
    return table


def _number(value: float) -> int | float:
    """Whole numbers are written as TOML integers (40000, not 40000.0)."""
    return int(value) if value == int(value) and abs(value) < 2**53 else value
