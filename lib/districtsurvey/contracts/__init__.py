"""What every input must look like, checked before anything runs: the instrument, the params of a
run, the tidy responses and their companion files, the order of waves, and one error family."""
