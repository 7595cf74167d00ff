"""Entry point for `python -m sytrack`."""

from sytrack.cli import main

main()
