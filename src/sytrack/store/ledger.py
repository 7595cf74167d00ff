"""Which record is in force for each indicator, org and date while an import writes: what it touches, in memory."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator

from sytrack.errors import SytrackError

Key = tuple[str, str, str]  # (indicator, org, as-of ISO date): what one record in force is about


class InForce:
    """The bookkeeping an import needs to give each record the state `record` and `undo` would.

    Follows the import's records in order: a value supersedes what is in force for its date; a
    retraction takes its target out of force, and the latest earlier value for that date not
    itself retracted comes back. `left_force` and `came_back` say which stored or written rows
    must change their in-force flag (`flushed` hands over the first as it grows).

    What the store held in force is asked of it, one date at a time, by `stored(key)`; only the
    dates the import has changed are held here. `restore(key, below, retracted)` answers, for a
    record stored before the import, the latest earlier stored value of its date that is not
    retracted (the import does not know the store's supersession chain beyond what is in force).

    `tracked`, when given, holds the keys of the import that anything later can touch (a second
    value, a retraction); a new value for any other key is superseded by nothing later, so it is
    not remembered: memory stays flat when a million rows are each the only one of their date."""

    def __init__(
        self,
        stored: Callable[[Key], int | None],
        first_new_id: int,
        restore: Callable[[Key, int, Container[int]], int | None],
        tracked: Container[Key] | None = None,
    ) -> None:
        self._stored = stored
        self._current: dict[Key, int | None] = {}  # the keys the import changed -> the id in force, if any
        self.first_new_id = first_new_id
        self._restore = restore
        self._tracked = tracked
        self.left_force: set[int] = set()  # ids (stored or written) that were in force and are not
        self.came_back: set[int] = set()  # ids out of force before, in force again
        self._superseded: dict[int, int] = {}  # written id -> the id it superseded
        self.retracted: dict[int, int] = {}  # id -> the retraction's id

    def in_force(self, key: Key) -> int | None:
        if key in self._current:
            return self._current[key]
        return self._stored(key)

    def supersede(self, key: Key, new_id: int) -> int | None:
        """A new value for `key`: it is in force now; return the id it supersedes, if any."""
        before = self.in_force(key)
        remembered = self._tracked is None or key in self._tracked
        if before is not None:
            self._leave(before)
            if remembered:
                self._superseded[new_id] = before
        if remembered:
            self._current[key] = new_id
        return before

    def retract(self, target: int, key: Key, by: int) -> None:
        """`by` retracts `target` (about `key`); refuses a second retraction of the same record."""
        if target in self.retracted:
            raise SytrackError(f"#{target} would be retracted twice; nothing was written")
        self.retracted[target] = by
        if self.in_force(key) != target:
            return
        self._leave(target)
        back, last = self._superseded.get(target), target
        while back is not None and back in self.retracted:
            back, last = self._superseded.get(back), back
        if back is None and last < self.first_new_id:
            # The chain reached a record stored before the import: the store knows what lies below.
            back = self._restore(key, last, self.retracted)
        self._current[key] = back
        if back is None:
            return
        # A written id too: it may have left force in a chunk already flushed.
        self.left_force.discard(back)
        self.came_back.add(back)

    def _leave(self, record_id: int) -> None:
        self.left_force.add(record_id)
        self.came_back.discard(record_id)

    def flushed(self) -> list[int]:
        """The ids that left force so far, handed over once (to be written at once): every record
        they name is already in the table, and what the import asks later does not depend on them."""
        ids = list(self.left_force)
        self.left_force.clear()
        return ids

    def retractions(self) -> Iterator[tuple[int, int]]:
        """(retraction id, target id) for every retraction of the import."""
        return ((by, target) for target, by in self.retracted.items())
