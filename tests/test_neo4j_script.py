"""``scripts/neo4j``: the server it runs listens on loopback only and reports its state."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "neo4j"
HOME = Path(os.environ.get("CITEGRAPH_NEO4J_HOME", ROOT / ".neo4j"))


def test_help_names_every_command():
    out = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, check=True)
    for command in ("install", "start", "stop", "status", "admin"):
        assert command in out.stdout


def test_unknown_command_fails():
    proc = subprocess.run([str(SCRIPT), "launch"], capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown command" in proc.stderr


@pytest.mark.neo4j
def test_running_server_is_loopback_only_and_reports_running():
    status = subprocess.run([str(SCRIPT), "status"], capture_output=True, text=True)
    if status.returncode != 0:  # 3: stopped; 1: running but not answering on this port
        if os.environ.get("CITEGRAPH_REQUIRE_NEO4J") == "1":
            pytest.fail(f"scripts/neo4j status: {status.stdout.strip()}")
        pytest.skip(f"scripts/neo4j status: {status.stdout.strip()}")
    assert "answering" in status.stdout
    conf = (HOME / "conf" / "neo4j.conf").read_text()
    assert "server.default_listen_address=127.0.0.1" in conf
    assert "server.bolt.listen_address=127.0.0.1:" in conf
    assert "server.http.enabled=false" in conf and "dbms.usage_report.enabled=false" in conf
    again = subprocess.run([str(SCRIPT), "start"], capture_output=True, text=True)
    assert again.returncode == 0 and "already running" in again.stdout
