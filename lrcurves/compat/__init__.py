"""Framework-free translations of other libraries' schedulers into lrcurves schedules."""

from lrcurves.compat import (
    colossalai as _colossalai_compat,  # noqa: F401
    deepspeed as _deepspeed_compat,  # noqa: F401
    pytorch_optimizer as _pytorch_optimizer_compat,  # noqa: F401
)
