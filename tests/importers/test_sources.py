"""Bytes in: workbooks too big to open (real decompression bombs, built here) and text in old 8-bit
encodings (real MacRoman bytes), each refused or read right, never silently mangled."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from districtsurvey.cli import app
from districtsurvey.contracts.errors import SurveyDataError
from districtsurvey.importers import read_export

from .real import MINE

QUIRKS = MINE / "quirks.yml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _workbook(tmp_path: Path) -> Path:
    path = tmp_path / "ok.xlsx"
    pd.DataFrame(
        {
            "ID": ["a1"],
            "Role": ["Teacher"],
            "Goals are clear.": ["Agree"],
            "I have the tools I need.": ["Agree"],
        }
    ).to_excel(path, index=False)
    return path


def _replace_sheet(src: Path, out: Path, write_sheet) -> Path:
    """A copy of ``src`` whose first sheet is written by ``write_sheet(stream)``."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with new.open(info.filename, "w", force_zip64=True) as f:
                    write_sheet(f)
            else:
                new.writestr(info, old.read(info))
    return out


def _bomb(tmp_path: Path, megabytes: int = 600) -> Path:
    """A real bomb: ~2 MB on disk, ``megabytes`` of repeated rows once unpacked."""
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>Agree</t></is></c></row>' * 16_000

    def sheet(f):
        f.write(HEAD + b'<dimension ref="A1:A9600000"/><sheetData>')
        for _ in range(megabytes):
            f.write(row)
        f.write(b"</sheetData></worksheet>")

    return _replace_sheet(_workbook(tmp_path), tmp_path / "bomb.xlsx", sheet)


def test_a_decompression_bomb_is_refused_from_the_zip_directory(tmp_path):
    bomb = _bomb(tmp_path)
    assert bomb.stat().st_size < 5 * 2**20  # small on disk
    unpacked = sum(i.file_size for i in zipfile.ZipFile(bomb).infolist())
    assert unpacked > 600 * 10**6  # huge once unpacked
    out = tmp_path / "out" / "tidy.csv"
    res = CliRunner().invoke(
        app,
        ["import", str(bomb), "--instrument", str(QUIRKS), "-o", str(out)]
        + ["--wave", "w", "--department", "HR"],
    )
    assert res.exit_code == 1
    assert "unpacks to 6" in res.output and "refused before reading" in res.output
    assert "Traceback" not in res.output and not out.parent.exists()


def test_a_bomb_is_refused_in_a_process_that_could_not_afford_to_open_it(tmp_path):
    # under a 1 GiB address-space limit, parsing the bomb would die; refusing it must not
    bomb = _bomb(tmp_path)
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({2**30}, {2**30}))\n"
        "from districtsurvey.cli import app\n"
        "sys.argv = ['districtsurvey', 'import', sys.argv[1], '--instrument', sys.argv[2],"
        " '-o', sys.argv[3], '--wave', 'w', '--department', 'HR']\n"
        "app()\n"
    )
    out = tmp_path / "tidy.csv"
    run = subprocess.run(
        [sys.executable, "-c", code, str(bomb), str(QUIRKS), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
    )
    assert run.returncode == 1, run.stderr
    assert "refused before reading" in run.stderr and "MemoryError" not in run.stderr
    assert not out.exists()


def test_a_sheet_declaring_millions_of_rows_is_refused_by_its_dimension(tmp_path):
    # ~10 MB of real rows (over the size that is always read) declaring 2.5 million rows x 26
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Agree</t></is></c></row>' % (i, i)
        for i in range(2, 20_000)
    )

    def sheet(f):
        f.write(HEAD + b'<dimension ref="A1:Z2500000"/><sheetData>')
        for _ in range(12):
            f.write(rows)
        f.write(b"</sheetData></worksheet>")

    path = _replace_sheet(_workbook(tmp_path), tmp_path / "tall.xlsx", sheet)
    with pytest.raises(SurveyDataError, match=r"declare 65,000,000 cells \(limit 20,000,000\)"):
        read_export(path, instrument=QUIRKS, wave="w", department="HR")


def test_a_sheet_whose_dimension_lies_is_stopped_while_reading(tmp_path, monkeypatch):
    from districtsurvey.importers import sources

    monkeypatch.setattr(sources, "MAX_XLSX_CELLS", 1_000)  # the real rows below: 3,000 cells
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Agree</t></is></c>'
        b'<c r="B%d" t="inlineStr"><is><t>Agree</t></is></c>'
        b'<c r="C%d" t="inlineStr"><is><t>Agree</t></is></c></row>' % (i, i, i, i)
        for i in range(2, 1_002)
    )
    path = _replace_sheet(
        _workbook(tmp_path),
        tmp_path / "lying.xlsx",
        lambda f: f.write(
            HEAD + b'<dimension ref="A1:C2"/><sheetData>' + rows + b"</sheetData></worksheet>"
        ),
    )
    with pytest.raises(SurveyDataError, match="holds more than 1,000 cells"):
        read_export(path, instrument=QUIRKS, wave="w", department="HR")


def test_a_dimension_that_declares_too_few_rows_loses_no_rows(tmp_path):
    # some tools write <dimension ref="A1"/>: every row must still be read
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>a%d</t></is></c>'
        b'<c r="B%d" t="inlineStr"><is><t>Teacher</t></is></c>'
        b'<c r="C%d" t="inlineStr"><is><t>Agree</t></is></c>'
        b'<c r="D%d" t="inlineStr"><is><t>Disagree</t></is></c></row>' % ((i,) * 6)
        for i in range(2, 7)
    )
    head = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>Role</t></is></c>'
        b'<c r="C1" t="inlineStr"><is><t>Goals are clear.</t></is></c>'
        b'<c r="D1" t="inlineStr"><is><t>I have the tools I need.</t></is></c></row>'
    )
    path = _replace_sheet(
        _workbook(tmp_path),
        tmp_path / "short.xlsx",
        lambda f: f.write(
            HEAD + b'<dimension ref="A1"/><sheetData>' + head + rows + b"</sheetData></worksheet>"
        ),
    )
    r = read_export(path, instrument=QUIRKS, wave="w", department="HR")
    assert r.summary.respondents == 5  # rows 2..6


def test_an_ordinary_workbook_still_imports(tmp_path):
    r = read_export(_workbook(tmp_path), instrument=QUIRKS, wave="w", department="HR")
    assert r.responses["value"].tolist() == [4, 4]


# -- encodings --------------------------------------------------------------------------------
MAC = "ID,Role,Goals are clear.,I have the tools I need.,Anything else?\n" + (
    'a1,Teacher,Agree,Agree,"Zo\u00eb, Jos\u00e9, na\u00efve \u2014 don\u2019t \u201cquote\u201d"\n'
    "a2,Principal,Disagree,Agree,Caf\u00e9 au lait\n"
)


def test_macroman_text_decodes_right_with_a_warning_naming_the_guess(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(MAC.encode("mac_roman"))  # real MacRoman bytes (old Excel for Mac)
    assert "Zo\u2018" in path.read_bytes().decode("cp1252")  # what cp1252 would silently make
    r = read_export(path, instrument=QUIRKS, wave="w", department="HR")
    assert r.comments["text"].tolist() == [
        "Zo\u00eb, Jos\u00e9, na\u00efve \u2014 don\u2019t \u201cquote\u201d",
        "Caf\u00e9 au lait",
    ]
    (warning,) = r.summary.warnings
    assert "decoded as mac_roman" in warning and "'Zo\u00eb'" in warning
    res = CliRunner().invoke(
        app,
        ["import", str(path), "--instrument", str(QUIRKS), "-o", str(tmp_path / "t.csv")]
        + ["--wave", "w", "--department", "HR"],
    )
    assert res.exit_code == 0 and "warning: not UTF-8: decoded as mac_roman" in res.output


def test_cp1252_text_is_read_without_a_warning(tmp_path):
    path = tmp_path / "win.csv"
    path.write_bytes(MAC.encode("cp1252"))
    r = read_export(path, instrument=QUIRKS, wave="w", department="HR")
    assert r.comments["text"].iloc[1] == "Caf\u00e9 au lait" and r.summary.warnings == []


def test_invalid_utf8_after_a_bom_is_reported_not_hidden(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + MAC.encode("utf-8").replace("Caf\u00e9".encode(), b"Caf\xe9")
    )
    r = read_export(path, instrument=QUIRKS, wave="w", department="HR")
    assert any("not valid utf-8-sig" in w and "line 3" in w for w in r.summary.warnings)


def test_bytes_that_no_code_page_makes_sense_of_still_say_so(tmp_path):
    # cp1252 cannot decode 0x81; mac_roman decodes anything, but into odd characters
    path = tmp_path / "odd.csv"
    path.write_bytes(MAC.encode("utf-8").replace("Caf\u00e9".encode(), b"Caf\x81\x8d"))
    r = read_export(path, instrument=QUIRKS, wave="w", department="HR")
    (warning,) = r.summary.warnings
    assert warning.startswith("not UTF-8: decoded as") and "check that these read right" in warning
