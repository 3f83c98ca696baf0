"""Schedule families, one module each.  Importing this package registers them all."""

from lrcurves.schedules import (  # noqa: F401  (imported for registration)
    constant,
    cosine,
    cyclic,
    exponential,
    inverse,
    onecycle,
    piecewise,
    polynomial,
    range_test,
    restarts,
    rex,
    tabulated,
    tanh,
    warmup,
    wsd,
)
