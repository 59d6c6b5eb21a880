"""OpenAlex snapshot partitions (``updated_date=…/part_000.gz``): gzipped JSON lines."""

import gzip
import shutil
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
from conftest import FIXTURES, load, messages  # noqa: E402
from jsonl_shapes import write_jsonl  # noqa: E402

from citegraph.loaders import LoadReport, RecordStream, iter_records  # noqa: E402
from citegraph.loaders.detect import detect_format  # noqa: E402

SNAPSHOT = FIXTURES / "snapshot" / "openalex"
PARTITION = SNAPSHOT / "updated_date=2023-10-29" / "fmt_part_000.gz"


def _partition(tmp_path: Path, n: int, name: str = "part_000.gz") -> Path:
    """``n`` works in the OpenAlex layout, gzipped under a partition folder."""
    plain = write_jsonl(tmp_path / f"works-{n}.jsonl", n, "openalex")
    folder = tmp_path / f"updated_date=2024-01-01-{n}"
    folder.mkdir(exist_ok=True)
    packed = folder / name
    with plain.open("rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    plain.unlink()
    return packed


def test_a_real_partition_is_detected_and_read_from_its_folder():
    assert ".json" not in PARTITION.name and detect_format(PARTITION) == "openalex"
    records, report = load(SNAPSHOT)  # the snapshot folder, read recursively
    (work,) = records
    assert report.formats == {str(PARTITION): "openalex"} and report.issues == []
    assert work.title == ("The state of OA: a large-scale analysis of the prevalence and "
                          "impact of Open Access articles")
    assert work.ids == {"openalex": "W2741809807", "doi": "10.7717/peerj.4375"}
    assert work.authors[0] == "Heather A. Piwowar" and len(work.authors) == 9
    assert (work.year, work.date) == (2018, "2018-02-13")
    assert [r.ids for r in work.references] == [{"openalex": "W1560783210"},
                                                {"openalex": "W1724212071"}]
    assert work.provenance[0].location == "line 1"


def _peak(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    count = sum(1 for _ in iter_records([path], report=LoadReport()))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count, peak


def test_partitions_stream_in_bounded_memory(tmp_path):
    small, large = _partition(tmp_path, 200), _partition(tmp_path, 2_000)
    _peak(small)  # warm caches so both runs measure the same thing
    n_small, peak_small = _peak(small)
    n_large, peak_large = _peak(large)
    assert (n_small, n_large) == (200, 2_000)
    assert peak_large < peak_small * 1.5 + 256 * 1024


def test_progress_counts_compressed_bytes(tmp_path):
    path = _partition(tmp_path, 3_000)
    seen: list[int] = []
    stream = RecordStream([path.parent])
    stream.on_bytes = seen.append
    assert sum(1 for _ in stream) == 3_000
    assert stream.total_bytes == path.stat().st_size == sum(seen)
    assert len(seen) > 1  # advanced while reading, not only at the end


def test_a_partition_cut_short_keeps_its_first_works(tmp_path):
    path = _partition(tmp_path, 3_000)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    records, report = load(path)
    assert 0 < len(records) < 3_000
    assert [r.ids["openalex"] for r in records] == [
        f"W{1000000 + i}" for i in range(len(records))]
    # the line the cut went through is reported, and so is the cut itself
    assert any("gzip" in m and "ends early" in m for m in messages(report)), messages(report)
