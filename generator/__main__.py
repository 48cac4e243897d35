"""`python -m generator` is the same as the `chronoline` command."""

from generator.cli import run

raise SystemExit(run())
