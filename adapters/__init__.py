"""Framework adapters, installed as ``lrcurves.adapters``.

The repository folder ``adapters/`` is mapped to the import package
``lrcurves.adapters`` by setuptools ``package-dir``; there is no top-level
``adapters`` import (that name belongs to an unrelated PyPI project).
Adapters translate and hold no schedule math.
"""
