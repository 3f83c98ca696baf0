"""Framework-free translations of other libraries' schedulers into lrcurves schedules."""
