"""The deterministic sample district (Riverbend USD, fictional) that the demo and the tests use."""

from .district import DEPARTMENTS, SCHOOLS, WAVES
from .generate import generate_sample

__all__ = ["DEPARTMENTS", "SCHOOLS", "WAVES", "generate_sample"]
