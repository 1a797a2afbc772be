"""The benchmarks themselves are exercised (small sizes) so that `make bench` cannot rot."""

import re
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from bench import (
    api,
    delivery_stream,
    finishing_speed,
    first_byte,
    guest_downloads,
    integrations,
    media_speed,
    one_take_split,
    pages,
    pipeline,
    planning,
    plot,
    provenance,
    scale,
    stack,
    sweep_cost,
    transfer,
    versions,
)


def test_the_signing_benchmark_signs_a_file_that_validates():
    result = provenance.run(size_mb=4, runs=1)
    assert result["ok"]  # signed, valid when read back, well under the goal at 4 MB
    assert "a plain sha256 of it" in result["result"]


def test_the_transfer_benchmark_stores_into_s3_and_copies_plainly():
    result = transfer.run(size_mb=16)
    assert result["status"] == "completed"
    assert result["added_mb"] < transfer.TARGET_MB
    assert result["ratio"] > 0 and "of a plain copy" in result["result"]


def test_the_delivery_benchmark_streams_the_whole_package():
    result = delivery_stream.run(size_mb=24, files=3)
    assert result["bytes"] > 24 * 1024 * 1024  # every file and the manifests
    assert result["added_mb"] < delivery_stream.TARGET_MB
    assert result["ok"]


def test_the_guest_download_benchmark_serves_two_and_refuses_the_rest():
    # Each download is held 3 s: longer than any start-up jitter between the guests.
    result = guest_downloads.run(guests=4, read_seconds=3.0, compare=False)
    assert (result["served"], result["refused"]) == (2, 2)
    assert "members' dashboard p95" in result["result"]


def test_the_pages_benchmark_measures_every_page_and_its_queries():
    data = pages.run(curve=(5, 20))
    assert len(data["pages"]) == 7
    assert all(
        m["queries"] > 0 and m["p95_ms"] >= m["median_ms"] > 0 for m in data["pages"].values()
    )
    # Queries do not grow with the rows.
    assert data["curves"]["5"]["board"]["queries"] == data["curves"]["20"]["board"]["queries"]
    assert len(pages.rows(data)) == 7 + 2 and "| 5 |" in pages.curves_markdown(data)


def test_the_media_benchmark_times_every_step():
    rows = media_speed.run(seconds=2)
    assert [r["name"].split(" ")[1] for r in rows] == [
        "animatic", "animatic", "poster", "rough", "exact",
    ]  # fmt: skip
    assert all(r["result"] and r["ok"] in (True, False) for r in rows)


def test_the_finishing_benchmark_finishes_two_spots_and_a_concat():
    speed, memory = finishing_speed.run(seconds=9)
    assert speed["name"].startswith("finishing: a 9 s") and "preflight passes" in speed["result"]
    assert "× real time" in speed["result"] and speed["ok"] in (True, False)
    assert memory["result"].startswith("largest child") and memory["ok"] in (True, False)


def test_the_pipeline_benchmark_runs_takes_through_a_running_studio_with_webhooks():
    sample = stack.sample_video()
    with tempfile.TemporaryDirectory() as tmp, stack.S3Server() as s3:
        bench = pipeline.Bench(Path(tmp), s3, sample)
        try:
            studio = bench.studio(3, lambda prompt: 0.5, webhooks=True)
            plain = bench.plain(3)
        finally:
            bench.close()
    # Every take was made once, its webhook arrived, it was confirmed by one status call and
    # downloaded (the video and the provider's spritesheet).
    assert studio["webhooks"] == 3
    assert studio["calls"]["create"] == 1 and studio["calls"]["status"] == 1
    assert studio["calls"]["download"] == 2
    # Playable soon after the job finished: the webhook, not the 10 s first poll, moved it.
    assert 0 < studio["p50"] < 10 and studio["per_second"] > 0
    assert plain["calls"] == 3 and plain["per_second"] > 0
    assert studio["steady"] > 0 and plain["steady"] > 0
    data = {
        "setup": bench.describe(),
        "overhead": {"plain": plain, "polling": studio, "webhooks": studio},
        "scaling": {3: studio},
        "latency": {("webhooks", 3): studio},
        "measured": 3,
    }
    names = [row["name"] for row in pipeline.rows(data)]
    assert "pipeline: 3 takes, webhooks" in names and "| 3 |" in pipeline.curves_markdown(data)


def test_the_rate_while_full_leaves_out_the_start_and_the_tail():
    # 10 s of waiting for the first poll, then 100 takes at 5 a second, then a slow last one.
    done = [10 + i / 5 for i in range(100)] + [60.0]
    assert pipeline.steady_rate(done) == pytest.approx(5, rel=0.01)
    assert pipeline.steady_rate([1.0, 2.0, 3.0]) == pytest.approx(1)
    assert pipeline.steady_rate([4.0]) == 0


def test_the_curves_plot_is_an_svg_with_a_line_per_series():
    text = plot.svg(
        {"board <p95>": {10: 8.0, 100: 40.0, 1000: 350.0}, "grid": {10: 9.0, 100: 45.0}},
        "shots",
        "ms",
    )
    root = ElementTree.fromstring(text)  # well-formed, names escaped
    lines = root.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 2 and len(lines[0].get("points").split()) == 3
    assert "board &lt;p95&gt;" in text


def test_the_planning_benchmark_plans_ten_shots_and_reports_the_rule_pass_rate():
    speed, rate = planning.run(runs=1)
    assert speed["shots"] == 10 and "ms (median of 1)" in speed["result"]
    assert rate["ok"] and rate["plans"] > 300 and "(100%)" in rate["result"], rate["misses"]


def test_the_versions_benchmark_makes_every_version_once_and_counts_the_page_s_queries():
    made, page = versions.run(seconds=6, markets=1)
    assert "6 of 6 pass preflight; 0 takes generated" in made["result"], made["result"]
    assert page["ok"], page["result"]  # the same queries for 6 versions and for 300


def test_the_one_take_split_benchmark_cuts_six_pieces_at_the_scene_changes():
    result = one_take_split.run(size="640x360")
    assert result["pieces"] == 6 and "cuts at 2, 5, 7.5, 10, 13 s" in result["result"]


def test_the_first_byte_benchmark_streams_the_package_and_the_spend_csv():
    data = first_byte.run(shots=4)
    assert data["takes"] == 12
    for key in ("package", "csv"):
        m = data[key]
        assert m["status"] == 200 and 0 < m["first_s"] <= m["all_s"] and m["bytes"] > 0
    assert [row["ok"] for row in first_byte.rows(data)] == [True, True]


def test_the_sweep_cost_benchmark_draws_its_curve():
    data = sweep_cost.run(in_flight=200, due=(0, 10, 50))
    assert set(data["curve"]) == {"0", "10", "50"}
    assert all(m["ms"] > 0 for m in data["curve"].values())
    assert "| 50 |" in sweep_cost.curve_markdown(data)
    assert sweep_cost.rows(data)[0]["ok"] in (True, False)


@pytest.mark.services
def test_the_scale_benchmark_seeds_with_the_command_and_explains_every_page():
    data = scale.run(campaigns=2, shots=3, takes=10)
    if "skipped" in data:
        pytest.skip(data["skipped"])
    assert data["seeded"]["takes"] == 60 and data["seeded"]["events"] > 60
    assert len(data["pages"]) == 8
    for m in data["pages"].values():
        assert m["queries"] > 0 and m["p95_ms"] >= m["median_ms"] > 0
        assert isinstance(m["seq_scans"], list)
    assert data["recompute"]["all"] > 0 and data["recompute"]["one"] > 0
    assert len(scale.rows(data)) == 9


def test_the_chat_and_audit_benchmarks_measure():
    chat = integrations.chat(events=60, seconds=3)
    assert chat["ok"] and "60 updates" in chat["result"]
    audit = integrations.audit(rows=10_000)  # each case has a full page of 100
    assert audit["ok"] is True and "p95 first page" in audit["result"]


def test_the_api_benchmarks_measure_the_list_and_the_requests():
    listed = api.takes_list(campaigns=3, shots=4, takes=5)
    assert "at 60 takes" in listed["name"]
    counts = re.findall(r"(\d+) \(vs (\d+) at one take\)", listed["result"])
    assert len(counts) == 4 and all(a == b for a, b in counts)
    requested = api.requesting(takes=10)
    assert "20 takes made" in requested["result"]


def test_the_own_gpu_benchmark_counts_the_calls_and_cpu_of_each_route():
    from bench import own_gpus

    measured = own_gpus.overhead(takes=2)
    assert "(2 takes)" in measured["name"]
    calls = re.findall(r"(\d+\.\d) calls, (\d+) ms CPU", measured["result"])
    assert len(calls) == 2 and all(float(c) >= 4 and int(ms) > 0 for c, ms in calls)
