"""``python -m lrcurves``: the command-line interface (see :mod:`lrcurves._cli`)."""

from lrcurves._cli import main

raise SystemExit(main())
