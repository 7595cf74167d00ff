"""What the global options and the environment say, resolved once per command: catalogue, store, today."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from pathlib import Path

from sytrack.catalogue import Located, load_catalogue, locate_catalogue
from sytrack.model import Catalogue


class Session:
    """Loads the catalogue and opens the store once, on demand; reads the clock and environment."""

    def __init__(
        self, catalog_option: str | None, db_option: str | None, environ: dict[str, str] | None = None
    ) -> None:
        self.catalog_option, self.db_option = catalog_option, db_option
        self.environ = dict(os.environ) if environ is None else environ
        self._catalogue: Catalogue | None = None

    @functools.cached_property
    def located(self) -> Located:
        return locate_catalogue(self.catalog_option, self.environ.get("SYTRACK_CATALOG"), Path.cwd())

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            from sytrack.paths import user_cache_dir

            off = self.environ.get("SYTRACK_NO_CACHE", "") not in ("", "0")
            cache = None if off else user_cache_dir(sys.platform, self.environ, Path.home())
            self._catalogue = load_catalogue(self.located.path, cache)
        return self._catalogue

    @functools.cached_property
    def data_location(self) -> tuple[str, str]:
        """Where the data is (a file path, or a postgresql:// URL) and why: --db, SYTRACK_DB, or
        the catalogue's own data file (in the user data folder for the packaged catalogue)."""
        if self.db_option:
            return self.db_option, "--db"
        if self.environ.get("SYTRACK_DB"):
            return self.environ["SYTRACK_DB"], "SYTRACK_DB"
        from sytrack.paths import data_path_for, user_data_dir

        located = self.located
        data_dir = user_data_dir(sys.platform, self.environ, Path.home())
        how = "in the user data folder" if located.is_packaged else "next to the catalogue"
        return str(data_path_for(located.path, located.is_packaged, data_dir)), how

    @functools.cached_property
    def store(self):
        return open_store(self.data_location[0], self.catalogue.plan.id)

    def note_if_no_data_file(self) -> None:
        """After a report that opened the store: a --db or SYTRACK_DB path that names no file read
        nothing, which is most often a typo (`--db typo.db status` shows an empty table)."""
        if "store" not in self.__dict__:
            return
        location, how = self.data_location
        if how not in ("--db", "SYTRACK_DB") or os.path.lexists(location):
            return
        from sytrack.cli.output import notify
        from sytrack.store import is_server_location
        from sytrack.visible import visible

        if is_server_location(location):  # a server's store is made by the first write, as it should be
            return

        notify(f"no data file at {visible(location)} ({how}): nothing is recorded there; check the path")

    def note_if_packaged(self) -> None:
        """Before a write: say so when the targets are the packaged Shenyang plan's, which a user in
        a folder with no catalogue of their own may not expect (a county's `above-scale-firms`
        matches Shenyang's)."""
        if self.located.is_packaged:
            from sytrack.cli.output import notify

            notify(
                f"recording against the packaged catalogue ({self.catalogue.plan.title('en')}): no "
                "indicators.toml here or above; run `sytrack init` to start your own"
            )

    @property
    def progress_wanted(self) -> bool:
        """Draw progress bars for long work: on a terminal's standard error, unless told otherwise
        (SYTRACK_PROGRESS=always|never, for benchmarks and tests)."""
        setting = self.environ.get("SYTRACK_PROGRESS", "auto")
        return setting == "always" or (setting != "never" and sys.stderr.isatty())

    @functools.cached_property
    def today(self) -> dt.date:
        """The one today of the command (read once, so a command running past midnight keeps it):
        the date in the plan's timezone, else in the machine's local zone."""
        from sytrack.values import today_in

        return today_in(self.catalogue.plan.timezone, self.now_utc())

    def known_by(self, as_known: dt.date | None) -> str | None:
        """The cutoff of --as-known (the end of that day in the plan's zone), or None for everything."""
        if as_known is None:
            return None
        from sytrack.duty import known_by

        return known_by(as_known, self.catalogue.plan)

    def now_utc(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def lang(self, option) -> str:
        """The --lang option's language, else the catalogue's."""
        return option.value if option else self.catalogue.plan.language

    def login_name(self) -> str:
        # The variables getpass.getuser() reads first, read without importing it (it loads termios).
        for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
            if self.environ.get(variable):
                return self.environ[variable]
        import getpass

        try:
            return getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name on some systems; the record still needs a name
            return "unknown"


def open_store(location: str, plan: str):
    """The store at a location (a data file, a postgresql:// URL or a key=value connection string)."""
    from sytrack.store import open_store as open_any  # sqlite3 only for commands that read data

    return open_any(location, plan)
