"""``python -m lrcurves``: the command-line interface (see :mod:`lrcurves._cli`)."""

from lrcurves._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
