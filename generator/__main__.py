"""`python -m generator` is the same as the `chronoline` command."""

from generator.cli import main

raise SystemExit(main())
