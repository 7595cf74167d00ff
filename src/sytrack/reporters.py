"""Who reports a figure: the org named by `record --org` or an import's org column, and a share's denominator."""

from __future__ import annotations

import math

from sytrack.errors import SytrackError
from sytrack.model import CITY, Catalogue, Indicator

# Kinds whose figure is a ratio: only these carry the base it was computed on (see orgs.WEIGHTED_KINDS).
RATIO_KINDS = ("share", "rate")


def suggest_orgs(catalogue: Catalogue, wrong: str, limit: int = 3) -> list[str]:
    """The org ids closest to a mistyped one or name: close ids, then ids whose names contain it."""
    from difflib import get_close_matches

    ids = [org.id for org in catalogue.orgs]
    close = get_close_matches(wrong.lower(), ids, n=limit, cutoff=0.5)
    named = [
        org.id
        for org in catalogue.orgs
        if wrong and (wrong in org.name_zh or wrong.lower() in org.name_en.lower() or org.name_zh in wrong)
    ]
    return list(dict.fromkeys(close + named))[:limit]


def require_org(catalogue: Catalogue, text: str) -> str:
    """The id of the org `text` names: its id, or its Chinese or English name exactly (铁西区, Tiexi
    District). An empty text is the city's own figure. Anything else is refused with the closest ids,
    so that a figure never lands on an org nobody rolls up."""
    text = text.strip()
    if not text:
        return CITY
    for org in catalogue.orgs:
        if text == org.id or text == org.name_zh or text.lower() == org.name_en.lower():
            return org.id
    if not catalogue.orgs:
        raise SytrackError(f"unknown org {text!r}: the catalogue declares no [[org]] (see docs/catalogue.md)")
    close = suggest_orgs(catalogue, text)
    ids = [org.id for org in catalogue.orgs]
    known = ", ".join(ids[:15]) + (", ..." if len(ids) > 15 else "")
    hint = f"; did you mean {', '.join(close)}?" if close else f"; the catalogue's orgs are {known}"
    raise SytrackError(f"unknown org {text!r}{hint}")


def check_denominator(denominator: float | None, indicator: Indicator) -> float | None:
    """A share's or rate's denominator as given, or a one-line refusal: only a ratio has one, and a
    base is a finite amount that is not negative (a zero base weighs nothing in the roll-up)."""
    if denominator is None:
        return None
    if indicator.kind not in RATIO_KINDS:
        raise SytrackError(
            f"{indicator.id} is a {indicator.kind}, not a share or rate: it takes no denominator"
            " (--of / the denominator column); record its value alone"
        )
    if not math.isfinite(denominator) or denominator < 0:
        raise SytrackError(f"denominator {denominator:g} is not a base a share can have: give a number 0 or more")
    return denominator


def parse_denominator(text: str, indicator: Indicator) -> float | None:
    """The denominator as typed (900, 1,200, 4.1万), checked; an empty text is none."""
    from sytrack.values import parse_number

    text = text.strip()
    if not text:
        return None
    return check_denominator(parse_number(text, ""), indicator)


def judged_for(indicator: Indicator, org: str) -> Indicator | None:
    """The indicator as a figure of `org` is judged (its standing, whether it is plausible): the
    city's own for the city; the allocated target, without the city's baseline, for an org it is
    allocated to; the city's target for a share or rate (a district's share compares with the
    city's). None for an unallocated part of a sum: a district's count has no city-sized target."""
    from sytrack.orgs import org_indicator

    if org == CITY:
        return indicator
    allocated = org_indicator(indicator, org)
    if allocated is not None:
        return allocated
    if indicator.kind in RATIO_KINDS:
        return indicator._replace(baseline=None, allocations=())
    return None


def unjudged(indicator: Indicator) -> Indicator:
    """The indicator with nothing to judge a figure by but its own history (see judged_for)."""
    return indicator._replace(baseline=None, targets=(), allocations=())
