"""``python -m scanner`` is ``wa-scan``."""

from scanner.cli import main

raise SystemExit(main())
