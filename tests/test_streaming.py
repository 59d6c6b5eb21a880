"""Large JSON-lines files stream: memory does not grow with the file, progress sees bytes."""

import sys
import tracemalloc
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
from jsonl_shapes import write_jsonl  # noqa: E402

from citegraph.loaders import LoadReport, RecordStream, iter_records  # noqa: E402


def _peak(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    count = sum(1 for _ in iter_records([path], report=LoadReport()))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count, peak


@pytest.mark.parametrize("shape", ["arxiv", "openalex"])
def test_peak_memory_is_flat_as_the_file_grows(tmp_path, shape):
    small = write_jsonl(tmp_path / "small.jsonl", 300, shape)
    large = write_jsonl(tmp_path / "large.jsonl", 3_000, shape)
    _peak(small)  # warm caches (regexes, decoders) so both runs measure the same thing
    n_small, peak_small = _peak(small)
    n_large, peak_large = _peak(large)
    assert (n_small, n_large) == (300, 3_000)
    assert peak_large < peak_small * 1.5 + 256 * 1024


def test_progress_reports_every_byte(tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", 3_000)
    seen: list[int] = []
    stream = RecordStream([path])
    stream.on_bytes = seen.append
    assert sum(1 for _ in stream) == 3_000
    assert stream.total_bytes == path.stat().st_size == sum(seen)
    assert len(seen) > 1  # advanced during the file, not only at its end


def test_issues_are_capped_per_file_but_counted(tmp_path):
    from citegraph.loaders.problems import MAX_ISSUES_PER_FILE

    path = tmp_path / "bad.jsonl"
    good = '{"id": "2101.00001", "title": "ok", "abstract": "", "update_date": "2021-01-01"}\n'
    path.write_text(good + "{oops\n" * 1500)
    report = LoadReport()
    assert len(list(iter_records([path], report=report))) == 1
    assert report.total_skipped == 1500
    assert len(report.issues) == MAX_ISSUES_PER_FILE
    assert report.issues_not_kept[str(path)] == 500


class _Recorder:
    """A Progress that remembers each stage's name, total and advances."""

    def __init__(self) -> None:
        self.stages: dict[str, list] = {}

    def stage(self, name, total=None):
        from contextlib import contextmanager

        log = self.stages.setdefault(name, [total, 0])

        @contextmanager
        def run():
            class Stage:
                def advance(self, n: int = 1) -> None:
                    log[1] += n

            yield Stage()

        return run()


def test_build_drives_a_byte_progress_bar(tmp_path):
    import citegraph
    from citegraph.graph.pipeline import BuildOptions

    path = write_jsonl(tmp_path / "p.jsonl", 2_500)
    progress = _Recorder()
    options = BuildOptions(entities=False, similarity=False, co_mention=False, citations=False)
    kg = citegraph.build(tmp_path, options=options, progress=progress)
    assert kg.stats()["nodes"]["Paper"] == 2_500
    assert progress.stages["Reading files (bytes)"] == [path.stat().st_size] * 2
