"""Where the project's own files are: instruments, notebooks, params, sample data, outputs.

The package runs from its checkout (``pip install -e .``), so these are paths in the checkout.
"""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]
INSTRUMENTS_DIR = PROJECT / "data" / "instruments"
SAMPLE_DIR = PROJECT / "data" / "sample"
TACTICS_DIR = PROJECT / "data" / "tactics"
NOTEBOOKS = PROJECT / "notebooks"
PARAMS_DIR = PROJECT / "params"
OUTPUTS = PROJECT / "outputs"
