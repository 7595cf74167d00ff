"""Checks across the catalogue and the store: what `sytrack check` adds to the catalogue's own problems."""

from __future__ import annotations

from collections.abc import Mapping

from sytrack.errors import Problem
from sytrack.model import Where


def orphan_records(known_ids: set[str], counts: Mapping[str, int], store_location: str) -> list[Problem]:
    """Records of indicators the catalogue no longer has: kept (nothing is ever lost) but shown
    nowhere else, so `check` names them."""
    return [
        Problem(
            Where(store_location),
            orphan,
            f"{count} record{'s' * (count != 1)} for an indicator the catalogue no longer has"
            " (they are kept; restore the indicator to see them)",
        )
        for orphan, count in sorted(counts.items())
        if orphan not in known_ids
    ]
