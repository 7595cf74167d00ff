"""sytrack: track the numeric targets of a plan from the command line."""

__version__ = "0.1.0"
