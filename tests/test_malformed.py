"""Every fixture, cut short and read with every loader: reported, never an exception."""

from pathlib import Path

import pytest
from citegraph.loaders import LoadReport, iter_records
from citegraph.loaders.detect import formats
from conftest import FIXTURES

#: The crafted corpus has its own test (test_crafted_inputs.py), file by file.
FILES = sorted(p for p in FIXTURES.rglob("*")
               if p.is_file() and p.stat().st_size and "crafted" not in p.parts)


@pytest.mark.parametrize("fmt", formats())
def test_truncated_files_never_raise(tmp_path: Path, fmt: str):
    for source in FILES:
        data = source.read_bytes()
        for cut in (len(data) // 3, len(data) // 2, len(data) - 7):
            piece = tmp_path / f"{source.stem}-{cut}{source.suffix}"
            piece.write_bytes(data[:cut])
            for forced in (fmt, None):
                report = LoadReport()
                list(iter_records([piece], fmt=forced, report=report))
                unexpected = [str(i) for i in report.issues if "unexpected error" in i.message]
                assert not unexpected, unexpected
            piece.unlink()
