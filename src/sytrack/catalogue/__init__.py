"""The catalogue: TOML text -> (Catalogue, problems); stages: lines, fields, parse, discovery, edit, cache."""

from sytrack.catalogue.discovery import (
    PACKAGED_CATALOGUE,
    Located,
    decode_catalogue,
    load_catalogue,
    locate_catalogue,
    read_catalogue_bytes,
    read_catalogue_text,
    require_indicator,
    suggest_ids,
)
from sytrack.catalogue.edit import append_indicator_text, append_tables_text, draft_tables, indicator_entry
from sytrack.catalogue.lines import LineIndex
from sytrack.catalogue.orgs import catalogue_summary, check_notes
from sytrack.catalogue.parse import CATALOGUE_NAME, parse_catalogue

__all__ = [
    "CATALOGUE_NAME",
    "PACKAGED_CATALOGUE",
    "LineIndex",
    "Located",
    "append_indicator_text",
    "append_tables_text",
    "catalogue_summary",
    "check_notes",
    "decode_catalogue",
    "draft_tables",
    "indicator_entry",
    "load_catalogue",
    "locate_catalogue",
    "parse_catalogue",
    "read_catalogue_bytes",
    "read_catalogue_text",
    "require_indicator",
    "suggest_ids",
]
