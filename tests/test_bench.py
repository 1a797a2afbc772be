"""The benchmark itself is exercised (on a small file) so that `make bench` cannot rot."""

from bench import store_memory


def test_the_store_benchmark_runs_and_measures():
    result = store_memory.run(size_mb=16)
    assert result["status"] == "completed"
    assert result["added_mb"] < store_memory.TARGET_MB
    assert result["ok"]
