"""Framework-free translations of other libraries' schedulers into lrcurves schedules."""

from lrcurves.compat import deepspeed as _deepspeed_compat  # noqa: F401
