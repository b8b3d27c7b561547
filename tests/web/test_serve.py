"""`spasmlog serve` as a real process on 127.0.0.1: the link, a clean Ctrl-C, a port in use,
--new-link, --devices and --revoke, --lan's warning and QR code, --open, and a server that
survives a killed client, garbage and a 10 MB post. And the service files, golden-tested and
installed against a fake `systemctl`."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from spasmlog.web import service
from tests.web.live import environment, live_server, run_spasmlog

GOLDEN = Path(__file__).parent / "golden"
LOCAL = pytest.mark.allow_hosts(["127.0.0.1"])


def request(
    base: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def cookie_from(headers: dict[str, str]) -> str:
    return headers["Set-Cookie"].split(";")[0]


@LOCAL
def test_serve_logs_in_serves_and_stops_on_ctrl_c(seeded: Path) -> None:
    with live_server(seeded) as live:
        text = "".join(live.output)
        assert text.startswith(f"Serving {seeded} at http://127.0.0.1:")
        assert "(Ctrl-C stops it)" in text
        status, headers, _ = request(
            live.base, "GET", urlsplit(live.link).path + "?" + urlsplit(live.link).query
        )
        assert status == 303
        cookie = cookie_from(headers)
        status, headers, body = request(live.base, "GET", "/diary", headers={"Cookie": cookie})
        assert status == 200 and b"Neck" in body
        assert request(live.base, "GET", "/diary")[0] == 401
        status, _, _ = request(
            live.base, "GET", "/", headers={"Host": "evil.example", "Cookie": cookie}
        )
        assert status == 403
    assert live.process.returncode == 0
    assert "".join(live.output).rstrip().endswith("Stopped.")
    for path in seeded.parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@LOCAL
def test_the_server_survives_bad_clients(seeded: Path) -> None:
    with live_server(seeded) as live:
        parts = urlsplit(live.base)
        address = (parts.hostname or "", parts.port or 0)
        with socket.create_connection(address, timeout=10) as raw:  # garbage, then hang up
            raw.sendall(b"\x00\x01 NOT HTTP\r\n\r\n")
            raw.recv(1024)
        with socket.create_connection(address, timeout=10) as raw:  # a client killed mid-request
            raw.sendall(b"POST /log HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\nab")
        with socket.create_connection(address, timeout=10) as raw:  # a 10 MB form
            raw.sendall(
                b"POST /log HTTP/1.1\r\nHost: " + address[0].encode() + b"\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 10485760\r\n\r\nnote=" + b"x" * 65536
            )
            answer = raw.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413 ")
        assert request(live.base, "GET", "/static/app.css")[0] == 200  # still serving
    assert live.process.returncode == 0


@LOCAL
def test_a_port_in_use_is_named(seeded: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_spasmlog(seeded, "serve", "--port", str(port))
    assert done.returncode == 2
    assert f"Error: Port {port} on 127.0.0.1 is in use (another `spasmlog serve`?)" in done.stderr


@LOCAL
def test_new_link_devices_and_revoke(seeded: Path) -> None:
    assert "No `spasmlog serve` is running" in run_spasmlog(seeded, "serve", "--new-link").stderr
    with live_server(seeded) as live:
        done = run_spasmlog(seeded, "serve", "--new-link")
        assert done.returncode == 0, done.stderr
        link = re.search(r"http://\S+/login\?token=(\S+)", done.stdout)
        assert link and link.group(0).startswith(live.base)
        status, headers, _ = request(
            live.base, "GET", f"/login?token={link.group(1)}",
            headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile"},
        )  # fmt: skip
        assert status == 303
        cookie = cookie_from(headers)
        listed = run_spasmlog(seeded, "serve", "--devices").stdout
        device = re.search(r"^([0-9a-f]{8})  Android Chrome", listed, re.M)
        assert device, listed
        assert request(live.base, "GET", "/", headers={"Cookie": cookie})[0] == 200
        ended = run_spasmlog(seeded, "serve", "--revoke", device.group(1))
        assert ended.stdout.startswith("Ended 1 session")
        assert request(live.base, "GET", "/", headers={"Cookie": cookie})[0] == 401
        unknown = run_spasmlog(seeded, "serve", "--revoke", "abcdef12")
        assert unknown.returncode == 2 and "No device 'abcdef12'" in unknown.stderr


@pytest.mark.allow_hosts(["127.0.0.2"])
def test_lan_warns_and_draws_a_qr_code(seeded: Path) -> None:
    with live_server(seeded, "--lan", "--address", "127.0.0.2") as live:
        text = "".join(live.output)
        assert live.base.startswith("http://127.0.0.2:")
        assert "Warning: --lan serves plain HTTP" in text
        assert "▀" in text or "█" in text  # the QR code, in block characters
        assert request(live.base, "GET", "/static/app.css")[0] == 200


@LOCAL
def test_open_uses_a_link_of_its_own(seeded: Path, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "fake-browser"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    browser.chmod(0o700)
    with live_server(seeded, "--open", env={"BROWSER": str(browser)}) as live:
        for _ in range(100):
            if opened.exists() and opened.read_text().strip():
                break
            subprocess.run(["sleep", "0.1"], check=True)
        url = opened.read_text().strip()
        assert url.startswith(live.base + "/login?token=") and url != live.link


def test_bad_options_are_refused_before_serving(seeded: Path) -> None:
    done = run_spasmlog(seeded, "serve", "--address", "10.0.0.1")
    assert done.returncode == 2 and "Give --address together with --lan" in done.stderr
    done = run_spasmlog(seeded, "serve", "--lan", "--address", "not-an-ip")
    assert done.returncode == 2 and "Give an IP address of this machine" in done.stderr


# --- the service ---------------------------------------------------------------------------

COMMAND = service.command_line(
    "/opt/spasm log/bin/python", Path("/home/ann/.local/share/spasmlog/diary 100%.db"),
    ["--port", "8737", "--lan"],
)  # fmt: skip


def test_the_systemd_unit_is_the_golden_one() -> None:
    made = service.for_platform("linux", Path("/home/ann"), COMMAND, 1000)
    assert made.path == Path("/home/ann/.config/systemd/user/spasmlog-serve.service")
    assert made.text == (GOLDEN / "spasmlog-serve.service").read_text()


def test_the_launchd_agent_is_the_golden_one() -> None:
    made = service.for_platform("darwin", Path("/Users/ann"), COMMAND, 501)
    assert made.path == Path("/Users/ann/Library/LaunchAgents/org.spasmlog.serve.plist")
    assert made.text == (GOLDEN / "org.spasmlog.serve.plist").read_text()
    assert made.load == (("launchctl", "bootstrap", "gui/501", str(made.path)),)


def test_windows_is_refused_plainly() -> None:
    with pytest.raises(service.ServiceError, match="not supported on win32 yet"):
        service.for_platform("win32", Path("C:/Users/ann"), COMMAND, 0)


def fake_tool(folder: Path, name: str, log: Path, code: int = 0) -> None:
    folder.mkdir(exist_ok=True)
    tool = folder / name
    tool.write_text(f'#!/bin/sh\necho "{name} $*" >> {log}\nexit {code}\n')
    tool.chmod(0o755)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the systemd unit is Linux's")
def test_install_and_uninstall_with_systemctl(seeded: Path, tmp_path: Path) -> None:
    calls = tmp_path / "calls.log"
    fake_tool(tmp_path / "bin", "systemctl", calls)
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config")}  # fmt: skip
    done = run_spasmlog(seeded, "serve", "--install", "--port", "8800", env=env)
    assert done.returncode == 0, done.stderr
    unit = tmp_path / "config" / "systemd" / "user" / "spasmlog-serve.service"
    assert f"Installed and started {unit}." in done.stdout
    text = unit.read_text()
    assert f"ExecStart={sys.executable} -m spasmlog --db {seeded} serve --port 8800\n" in text
    assert stat.S_IMODE(unit.stat().st_mode) == 0o600
    assert calls.read_text().splitlines() == [
        "systemctl --user daemon-reload",
        "systemctl --user enable --now spasmlog-serve.service",
    ]
    calls.unlink()
    done = run_spasmlog(seeded, "serve", "--uninstall", env=env)
    assert done.stdout == f"Stopped and removed {unit}.\n"
    assert not unit.exists()
    assert calls.read_text().splitlines() == [
        "systemctl --user disable --now spasmlog-serve.service",
        "systemctl --user daemon-reload",
    ]
    again = run_spasmlog(seeded, "serve", "--uninstall", env=env)
    assert again.stdout.startswith("Not installed")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the systemd unit is Linux's")
def test_install_says_when_systemctl_fails_or_is_missing(seeded: Path, tmp_path: Path) -> None:
    calls = tmp_path / "calls.log"
    fake_tool(tmp_path / "bin", "systemctl", calls, code=1)
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
           "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config")}  # fmt: skip
    done = run_spasmlog(seeded, "serve", "--install", env=env)
    assert done.returncode == 1
    assert "Error: `systemctl --user daemon-reload` failed" in done.stderr
    (tmp_path / "bin" / "systemctl").unlink()
    env["PATH"] = str(tmp_path / "bin")
    done = subprocess.run(
        [sys.executable, "-m", "spasmlog", "--db", str(seeded), "serve", "--install"],
        capture_output=True, text=True, env=environment(env), timeout=60,
    )  # fmt: skip
    assert done.returncode == 1 and "`systemctl` was not found" in done.stderr


def test_sigterm_stops_it_too(seeded: Path) -> None:
    with live_server(seeded) as live:
        live.process.send_signal(signal.SIGTERM)
        live.process.wait(timeout=20)
    assert live.process.returncode == 0


@LOCAL
def test_serve_tells_the_reminder_where_it_listens(seeded: Path, tmp_path: Path) -> None:
    """serve.json (spasmlog.core.serving) names the check-in page while serving, and goes away."""
    from spasmlog.core import serving

    state = Path(os.environ["SPASMLOG_STATE"])
    with live_server(seeded) as live:
        info = serving.read(state)
        assert info is not None and info.url == f"{live.base}/"
        assert info.link == f"{live.base}/checkin" and info.pid == live.process.pid
        assert stat.S_IMODE((state / serving.FILE_NAME).stat().st_mode) == 0o600
    assert not (state / serving.FILE_NAME).exists()
