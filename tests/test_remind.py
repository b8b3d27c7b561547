"""`spasmlog remind`: the scheduler files, golden-tested per platform; set and off against a fake
`systemctl --user` and a fake `crontab` on PATH (scripts that record their arguments); launchd and
Task Scheduler through fake `launchctl` and `schtasks`; `remind fire` with and without a check-in,
through a fake notifier, and with none available."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest

from spasmlog.core import schedulers, serving, settings
from spasmlog.core.schedulers import Reminder
from spasmlog.diary import notify, reminders
from tests.conftest import Run, diary_fingerprint

GOLDEN = Path(__file__).parent / "golden" / "remind"
COMMAND = ("/usr/bin/python3", "-m", "spasmlog", "--db", "/home/ana/My 100% diary/d.db") + (
    "remind",
    "fire",
)
WEEKDAYS = Reminder("21:30", (0, 1, 2, 3, 4), COMMAND)
DAILY = Reminder("07:05", tuple(range(7)), COMMAND)


def golden(name: str, text: str) -> None:
    """`text` equals the golden file; SPASMLOG_UPDATE_GOLDEN=1 rewrites it (then read the diff)."""
    path = GOLDEN / name
    if os.environ.get("SPASMLOG_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("reminder", "which"), [(WEEKDAYS, "weekdays"), (DAILY, "daily")])
def test_the_files_for_each_platform(reminder: Reminder, which: str) -> None:
    golden(f"systemd-{which}.service", schedulers.systemd_service(reminder))
    golden(f"systemd-{which}.timer", schedulers.systemd_timer(reminder))
    golden(f"cron-{which}.txt", schedulers.cron_lines(reminder))
    golden(f"launchd-{which}.plist", schedulers.launchd_plist(reminder))
    golden(f"windows-{which}.xml", schedulers.windows_task(reminder))


def test_the_launchd_agent_is_a_valid_plist() -> None:
    import plistlib

    agent = plistlib.loads(schedulers.launchd_plist(WEEKDAYS).encode())
    assert agent["ProgramArguments"] == list(COMMAND)
    assert [entry["Weekday"] for entry in agent["StartCalendarInterval"]] == [1, 2, 3, 4, 5]


def test_the_windows_task_is_valid_xml() -> None:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(schedulers.windows_task(WEEKDAYS).split("\n", 1)[1])
    namespace = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"
    assert root.find(f".//{namespace}Arguments").text == (  # type: ignore[union-attr]
        '-m spasmlog --db "/home/ana/My 100% diary/d.db" remind fire'
    )


def test_cron_lines_come_out_and_nothing_else() -> None:
    mine = "MAILTO=ana\n0 3 * * * backup.sh\n"
    added = mine + schedulers.cron_lines(WEEKDAYS) + "# a note of my own\n"
    assert schedulers.has_cron_lines(added)
    assert schedulers.without_cron_lines(added) == mine + "# a note of my own\n"
    assert schedulers.without_cron_lines(mine) == mine


# --- set and off, with fake schedulers on PATH ----------------------------------------------------


def fake(folder: Path, name: str, body: str = "") -> Path:
    """A script called `name` that logs its arguments (one call a line) and runs `body`."""
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f'#!/bin/sh\necho "$*" >> "{folder}/{name}.log"\n{body}\n')
    script.chmod(0o755)
    return folder / f"{name}.log"


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of this test's own, with only fake programs on PATH."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XAUTHORITY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


UNITS = Path(".config") / "systemd" / "user"


def test_set_and_off_with_systemd(
    run: Run, home: Path, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = fake(tmp_path / "bin", "systemctl")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")  # a desktop terminal
    result = run("remind", "set", "21:30", "--days", "mon-fri")
    assert result.exit_code == 0, result.output
    folder = home / UNITS
    assert result.stdout == (
        f"Reminder set: 21:30, mon-fri, with a systemd user timer ({folder}/spasmlog-reminder"
        f".service, {folder}/spasmlog-reminder.timer). It notifies only on a day without a "
        "check-in; `spasmlog remind off` removes it.\n"
    )
    assert calls(log) == [
        "--user show-environment",
        "--user import-environment WAYLAND_DISPLAY",
        "--user daemon-reload",
        "--user enable --now spasmlog-reminder.timer",
    ]
    timer = (folder / "spasmlog-reminder.timer").read_text()
    assert "OnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 21:30:00\n" in timer
    service = (folder / "spasmlog-reminder.service").read_text()
    assert f"-m spasmlog --db {db_path} remind fire\n" in service
    assert stat.S_IMODE((folder / "spasmlog-reminder.timer").stat().st_mode) == 0o600
    assert settings.load()["reminder_days"] == "mon-fri"
    mine = folder / "backup.timer"
    mine.write_text("[Timer]\n")  # someone else's unit, beside ours

    status = run("remind", "status")
    assert "Reminder: 21:30, mon-fri, with a systemd user timer" in status.stdout
    assert "Last run: not yet." in status.stdout

    log.unlink()
    result = run("remind", "off")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Reminder removed: {folder}/spasmlog-reminder.timer, {folder}/spasmlog-reminder.service.\n"
    )
    assert calls(log) == ["--user disable --now spasmlog-reminder.timer", "--user daemon-reload"]
    assert sorted(path.name for path in folder.iterdir()) == ["backup.timer"]
    assert run("remind", "off").stdout == "No reminder was set; nothing changed.\n"
    assert run("remind", "status").stdout == (
        "No reminder is set. Set one: spasmlog remind set 21:30\n"
    )


def test_dry_run_prints_the_exact_files_and_changes_nothing(
    run: Run, home: Path, tmp_path: Path
) -> None:
    log = fake(tmp_path / "bin", "systemctl")
    result = run("remind", "set", "7:05", "--dry-run")
    assert result.exit_code == 0, result.output
    assert calls(log) == ["--user show-environment"]  # asked which scheduler, nothing else
    reminder = Reminder("07:05", tuple(range(7)), reminders_command(run))
    folder = home / UNITS
    assert f"Would write {folder}/spasmlog-reminder.timer:\n" in result.stdout
    assert schedulers.systemd_timer(reminder).rstrip() in result.stdout
    assert schedulers.systemd_service(reminder).rstrip() in result.stdout
    assert "Would run:\n  systemctl --user daemon-reload\n  systemctl --user enable --now" in (
        result.stdout
    )
    assert "this terminal has no desktop session" in result.stdout
    assert result.stdout.endswith("Nothing was changed (--dry-run).\n")
    assert not folder.exists() and not settings.config_path().exists()
    assert not settings.state_dir().exists()


def reminders_command(run: Run) -> tuple[str, ...]:
    """The fire command `remind set` writes, as the service shows it."""
    out = run("remind", "set", "--dry-run").stdout
    line = next(line for line in out.splitlines() if line.startswith("ExecStart="))
    return tuple(line.removeprefix("ExecStart=").split(" "))


def test_a_failing_scheduler_leaves_nothing_behind(run: Run, home: Path, tmp_path: Path) -> None:
    fake(
        tmp_path / "bin",
        "systemctl",
        'case "$2" in enable) echo "Failed to connect to bus" >&2; exit 1;; esac',
    )
    result = run("remind", "set", "21:30")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: `systemctl --user enable --now spasmlog-reminder.timer` failed: Failed to "
        "connect to bus.\n"
    )
    assert list((home / UNITS).iterdir()) == []
    assert reminders.installed(settings.state_dir()) is None
    assert not settings.config_path().exists()  # the time is saved only once it is set


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("25:00",), "Error: TIME: invalid value '25:00'. Use a 24-hour time"),
        (("21:30", "--days", "funday"), "Error: --days: invalid value 'funday'."),
    ],
)
def test_bad_time_or_days_exit_2_and_write_nothing(
    run: Run, home: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    log = fake(tmp_path / "bin", "systemctl")
    result = run("remind", "set", *args)
    assert result.exit_code == 2 and result.stderr.startswith(message)
    assert calls(log) == [] and not home.exists()


CRONTAB = """case "$1" in
  -l) if [ -f "{tab}" ]; then /bin/cat "{tab}"; else echo "no crontab for ana" >&2; exit 1; fi;;
  -) /bin/cat > "{tab}";;
esac"""


def test_set_and_off_with_cron_keep_the_rest_of_the_crontab(
    run: Run, home: Path, tmp_path: Path
) -> None:
    tab = tmp_path / "crontab.txt"
    fake(tmp_path / "bin", "crontab", CRONTAB.format(tab=tab))  # no systemctl here
    result = run("remind", "set", "21:30")
    assert result.exit_code == 0, result.output
    assert "with your crontab" in result.stdout
    assert "Note: jobs run by cron usually have no desktop session" in result.stdout
    assert tab.read_text().startswith(schedulers.CRON_BEGIN + "\n30 21 * * * ")
    mine = "MAILTO=ana\n0 3 * * * backup.sh\n"
    tab.write_text(mine + tab.read_text())
    assert run("remind", "set", "22:00", "--days", "sat-sun").exit_code == 0  # replaces it
    assert tab.read_text().count(schedulers.CRON_BEGIN) == 1
    assert "\n0 22 * * 6,0 " in tab.read_text()
    assert run("remind", "off").stdout == "Reminder removed: its lines in your crontab.\n"
    assert tab.read_text() == mine

    test = run("remind", "test")  # no notifier on this PATH: said, on one line each
    assert test.stdout.startswith("Note: jobs run by cron usually have no desktop session")
    assert test.exit_code == 1
    assert test.stderr == (
        "Error: No notifier here: `notify-send` is not installed (Debian and Ubuntu: sudo apt "
        "install libnotify-bin; Fedora: sudo dnf install libnotify).\n"
    )


def test_launchd_and_task_scheduler(home: Path, tmp_path: Path) -> None:
    launchctl = fake(tmp_path / "bin", "launchctl", 'case "$1" in print) exit 113;; esac')
    schtasks = fake(
        tmp_path / "bin",
        "schtasks",
        'case "$1" in /Query) [ -f "$0.created" ] || exit 1;; /Create) : > "$0.created";; '
        '/Delete) /bin/rm "$0.created";; esac',
    )
    state = settings.state_dir()
    now = dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC)

    plist = home / "Library" / "LaunchAgents" / "org.spasmlog.reminder.plist"
    reminders.install(reminders.plan(WEEKDAYS, "launchd"), state, now)
    assert plist.read_text() == schedulers.launchd_plist(WEEKDAYS)
    assert calls(launchctl)[-1] == f"bootstrap gui/{os.getuid()} {plist}"
    assert reminders.remove(state) == [str(plist)]
    assert calls(launchctl)[-1] == f"bootout gui/{os.getuid()}/org.spasmlog.reminder"
    assert not plist.exists()

    reminders.install(reminders.plan(WEEKDAYS, "schtasks"), state, now)
    created = calls(schtasks)[-1]
    assert created.startswith("/Create /TN spasmlog check-in reminder /XML ")
    assert not list(state.glob("*.xml"))  # the task file was only handed over
    assert reminders.remove(state) == ["the task \\spasmlog check-in reminder"]
    assert calls(schtasks)[-1] == "/Delete /TN spasmlog check-in reminder /F"


# --- fire -----------------------------------------------------------------------------------------


@pytest.fixture
def notifier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake notify-send on PATH and a desktop session; the log of what it was asked to show."""
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus")
    return fake(tmp_path / "bin", "notify-send")


def test_fire_notifies_on_a_day_without_a_check_in(run: Run, seeded: Path, notifier: Path) -> None:
    before = diary_fingerprint(seeded)
    result = run("remind", "fire")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Notified with notify-send: No check-in today.\n"
    assert calls(notifier) == ["--app-name=spasmlog spasmlog No check-in today"]
    assert diary_fingerprint(seeded) == before
    last = reminders.last_fired(settings.state_dir())
    assert last == ("2026-03-15T12:00:00+01:00", "notified with notify-send: No check-in today")


def test_fire_is_silent_on_a_day_with_a_check_in(run: Run, seeded: Path, notifier: Path) -> None:
    assert run("checkin", "--sleep", "7").exit_code == 0
    result = run("remind", "fire")
    assert result.exit_code == 0
    assert result.stdout == "Today has a check-in; no notification.\n"
    assert calls(notifier) == []


def test_fire_with_no_notifier_says_so_on_one_line(
    run: Run, seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = run("remind", "fire")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No notifier here: `notify-send` is not installed")
    assert result.stderr.count("\n") == 1
    outcome = reminders.last_fired(settings.state_dir())
    assert outcome is not None and outcome[1].startswith("could not notify: No notifier here")


def test_fire_without_a_desktop_session_says_so(
    run: Run, seeded: Path, notifier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    result = run("remind", "fire")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No desktop session here (DBUS_SESSION_BUS_ADDRESS")
    assert calls(notifier) == []


def test_fire_never_creates_a_diary(run: Run, db_path: Path, notifier: Path) -> None:
    assert run("remind", "fire").stdout == "Notified with notify-send: No check-in today.\n"
    assert not db_path.exists()


def test_fire_during_a_trial_names_neither_remedy_nor_arm(
    run: Run, seeded: Path, notifier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPASMLOG_TRIAL_SEED", "5eed" * 8)
    started = run("trial", "start", "magnesium 300 mg", "--skip-run-in")
    assert started.exit_code == 0, started.output
    result = run("remind", "fire")
    assert result.stdout == (
        "Notified with notify-send: Open spasmlog for tonight's trial instruction.\n"
    )
    shown = " ".join(calls(notifier))
    assert "magnesium" not in shown and "ON" not in shown.split() and "OFF" not in shown


def test_fire_links_to_a_running_serve(run: Run, seeded: Path, notifier: Path) -> None:
    state = settings.state_dir()
    url = "http://127.0.0.1:8765/"
    serving.write(state, serving.ServeInfo(url, url + "checkin", os.getpid()))
    assert run("remind", "fire").stdout == (
        "Notified with notify-send: No check-in today: http://127.0.0.1:8765/checkin.\n"
    )
    (state / serving.FILE_NAME).write_text(json.dumps({"url": "http://evil.example/"}))
    run("remind", "fire")
    assert calls(notifier)[-1] == "--app-name=spasmlog spasmlog No check-in today"


def test_serve_json_is_ignored_when_its_server_is_gone(tmp_path: Path) -> None:
    serving.write(tmp_path, serving.ServeInfo("http://localhost:8000/", None, 2**22 + 12345))
    assert serving.read(tmp_path) is None
    serving.write(tmp_path, serving.ServeInfo("http://[::1]:8000/", None, os.getpid()))
    assert serving.read(tmp_path) == serving.ServeInfo("http://[::1]:8000/", None, os.getpid())
    assert stat.S_IMODE((tmp_path / serving.FILE_NAME).stat().st_mode) == 0o600
    with pytest.raises(ValueError):
        serving.write(tmp_path, serving.ServeInfo("http://192.168.1.2:8000/"))


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux", ("notify-send", "--app-name=spasmlog", "spasmlog", "No check-in today")),
        (
            "darwin",
            ("osascript", "-e", 'display notification "No check-in today" with title "spasmlog"'),
        ),
    ],
)
def test_notifier_commands(platform: str, expected: tuple[str, ...]) -> None:
    assert notify.command(notify.message(False, None), platform) == expected


def test_the_windows_toast_opens_the_check_in_page() -> None:
    args = notify.command(notify.message(True, "http://127.0.0.1:8765/checkin?a=1&b='2'"), "win32")
    script = args[-1]
    assert args[0] == "powershell"
    assert "launch=\"http://127.0.0.1:8765/checkin?a=1&amp;b=''2''\"" in script
    assert "<text>Open spasmlog for tonight''s trial instruction: http" in script
