"""spasmlog carries its source: every line it quotes is in the article's passages kept in
spasmlog.knowledge.article, which are the article's own words."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from spasmlog.knowledge import article, conditions, drugs, factors, labs

# The source article lies beside the project's working copy, not in spasmlog: a clone of spasmlog
# alone has no such file, and then the passages kept in spasmlog.knowledge.article are the truth.
SOURCE = next(
    (
        folder / "shared" / "reference" / "article.md"
        for folder in Path(__file__).resolve().parents
        if (folder / "shared" / "reference" / "article.md").exists()
    ),
    None,
)
README = Path(__file__).resolve().parents[1] / "README.md"


def quotes() -> list[tuple[str, str]]:
    found = [(f"factor {f.id} advice", f.advice) for f in factors.RISK_FACTORS]
    found += [(f"factor {f.id} see-a-doctor", f.see_doctor) for f in factors.RISK_FACTORS]
    found += [(f"tip {tip.id}", tip.text) for tip in factors.TIPS.values()]
    found += [("see-a-doctor notice", factors.SEE_DOCTOR_QUOTE)]
    found += [
        (f"drug class {c.id}", c.article_line) for c in drugs.CLASS_INFO.values() if c.article_line
    ]
    found += [(f"lab {name}", line) for name, line in labs.ARTICLE_LINES.items()]
    found += [(f"group {g.id}", g.article_line) for g in conditions.GROUPS if g.article_line]
    return found


@pytest.mark.parametrize(("where", "text"), quotes(), ids=[where for where, _ in quotes()])
def test_every_quote_is_in_the_articles_passages(where: str, text: str) -> None:
    assert article.quotes_the_article(text), where


@pytest.mark.parametrize(
    "text",
    [
        "Statins: These are cholesterol-lowering medications that can sometimes cause muscle pain.",
        "Drink plenty of fluids throughout the day, especially coffee.",
        "Stay hydrated. Eat a banana every day.",
    ],
)
def test_a_changed_word_is_not_a_quote(text: str) -> None:
    assert not article.quotes_the_article(text)


def test_the_readme_cites_the_article_by_its_title_not_by_a_path() -> None:
    readme = README.read_text(encoding="utf-8")
    assert f'"{article.TITLE}"' in readme
    assert "shared/reference" not in readme and "steering" not in readme


# The passages as last checked word for word against the source article (2026-12-07). A clone
# without the article checks that they are still exactly those; where the article is at hand the
# words themselves are checked too. Changing a passage means checking it against the article
# (in the project's working copy) and writing the new digest here.
CHECKED_PASSAGES = "a9f3032b334eb6937c6cdb40e519eea3f73b3fcbd7bcf6779c8cb2a49c9c194d"


def test_the_passages_are_the_articles_own_words() -> None:
    digest = hashlib.sha256("\n".join(article.PASSAGES).encode()).hexdigest()
    assert digest == CHECKED_PASSAGES, "a passage changed: check it against the article"
    if SOURCE is None:
        return  # a clone of spasmlog alone: the digest above is the check
    text = " ".join(SOURCE.read_text(encoding="utf-8").split())
    assert f"{article.TITLE} {article.TITLE}" in text  # the title, as the article opens
    for passage in article.PASSAGES:
        assert passage in text, passage[:60]
