"""A run prepared once: inputs read and validated, every table scored and protected together,
written to the run's cache, and read back by the reports one slice at a time."""
