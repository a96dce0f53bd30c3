"""A real server refuses unauthenticated bodies before reading them: six 100 MB requests (the
attack that took the server to 852 MB) leave its memory flat."""

from __future__ import annotations

import os
import select
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.e2e.conftest import Server

HUNDRED_MB = 100 * 1024 * 1024
CHUNK = b"x" * 65536


def resident_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def server_pid(server: Server) -> int:
    port = urlsplit(server.base_url).port
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in command and str(port).encode() in command:
                return int(entry.name)
    raise AssertionError("server process not found")


def connect(server: Server) -> socket.socket:
    """uvicorn says "startup complete" just before it listens: the first connect may be early."""
    parts = urlsplit(server.base_url)
    deadline = time.monotonic() + 10
    while True:
        try:
            return socket.create_connection((parts.hostname, parts.port), timeout=30)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def send_chunked(server: Server, path: str, headers: str) -> tuple[str, int]:
    """Stream up to 100 MB chunked until the server answers; (status line, bytes sent)."""
    with connect(server) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n"
            f"{headers}\r\n".encode()
        )
        sent = 0
        while sent < HUNDRED_MB:
            answered, _, _ = select.select([connection], [], [], 0)
            if answered:
                break
            try:
                connection.sendall(f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n")
            except OSError:  # the server answered and closed the connection
                break
            sent += len(CHUNK)
        return connection.recv(4096).decode("latin-1").split("\r\n")[0], sent


def send_declared(server: Server, path: str, headers: str) -> str:
    """Declare 100 MB and send none of it: an answer now means the body was never waited for."""
    with connect(server) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Length: {HUNDRED_MB}\r\n"
            f"{headers}\r\n".encode()
        )
        return connection.recv(4096).decode("latin-1").split("\r\n")[0]


def test_unauthenticated_hundred_megabyte_bodies_are_refused_unread(server: Server) -> None:
    pid = server_pid(server)
    before = resident_kib(pid)
    for _ in range(6):
        status, sent = send_chunked(server, "/programs", "Content-Type: application/json\r\n")
        assert status == "HTTP/1.1 401 Unauthorized"
        # Only what fits in the sockets' buffers went out before the answer.
        assert sent < 16 * 1024 * 1024
    page_status, _ = send_chunked(
        server, "/ui/programs/p/weeks/2026-W49/attendance", "Cookie: stepdown_token=nope\r\n"
    )
    assert page_status == "HTTP/1.1 303 See Other"
    wrong_token = "Authorization: Bearer sd_wrong\r\n"
    assert (
        send_declared(server, "/programs", wrong_token) == "HTTP/1.1 413 Request Entity Too Large"
    )
    assert resident_kib(pid) - before < 30 * 1024  # flat: no body was held


def test_an_authenticated_body_over_the_limit_is_refused_as_it_streams(server: Server) -> None:
    token = f"Authorization: Bearer {server.tokens['coordinator']}\r\n"
    status, sent = send_chunked(server, "/programs", f"Content-Type: application/json\r\n{token}")
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert sent < 8 * 1024 * 1024 + 16 * 1024 * 1024  # the limit, plus the sockets' buffers
    assert os.environ.get("STEPDOWN_MAX_BODY_BYTES") is None  # the default limit was in force
