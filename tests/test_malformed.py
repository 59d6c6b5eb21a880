"""Every fixture, cut short and read with every loader: reported, never an exception."""

from pathlib import Path

import pytest
from conftest import FIXTURES

from citegraph.loaders import LoadReport, iter_records
from citegraph.loaders.detect import formats

#: The small hand-made fixtures. The real exports under ``real/`` are read whole, record by
#: record, by test_real_exports.py (cutting each of them 48 ways here would add ~40 s), and
#: the crafted corpus has its own test (test_crafted_inputs.py), file by file.
FILES = sorted(
    p for p in FIXTURES.rglob("*")
    if p.is_file() and p.stat().st_size
    and not {"real", "crafted"} & set(p.relative_to(FIXTURES).parts)
)


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
