"""``python -m viz``: see ``viz.cli``."""

from .cli import main

raise SystemExit(main())
