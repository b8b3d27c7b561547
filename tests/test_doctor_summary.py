"""`spasmlog export doctor`: a hand-made diary whose numbers are known, read back from every format.

The diary and its known answers are described in tests/handmade.py (`build_doctor`).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import io
import re
import stat
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pexpect
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from spasmlog.db.store import open_store
from spasmlog.reports import signs, summary
from spasmlog.reports.documents import render
from spasmlog.reports.documents.content import (
    COMPACT_CHART_IN,
    PAGE_CHART_IN,
    FactorLine,
    SummaryData,
)
from spasmlog.reports.documents.markdown import escape_inline, escape_line
from tests.conftest import CLOCK, NOW, Run, diary_fingerprint, pin_clock
from tests.handmade import HYPERLINK, SCRIPT, build_doctor, build_once, copy_to, ok, runner_for

START, END = dt.date(2026, 1, 5), dt.date(2026, 3, 1)
PERIOD = ("--from", "2026-01-05", "--to", "2026-03-01")
KNOWN = (
    "Period: 2026-01-05 to 2026-03-01 (56 days)",
    "Days covered by the diary: 10 of 56 days have a daily check-in (18%)",
    "Generated 2026-03-15 by spasmlog 0.1.0",
    "Episodes 14",
    "2.5 now (last 4 complete weeks) vs 1.0 at the start (first 4 complete weeks)",
    "mild (0-3) 2, moderate (4-7) 8, severe (8-10) 3, not rated 1",
    "median 1m30s, longest 12m",
    "Nights woken 5",
    "Calf 11 (left 8, right 2, both 1); Foot 1 (left 1); Hamstring 1 (right 1); Lower back 1",
    "See-a-doctor signs from the article: 5 of 5 found",
    "With fever, rash or weakness 2 3 Feb, 17 Feb (fever, rash, weakness)",
    "Severe (8-10 of 10) 3 3 Feb, 6 Feb, 17 Feb",
    "Frequent (5+ in 7 days) or rising 1 7 Feb (rising: 2.5 a week now vs 1.0 at the start)",
    "Sleep disrupted (nights woken) 5 6 Jan, 27 Jan, 3 Feb, 4 Feb, 17 Feb",
    "Longer than 10 minutes 1 3 Feb",
    "Lipitor 20mg 20 mg 2025-06-01 Statins * C10AA05",
    "Stopped furosemide (Diuretics) on 2026-01-20",
    "Started magnesium citrate (Other medications) on 2026-02-09",
    "hypothyroidism (Thyroid disorder), since 2020-01-01",
    "Sodium 2025-11-01 140 mmol/L 136-145 normal",
    "Potassium 2026-02-20 3.9 mmol/L 3.5-5.1 normal",
    "Magnesium 2026-02-01 1.5 mg/dL (0.617 mmol/L) 0.699-0.905 (lab's) LOW: hypomagnesemia",
    "No factor could be tested yet (10 check-in days). Not enough data to test:",
    "2026-02-03 03:10 Calf left 12m 9",
    "2026-02-07 09:00 Lower back none 5m 4 @SUM(A1)",
    "2026-02-19 12:00 Calf left 1m30s -",
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_once(tmp_path_factory.mktemp("doctor"), build_doctor)


@pytest.fixture
def diary(run: Run, db_path: Path, template: Path) -> Run:
    copy_to(template, db_path)
    return run


@pytest.fixture(scope="module")
def data(template: Path) -> SummaryData:
    store = open_store(template)
    try:
        return summary.build(store, START, END, dt.datetime.fromisoformat(NOW))
    finally:
        store.close()


@pytest.fixture(scope="module")
def exported(
    template: Path, data: SummaryData, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    """Each format written once through the CLI, and the other paper rendered from `data`."""
    folder = tmp_path_factory.mktemp("exported")
    files = {
        name: render.render(data, name.split(".")[1], name.split(".")[0])
        for name in ("letter.pdf", "a4.html")
    }
    with pytest.MonkeyPatch.context() as patch:
        pin_clock(patch, NOW)
        for name in ("a4.pdf", "letter.html", "a4.md"):
            out = folder / name
            ok(
                runner_for(template),
                "export",
                "doctor",
                *PERIOD,
                "--out",
                str(out),
                "--paper",
                name.split(".")[0],
            )
            assert stat.S_IMODE(out.stat().st_mode) == 0o600
            files[name] = out.read_bytes()
    return files


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(data: bytes) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def _html_text(document: str) -> str:
    return _flat(html.unescape(re.sub(r"<[^>]+>", " ", document.split("<body>")[1])))


# --- the numbers --------------------------------------------------------------------------------


def test_summary_data_has_the_known_numbers(data: SummaryData) -> None:
    assert (data.start, data.end, data.days, data.checkin_days) == (START, END, 56, 10)
    assert data.episodes == 14
    assert (data.per_week_start, data.per_week_now) == (1.0, 2.5)
    assert data.severity_bands == (
        ("mild (0-3)", 2),
        ("moderate (4-7)", 8),
        ("severe (8-10)", 3),
        ("not rated", 1),
    )
    assert (data.median_duration_s, data.longest_duration_s) == (90.0, 720)
    assert data.nights_woken == 5
    assert [(m.label, m.left, m.right, m.both, m.unsided) for m in data.muscles] == [
        ("Calf", 8, 2, 1, 0),
        ("Foot", 1, 0, 0, 0),
        ("Hamstring", 0, 1, 0, 0),
        ("Lower back", 0, 0, 0, 1),
    ]
    feb = [dt.date(2026, 2, day) for day in (3, 6, 17)]
    assert [(s.count, s.dates, s.found) for s in data.signs] == [
        (2, (feb[0], feb[2]), True),
        (3, tuple(feb), True),
        (1, (dt.date(2026, 2, 7),), True),
        (
            5,
            tuple(dt.date(2026, m, d) for m, d in ((1, 6), (1, 27), (2, 3), (2, 4), (2, 17))),
            True,
        ),
        (1, (feb[0],), True),
    ]
    assert data.signs[2].rising
    assert [(m.name, m.linked) for m in data.medications] == [
        ("Lipitor 20mg", True),
        ("magnesium citrate", False),
    ]
    assert [(c.change, c.name, c.date) for c in data.changes] == [
        ("stopped", "furosemide", dt.date(2026, 1, 20)),
        ("started", "magnesium citrate", dt.date(2026, 2, 9)),
    ]
    assert [(lab.test, lab.value, lab.flag) for lab in data.labs] == [
        ("Sodium", 140.0, "normal"),
        ("Potassium", 3.9, "normal"),
        ("Magnesium", 1.5, "low"),
    ]
    assert data.factors == () and data.factors_tested == 0 and data.not_enough
    assert len(data.appendix) == 14
    assert data.appendix[0].date == dt.date(2026, 1, 6) and data.appendix[-1].time == "08:00"
    assert [n for _, n in data.weekly] == [1, 1, 0, 2, 5, 1, 2, 2]


def test_pdf_text_has_the_numbers(exported: dict[str, bytes]) -> None:
    pages = _pdf_text(exported["a4.pdf"])
    text = " ".join(pages)
    for known in KNOWN:
        assert known in text, known
    assert SCRIPT in text and HYPERLINK in text  # shown as typed, not interpreted
    assert all("spasmlog 0.1.0 · self-reported diary, not a diagnosis" in page for page in pages)
    assert "Key numbers" in pages[0] and "Weekly chart, 2026-01-05 to 2026-03-01" in pages[1]
    assert "Page 3 Appendix: every episode" in pages[2]  # the summary, the chart, the episodes


def test_html_has_the_numbers_and_escapes_user_text(exported: dict[str, bytes]) -> None:
    document = exported["a4.html"].decode()
    text = _html_text(document)
    for known in KNOWN:
        assert known in text, known
    assert "<script" not in document.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "<i>" not in document and "&lt;i&gt;odd&lt;/i&gt; &amp; [link](http://x)" in document
    assert "Content-Security-Policy" in document and "default-src 'none'" in document


def test_html_is_one_self_contained_file(exported: dict[str, bytes]) -> None:
    document = exported["letter.html"].decode()
    assert not re.search(r"""(src|href)=["']?(https?:|//|file:)""", document)
    assert "<link" not in document and "@import" not in document
    assert document.count("<style") == 1 and " style=" not in document.split("<table")[0]
    pngs = re.findall(r'<img class="chart" width="(\d+)" height="(\d+)" alt="[^"]+" '
                      r'src="data:image/png;base64,([^"]+)"', document)  # fmt: skip
    assert [(int(w), int(h)) for w, h, _ in pngs] == [  # CSS inches: the size they print at
        (round(COMPACT_CHART_IN[0] * 96), round(COMPACT_CHART_IN[1] * 96)),
        (round(PAGE_CHART_IN[0] * 96), round(PAGE_CHART_IN[1] * 96)),
    ]
    for _, _, png in pngs:
        assert base64.b64decode(png).startswith(b"\x89PNG\r\n\x1a\n")
    assert document.index('<section class="chart-page">') > document.index("Risk factors")
    assert "section.appendix, section.chart-page { break-before: page;" in document
    assert "@page { size: letter;" in document and "@media print" in document
    assert "@page { size: A4;" in exported["a4.html"].decode()


def test_markdown_has_the_numbers_and_escapes_user_text(exported: dict[str, bytes]) -> None:
    document = exported["a4.md"].decode()
    text = _flat(re.sub(r"[|*_:]", " ", document.replace("\\", "")))
    for known in KNOWN:
        assert _flat(re.sub(r"[|*_:]", " ", known)) in text, known
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document and "<script" not in document
    assert "&lt;i&gt;odd&lt;/i&gt; &amp; \\[link\\](http://x) \\*name\\*" in document
    assert "line one / line two" in document  # a note stays in its table row
    assert "data:image" not in document
    assert "Episodes a week (weeks starting): 5 Jan 1, 12 Jan 1, 19 Jan 0, 26 Jan 2" in document


@pytest.mark.parametrize(
    ("text", "inline", "line"),
    [
        ("# not a heading", "# not a heading", "\\# not a heading"),
        ("- not a list", "- not a list", "\\- not a list"),
        ("1. not a list", "1. not a list", "1\\. not a list"),
        ("> not a quote", "&gt; not a quote", "&gt; not a quote"),
        ("![x](http://y) a|b `c` ~d~", "\\!\\[x\\](http://y) a\\|b \\`c\\` \\~d\\~", None),
        ("a\nb\r\nc\x1b[31m", "a / b / c \\[31m", None),
    ],
)
def test_markdown_escaping(text: str, inline: str, line: str | None) -> None:
    assert escape_inline(text) == inline
    assert escape_line(text) == (line or inline)


# --- factors and layout with a tested factor ---------------------------------------------------------


def test_associated_and_protective_factors_are_listed(data: SummaryData) -> None:
    with_factors = dataclasses.replace(
        data,
        factors=(
            FactorLine("Low fluids (under 1.5 L)", "associated", 2.4, 1.6, 3.5, 24, 40, 20, 80),
            FactorLine("Magnesium", "protective", 0.5, 0.31, 0.8, 6, 30, 30, 75),
        ),
        factors_tested=7,
        not_enough=("Alcohol", "Short sleep (under 6 h)"),
    )
    text = _flat(render.render(with_factors, "md", "a4").decode().replace("\\", ""))
    assert (
        "More spasms with Low fluids (under 1.5 L): rate ratio 2.4 (95% CI 1.6-3.5); 24 in "
        "40 days with it, 20 in 80 days without."
    ) in text
    assert "Fewer spasms with Magnesium: rate ratio 0.50 (95% CI 0.31-0.80)" in text
    assert "7 factors tested on 10 check-in days; the others showed no clear association." in text
    assert "Not enough data to test: Alcohol, Short sleep (under 6 h)." in text
    pdf = " ".join(_pdf_text(render.render(with_factors, "pdf", "a4")))
    assert "rate ratio 2.4 (95% CI 1.6-3.5); 24 in 40 days with it" in pdf


def test_a_possible_but_unconfirmed_factor_gets_one_line(data: SummaryData) -> None:
    hot = FactorLine("Hot weather", "no clear association", 1.6, 1.1, 2.3, 20, 30, 20, 60, 0.14)
    text = _flat(
        render.render(
            dataclasses.replace(data, unconfirmed=(hot,), factors_tested=7), "md", "a4"
        ).decode()
    )
    assert (
        "Possible but not confirmed after testing 7 factors: Hot weather (rate ratio 1.6, 95% CI "
        "1.1-2.3, q 0.14)."
    ) in text


def test_a_dose_change_and_an_empty_side_read_plainly(run: Run) -> None:
    ok(run, "meds", "add", "Lipitor 20mg", "--dose", "20 mg", "--started", "2026-01-01",
       "--stopped", "2026-02-01")  # fmt: skip
    ok(run, "meds", "add", "Lipitor 40mg", "--dose", "40 mg", "--started", "2026-02-02")
    for day in ("2026-02-03", "2026-02-04"):
        ok(run, "checkin", "--date", day, "--fluid", "2L")
    markdown = ok(run, "export", "doctor", "--from", "2026-01-20", "--to", "2026-03-01", "--out",
                  "-")  # fmt: skip
    text = _flat(html.unescape(markdown))
    assert (
        "Lipitor 40mg (Statins): dose changed (20 mg -> 40 mg) on 2026-02-02: no check-in days "
        "before, 0 episodes in 2 check-in days after (8 weeks each side); too few days to compare."
    ) in text
    assert "Stopped Lipitor" not in text and "Started Lipitor" not in text
    assert "No factor could be tested yet (2 check-in days)." in text


def test_one_of_a_kind_reads_in_the_singular(data: SummaryData) -> None:
    one = dataclasses.replace(data, checkin_days=1, factors_tested=0)
    text = _flat(render.render(one, "md", "a4").decode())
    assert "No factor could be tested yet (1 check-in day)." in text


def test_long_notes_are_cut_so_every_format_renders(data: SummaryData) -> None:
    """A 20,000-character word or a 300-line note would not fit a PDF table row; the appendix
    keeps the start and says how much is left out (all of it is in the CSV and JSON exports)."""
    long = dataclasses.replace(data.appendix[0], note="x" * 20_000)
    tall = dataclasses.replace(data.appendix[1], note="\n".join(f"row {i}" for i in range(300)))
    cut = dataclasses.replace(data, appendix=(long, tall))
    pdf = " ".join(_pdf_text(render.render(cut, "pdf", "a4")))
    assert "(+19600 characters)" in pdf and "row 5" in pdf and "row 6" not in pdf
    for format in ("html", "md"):
        text = render.render(cut, format, "a4").decode()
        assert "x" * 400 + "… (+19600 characters)" in text and "row 299" not in text


def test_empty_period_still_makes_a_summary(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    ok(run, "db", "upgrade")  # a new, empty diary
    ok(run, "export", "doctor", "--out", str(out))
    text = " ".join(_pdf_text(out.read_bytes()))
    assert "Period: 2025-12-16 to 2026-03-15 (90 days)" in text  # the default: the last 90 days
    assert "Episodes 0" in text and "No episodes in this period." in text
    assert "No current medications recorded." in text


# --- PDF properties, determinism, files ---------------------------------------------------------------


def test_pdf_embeds_its_fonts_and_fits_the_paper(exported: dict[str, bytes]) -> None:
    for paper, size in (("a4", (595.28, 841.89)), ("letter", (612.0, 792.0))):
        reader = PdfReader(io.BytesIO(exported[f"{paper}.pdf"]))
        for page in reader.pages:
            assert (
                round(float(page.mediabox.width), 2),
                round(float(page.mediabox.height), 2),
            ) == size
            resources: Any = page["/Resources"]
            for reference in resources["/Font"].values():  # every font: an embedded TrueType subset
                font: Any = reference.get_object()
                assert font["/Subtype"] == "/TrueType" and "/FontFile2" in font["/FontDescriptor"]
                assert str(font["/BaseFont"]).endswith(("+DejaVuSans", "+DejaVuSans-Bold"))
        assert reader.metadata is not None and reader.metadata.title == (
            "Muscle spasm diary: summary for the doctor"
        )


@pytest.mark.parametrize("name", ["a4.pdf", "letter.html", "a4.md"])
def test_same_diary_same_bytes(exported: dict[str, bytes], data: SummaryData, name: str) -> None:
    """The CLI's file and a separate in-process build of the same diary are byte for byte equal."""
    paper, format = name.split(".")
    assert render.render(data, format, paper) == exported[name]


def test_file_is_private_and_never_overwritten(diary: Run, db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    ok(diary, "export", "doctor", *PERIOD, "--out", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    before, first = diary_fingerprint(db_path), out.read_bytes()
    refused = diary("export", "doctor", *PERIOD, "--out", str(out))
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"Error: {out} already exists. Nothing was written; add --force to replace it.\n"
    )
    assert out.read_bytes() == first and diary_fingerprint(db_path) == before
    assert diary("export", "doctor", *PERIOD, "--out", str(out), "--force").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--from", "2026-03-02", "--to", "2026-03-01", "--out", "x.pdf"),
            "Error: --from: invalid value '2026-03-02'. The period must start on or before "
            "2026-03-01.\n",
        ),
        (
            ("--out", "summary.docx"),
            "Error: --out: invalid value 'summary.docx'. Name a .pdf, .html or .md file, or give "
            "--format pdf|html|md.\n",
        ),
        (
            ("--paper", "a5", "--out", "x.pdf"),
            "Error: --paper: invalid value 'a5'. Use one of: a4, letter.\n",
        ),
        (
            ("--to", "tomorrow", "--out", "x.pdf"),
            'Error: --to: invalid value \'tomorrow\'. Use YYYY-MM-DD, "today", "yesterday", '
            '"3 days ago", a weekday ("monday", "last monday") or a day of a month ("Dec 3", '
            '"3 December 2025").\n',
        ),
    ],
)
def test_bad_options_are_rejected(
    diary: Run,
    db_path: Path,
    tmp_path: Path,
    args: tuple[str, ...],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = diary_fingerprint(db_path)
    result = diary("export", "doctor", *args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert diary_fingerprint(db_path) == before
    assert list(work.iterdir()) == []


def test_stdout_formats(diary: Run, exported: dict[str, bytes]) -> None:
    markdown = diary("export", "doctor", *PERIOD, "--out", "-")
    assert markdown.exit_code == 0 and markdown.stdout_bytes == exported["a4.md"]
    pdf = diary("export", "doctor", *PERIOD, "--out", "-", "--format", "pdf")  # to a pipe: fine
    assert pdf.exit_code == 0 and pdf.stdout_bytes == exported["a4.pdf"]


def test_pdf_is_not_written_to_a_terminal(diary: Run, db_path: Path) -> None:
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "spasmlog",
            "--db",
            str(db_path),
            "export",
            "doctor",
            "--out",
            "-",
            "--format",
            "pdf",
        ],
        env={**CLOCK, "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert b"A PDF cannot be shown in a terminal; give a file or pipe it." in child.before


def test_a_long_period_lists_the_latest_episodes_and_says_where_all_are(
    template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary, "APPENDIX_LIMIT", 5)
    store = open_store(template)
    try:
        data = summary.build(store, START, END, dt.datetime.fromisoformat(NOW))
    finally:
        store.close()
    assert data.episodes == 14 and len(data.appendix) == 5
    assert [e.date for e in data.appendix] == sorted(e.date for e in data.appendix)
    assert data.appendix[-1].time == "08:00"  # the last episode of the period is kept
    heading = "Appendix: the latest 5 of 14 episodes, 2026-01-05 to 2026-03-01"
    every = "spasmlog list --since 2026-01-05 --until 2026-03-01 --format csv"
    pdf = _flat(" ".join(_pdf_text(render.render(data, "pdf", "a4"))))
    assert heading in pdf and every in pdf
    for format in ("html", "md"):
        text = render.render(data, format, "a4").decode()
        assert heading in text and every in text


@given(
    st.lists(st.integers(min_value=0, max_value=30 * 24 * 60), max_size=60),
    st.integers(min_value=1, max_value=10 * 24 * 60),
)
def test_counts_within_a_window_match_counting_one_by_one(minutes: list[int], window: int) -> None:
    start = pd.Timestamp("2026-01-01", tz="UTC")
    times = pd.Series(
        [start + pd.Timedelta(minutes=m) for m in minutes], dtype="datetime64[ns, UTC]"
    )
    span = pd.Timedelta(minutes=window)
    expected = [sum(t - span < other <= t for other in times) for t in times]
    assert signs.counts_within(times, span).tolist() == expected


def test_the_weekly_signs_and_the_summary_judge_severe_alike() -> None:
    """A severity converted from another app's scale alone is not "severe", in the weekly
    report's sign dates as in the summary (one rule, spasmlog.reports.signs)."""
    days = pd.to_datetime(["2026-03-02", "2026-03-03", "2026-03-04"])
    episodes = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "date": days,
            "start_utc": days.tz_localize("UTC"),
            "severity": pd.array([9, 9, 3], dtype="Float64"),
            "severity_scale": [None, "bearable 1-5", None],
        }
    )
    assert signs.severe(episodes).tolist() == [True, False, False]
    found = {sign.label: sign.dates for sign in signs.sign_dates(episodes, {3})}
    assert found == {
        "With fever, rash or weakness": (dt.date(2026, 3, 4),),
        "Severe (8/10 or more)": (dt.date(2026, 3, 2),),
    }
