"""Writers: reports in every format, from plain rows."""
