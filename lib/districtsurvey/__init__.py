"""District Survey Workbench: stakeholder surveys to per-department reports."""

from .errors import Problem, SurveyDataError
from .instrument import Instrument, load_instrument
from .privacy import redact_comments, redact_text, suppress_small_groups
from .scoring import add_comparisons, score_dimensions, score_items, sort_waves
from .validate import load_responses, validate_responses

__all__ = [
    "Instrument",
    "Problem",
    "SurveyDataError",
    "add_comparisons",
    "load_instrument",
    "load_responses",
    "redact_comments",
    "redact_text",
    "score_dimensions",
    "score_items",
    "sort_waves",
    "suppress_small_groups",
    "validate_responses",
]
__version__ = "0.1.0"
