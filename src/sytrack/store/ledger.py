"""Which record is in force for each indicator, org and date while an import writes: kept in memory."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator

from sytrack.errors import SytrackError

Key = tuple[str, str, str]  # (indicator, org, as-of ISO date): what one record in force is about


class InForce:
    """The bookkeeping an import needs to give each record the state `record` and `undo` would.

    Starts from what the store holds in force, then follows the import's records in order: a value
    supersedes what is in force for its date; a retraction takes its target out of force, and the
    latest earlier value for that date not itself retracted comes back. At the end, `left_force`
    and `came_back` say which stored or written rows must change their in-force flag.

    `restore(key, below, retracted)` answers, for a record stored before the import, the latest
    earlier stored value of its date that is not retracted (the import does not know the store's
    supersession chain beyond what is in force).

    `tracked`, when given, holds the keys of the import that anything later can touch (a second
    value, a retraction); a new value for any other key, with nothing stored in force for it, is
    in force and superseded by nothing, so it is not remembered: memory stays flat when a million
    rows are each the only one of their date."""

    def __init__(
        self,
        stored: Iterable[tuple[str, str, str, int]],
        first_new_id: int,
        restore: Callable[[Key, int, Container[int]], int | None],
        tracked: Container[Key] | None = None,
    ) -> None:
        self._current: dict[tuple[str, str], dict[str, int]] = {}  # (indicator, org) -> as-of -> id
        for indicator, org, as_of, record_id in stored:
            self._current.setdefault((indicator, org), {})[as_of] = record_id
        self.first_new_id = first_new_id
        self._restore = restore
        self._tracked = tracked
        self.left_force: set[int] = set()  # ids (stored or written) that were in force and are not
        self.came_back: set[int] = set()  # stored ids, out of force before, in force again
        self._superseded: dict[int, int] = {}  # written id -> the id it superseded
        self.retracted: dict[int, int] = {}  # id -> the retraction's id

    def in_force(self, key: Key) -> int | None:
        return self._current.get(key[:2], {}).get(key[2])

    def supersede(self, key: Key, new_id: int) -> int | None:
        """A new value for `key`: it is in force now; return the id it supersedes, if any."""
        dates = self._current.get(key[:2])
        if dates is None:
            if self._tracked is not None and key not in self._tracked:
                return None  # nothing stored for this indicator and org, and nothing later touches this date
            dates = self._current[key[:2]] = {}
        before = dates.get(key[2])
        if before is None and self._tracked is not None and key not in self._tracked:
            return None
        if before is not None:
            self._leave(before)
            self._superseded[new_id] = before
        dates[key[2]] = new_id
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
        if back is None:
            del self._current[key[:2]][key[2]]
            return
        self._current[key[:2]][key[2]] = back
        self.left_force.discard(back)
        if back < self.first_new_id:
            self.came_back.add(back)

    def _leave(self, record_id: int) -> None:
        self.left_force.add(record_id)
        self.came_back.discard(record_id)

    def retractions(self) -> Iterator[tuple[int, int]]:
        """(retraction id, target id) for every retraction of the import."""
        return ((by, target) for target, by in self.retracted.items())
