"""The soak harness (`make soak`) on a short run: it samples every second and writes its CSV, JSON and SVG.
Flatness is judged by `make soak` itself over 15 minutes; 15 seconds say nothing about it."""

import csv
import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

from conftest import ROOT, souk_binary


def test_the_soak_harness_samples_every_second_and_writes_its_results(tmp_path):
    run = subprocess.run(
        [sys.executable, str(ROOT / "Benchmarks" / "Demo" / "soak.py"), str(souk_binary()), "--seconds", "12",
         "--rate", "2000", "--warmup", "4", "--out", str(tmp_path), "--smoke"],
        capture_output=True, timeout=180, cwd=ROOT)
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    summary = json.loads((tmp_path / "soak.json").read_text())
    assert summary["exit"] == 0 and summary["rate"] == 2000
    with open(tmp_path / "soak.csv") as rows:
        samples = list(csv.DictReader(rows))
    assert 11 <= len(samples) <= 13, len(samples)
    assert all(float(row["rss_mib"]) > 0 and int(row["fds"]) > 0 for row in samples)
    # The engine ran batches and reported its lag while the harness watched.
    assert any(row["batch_id"] not in ("", "None") for row in samples[4:])
    assert any(row["consumer_lag"] not in ("", "None") for row in samples[4:])
    assert set(summary["series"]) == {"rss_mib", "fds", "consumer_lag", "last_batch_ms"}
    for series in summary["series"].values():
        assert series["samples"] >= 6 and isinstance(series["flat"], bool)
    root = ElementTree.parse(tmp_path / "soak.svg").getroot()
    assert len(root.findall("{http://www.w3.org/2000/svg}polyline")) == 4
