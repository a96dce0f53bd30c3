"""On a real `stepdown serve`, a phone reads its feed with no header, and the access log (which
writes every path) shows no feed secret."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import httpx

from tests.conftest import SCENARIOS
from tests.e2e.conftest import PROGRAM, STEPDOWN, free_port


def test_the_access_log_shows_no_feed_secret(tmp_path: Path) -> None:
    env = {**os.environ, "STEPDOWN_DATABASE_URL": f"sqlite:///{tmp_path}/stepdown.db"}
    token = subprocess.run(
        [
            str(STEPDOWN),
            "token",
            "create",
            "--subject",
            "coordinator-e2e",
            "--role",
            "coordinator",
            "--all-programs",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    port = free_port()
    process = subprocess.Popen(
        [str(STEPDOWN), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, process.kill)  # a server that never starts fails the test
    watchdog.start()
    assert process.stderr is not None
    for line in process.stderr:
        if "Application startup complete" in line:
            break
    watchdog.cancel()
    try:
        auth = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            imported = http.post(
                "/programs",
                content=(SCENARIOS / "sample.json").read_bytes(),
                headers={**auth, "Content-Type": "application/json"},
            )
            assert imported.status_code == 200, imported.text
            staffed = http.post(
                "/programs",
                content=(SCENARIOS / "staffed.json").read_bytes(),
                headers={**auth, "Content-Type": "application/json"},
            )
            assert staffed.status_code == 200, staffed.text
            urls = []
            # A session's feed and a staff member's: both secrets are kept out of the log.
            for path in (
                f"/programs/{PROGRAM}/sessions/mon-day-1/feed",
                "/programs/staffed-201/staff/s-ana/feed",
            ):
                created = http.post(path, headers=auth)
                assert created.status_code == 201, created.text
                urls.append(created.json()["url"])
        secrets = [url.rsplit("/", 1)[1].removesuffix(".ics") for url in urls]
        for url in urls:
            feed = httpx.get(url, timeout=60)  # a phone: no header, no cookie
            assert feed.status_code == 200
            assert b"BEGIN:VEVENT" in feed.content
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    log = out + err
    assert log.count("GET /feeds/[secret] 200") == 2  # each read was logged, without its key
    for secret in secrets:
        assert secret not in log
        assert secret[4:20] not in log
