"""Writing a draft: Drafts -> a draft catalogue (TOML) that `sytrack check` accepts."""

from __future__ import annotations

import datetime as dt
import re

from sytrack.extract.drafting import Draft
from sytrack.extract.naming import gloss, title_in_english
from sytrack.values import format_plain


def toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group(0)):04x}", escaped)
    return f'"{escaped}"'


def indicator_lines(draft: Draft) -> list[str]:
    lines = [
        "[[indicator]]",
        f"id = {toml_string(draft.id)}",
        f"group = {toml_string(draft.group)}",
        f"name_zh = {toml_string(draft.name_zh)}",
        f"name_en = {toml_string(draft.name_en)}",
    ]
    if draft.unit:
        lines.append(f"unit = {toml_string(draft.unit)}")
        lines.append(f"unit_en = {toml_string(draft.unit_en)}")
    lines += [
        f"kind = {toml_string(draft.kind)}",
        f"direction = {toml_string(draft.direction)}",
        f"quote = {toml_string(draft.quote or draft.sentence)}",
    ]
    if draft.review:
        lines.append(f"doubt = {toml_string(draft.reason)}")
    if draft.baseline is not None:
        lines.append(
            f"baseline = {{ value = {format_plain(draft.baseline.value)}, date = {draft.baseline.date.isoformat()} }}"
        )
    lines += ["", "[[indicator.target]]"]
    if draft.comparison:
        lines.append(f"comparison = {toml_string(draft.comparison)}")
    if draft.comparison == "between":
        lines += [f"low = {format_plain(draft.low)}", f"high = {format_plain(draft.high)}"]
    elif draft.value is not None:
        lines.append(f"value = {format_plain(draft.value)}")
        if draft.stretch is not None:
            lines.append(f"stretch = {format_plain(draft.stretch)}")
    if draft.tolerance is not None:
        lines.append(f"tolerance = {format_plain(draft.tolerance)}")
    lines.append(f"deadline = {draft.deadline.isoformat()}")
    return lines


def group_lines(group_id: str, name: str, order: int) -> list[str]:
    return [
        "[[group]]",
        f"id = {toml_string(group_id)}",
        f"name_zh = {toml_string(name)}",
        f"name_en = {toml_string(' '.join(gloss(name)) or group_id)}",
        f"order = {order}",
    ]


HEADER = [
    "# Draft catalogue written by `sytrack extract`: every entry is read by rule from the plan's text.",
    "# Check each one against its quote. `doubt` says why an entry needs review; name_en is a word-for-word",
    "# gloss to rewrite. Numbers read as context (past results, counts of the plan's own parts) are at the",
    "# end, commented out: uncomment any that is a target.",
    "",
]


def plan_lines(plan_id: str, title: str, title_en: str | None, start: dt.date, source: str) -> list[str]:
    lines = [
        "[plan]",
        f"id = {toml_string(plan_id)}",
        f"title_zh = {toml_string(title)}",
        f"title_en = {toml_string(title_en or title_in_english(title))}",
        f"start = {start.isoformat()}",
        'language = "zh"',
    ]
    return lines + ([f"source = {toml_string(source)}"] if source else [])


def aside_lines(aside: list[Draft], names: dict[str, str], declared: set[str]) -> list[str]:
    """The drafts read as context, commented out; a group none of the live drafts declared comes with them."""
    if not aside:
        return []
    out = ["", "# " + "-" * 96, "# Read as context, not targets (or without a number to track).", "# " + "-" * 96]
    for draft in aside:
        if draft.group not in declared:
            declared.add(draft.group)
            out += [""] + [f"# {line}" for line in group_lines(draft.group, names[draft.group], len(declared))]
        out += ["", f"# line {draft.line} · confidence {draft.confidence:.2f} · {draft.reason}"]
        out += [f"# {note}" for note in draft.notes]
        out += [f"# {line}" if line else "#" for line in indicator_lines(draft)]
    return out


def draft_to_toml(
    drafts: list[Draft],
    plan_id: str,
    title: str,
    *,
    title_en: str | None = None,
    start: dt.date | None = None,
    source: str = "",
) -> str:
    """A draft catalogue: live entries for targets, commented-out ones for numbers read as context.

    `start` defaults to 1 January of the earliest deadline's year. The result passes `parse_catalogue`
    when plan_id is a valid id; every entry still wants a reader's eye.
    """
    if start is None:
        start = dt.date(min((d.deadline.year for d in drafts), default=dt.date.min.year), 1, 1)
    live = [d for d in drafts if d.writable]
    out = HEADER + plan_lines(plan_id, title, title_en, start, source)
    names = {draft.group: draft.group_name for draft in reversed(drafts)}
    live_groups = list(dict.fromkeys(draft.group for draft in live))
    for order, group_id in enumerate(live_groups, start=1):
        out += [""] + group_lines(group_id, names[group_id], order)
    for draft in live:
        out += ["", f"# line {draft.line} · confidence {draft.confidence:.2f}"]
        out += [f"# {note}" for note in draft.notes]
        out += indicator_lines(draft)
    out += aside_lines([d for d in drafts if not d.writable], names, set(live_groups))
    return "\n".join(out) + "\n"
