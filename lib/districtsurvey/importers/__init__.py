"""Import survey tools' exports (Qualtrics, SurveyMonkey, Google Forms, LimeSurvey, SPSS, Excel)."""

from .layouts import LAYOUTS, detect_layout
from .read import FORMATS, ImportResult, ImportSummary, detect_format, read_export, write_tidy

__all__ = [
    "FORMATS",
    "LAYOUTS",
    "ImportResult",
    "ImportSummary",
    "detect_format",
    "detect_layout",
    "read_export",
    "write_tidy",
]
