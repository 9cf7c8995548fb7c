"""District Survey Workbench: stakeholder surveys to per-department reports.

The package is layered as the data flows; imports only run downward (``tests/test_layers.py``):

- ``contracts``: what inputs must look like (instrument, params, tidy responses, errors, waves)
- ``importers``: survey tools' exports to tidy responses
- ``analysis``: scores, statistics and leader figures (raw, before privacy)
- ``privacy``: suppression, query checks and comment redaction
- ``prepare``: a run's inputs scored and protected once into its cache
- ``reports``: what a leader reads (department report, district summary, plans, roll-out page)
- ``batch`` / ``explore`` / ``sample``: the coach's batch, the analyst's explorer, the sample district
- ``cli``: the ``districtsurvey`` command
"""

from .contracts.errors import Problem, SurveyDataError
from .contracts.instrument import Instrument, load_instrument
from .contracts.validate import load_responses, validate_responses
from .contracts.waves import sort_waves

__all__ = [
    "Instrument",
    "Problem",
    "SurveyDataError",
    "load_instrument",
    "load_responses",
    "sort_waves",
    "validate_responses",
]
__version__ = "0.1.0"
