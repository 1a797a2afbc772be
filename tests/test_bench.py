"""The benchmark itself is exercised (on a small file) so that `make bench` cannot rot."""

from bench import delivery_stream, pages, store_memory


def test_the_store_benchmark_runs_and_measures():
    result = store_memory.run(size_mb=16)
    assert result["status"] == "completed"
    assert result["added_mb"] < store_memory.TARGET_MB
    assert result["ok"]


def test_the_delivery_benchmark_streams_the_whole_package():
    result = delivery_stream.run(size_mb=24, files=3)
    assert result["bytes"] > 24 * 1024 * 1024  # every file and the manifests
    assert result["added_mb"] < delivery_stream.TARGET_MB
    assert result["ok"]


def test_the_pages_benchmark_measures_every_page_and_its_queries():
    data = pages.run(curve=(5, 20))
    assert len(data["pages"]) == 7
    assert all(
        m["queries"] > 0 and m["p95_ms"] >= m["median_ms"] > 0 for m in data["pages"].values()
    )
    # Queries do not grow with the rows.
    assert data["curves"]["5"]["board"]["queries"] == data["curves"]["20"]["board"]["queries"]
    assert len(pages.rows(data)) == 7 and "| 5 |" in pages.curves_markdown(data)
