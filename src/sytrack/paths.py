"""Where sytrack keeps files that belong to no project: per-user data and cache folders."""

from __future__ import annotations

from pathlib import Path


def user_data_dir(platform: str, environ: dict[str, str], home: Path) -> Path:
    """The per-user folder for data that belongs to no project (the packaged catalogue's data)."""
    if platform.startswith("win"):
        base = Path(environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "sytrack"


def data_path_for(catalogue_path: Path, packaged: bool, data_dir: Path) -> Path:
    """The data file that belongs to a catalogue: beside it, or in the user's data folder for the packaged one."""
    folder = data_dir if packaged else catalogue_path.parent
    return folder / f"{catalogue_path.stem}.db"


def user_cache_dir(platform: str, environ: dict[str, str], home: Path) -> Path:
    """The per-user folder for files sytrack can always rebuild (the catalogue cache)."""
    if platform.startswith("win"):
        base = Path(environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "sytrack" / "Cache"
        return base
    if platform == "darwin":
        return home / "Library" / "Caches" / "sytrack"
    return Path(environ.get("XDG_CACHE_HOME") or home / ".cache") / "sytrack"
