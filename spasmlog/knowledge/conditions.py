"""The article's groups of underlying conditions, as data, and a matcher for the names people type.

A condition is matched to a group when its whole name is a known name ("MS", "CKD", "Graves'
disease"), or else when it contains a group's keyword ("chronic kidney disease stage 3" ->
kidney). When keywords of several groups match, a complication of diabetes is filed under what
it affects ("diabetic neuropathy" -> nerve damage, "diabetic kidney disease" -> kidney), so
record diabetes itself as a condition of its own too; otherwise the longest keyword wins.
Names the article does not mention are allowed and go to "other". Short or ambiguous words
("MS", "stroke", "CVA") only match as the whole name, so that "heat stroke" is not a stroke.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from spasmlog.core.errors import InvalidInput


@dataclass(frozen=True)
class ConditionGroup:
    id: str
    label: str
    names: tuple[str, ...]  # whole-name matches
    keywords: tuple[str, ...]  # matched anywhere in the name, as whole words
    article_line: str | None  # the article's sentence(s) about the group, verbatim


GROUPS: tuple[ConditionGroup, ...] = (
    ConditionGroup(
        "nerve_damage",
        "Nerve damage",
        (
            "MS",
            "SCI",
            "stroke",
            "CVA",
            "ischemic stroke",
            "ischaemic stroke",
            "hemorrhagic stroke",
            "haemorrhagic stroke",
            "cerebrovascular accident",
            "spinal injury",
            "paraplegia",
            "tetraplegia",
            "quadriplegia",
        ),
        (
            "nerve damage",
            "neuropathy",
            "polyneuropathy",
            "peripheral neuropathy",
            "spinal cord injury",
            "spinal cord",
            "multiple sclerosis",
        ),
        "Nerve damage can also lead to muscle spasms. When a nerve is injured or damaged, it can "
        "send abnormal signals to the muscles, causing them to spasm.",
    ),
    ConditionGroup(
        "thyroid",
        "Thyroid disorder",
        ("Graves", "Hashimoto", "underactive thyroid", "overactive thyroid"),
        (
            "thyroid",
            "hyperthyroidism",
            "hypothyroidism",
            "hyperthyroid",
            "hypothyroid",
            "thyroiditis",
            "Hashimoto's",
            "Graves' disease",
            "thyrotoxicosis",
        ),
        "An overactive or underactive thyroid gland can cause muscle spasms as a symptom.",
    ),
    ConditionGroup(
        "addisons",
        "Addison's disease",
        ("Addison", "hypoadrenalism", "hypocortisolism"),
        ("Addison's", "Addison's disease", "adrenal insufficiency"),
        "This is a condition in which the adrenal glands do not produce enough hormones, including "
        "cortisol. Muscle spasms can be a symptom of Addison's disease.",
    ),
    ConditionGroup(
        "kidney",
        "Kidney disease",
        ("CKD", "ESRD", "AKI"),
        (
            "kidney",
            "kidneys",
            "renal",
            "nephropathy",
            "nephritis",
            "glomerulonephritis",
            "dialysis",
            "nephrotic syndrome",
        ),
        "Muscle spasms can occur in people with kidney disease due to electrolyte imbalances and "
        "nerve damage.",
    ),
    ConditionGroup(
        "liver",
        "Liver disease",
        ("NAFLD", "NASH", "MASLD"),
        ("liver", "hepatic", "cirrhosis", "hepatitis", "fatty liver"),
        "Muscle spasms can also be a symptom of liver disease, particularly in the later stages.",
    ),
    ConditionGroup(
        "diabetes",
        "Diabetes",
        ("T1D", "T2D", "T1DM", "T2DM", "IDDM", "NIDDM"),
        ("diabetes", "diabetic", "diabetes mellitus"),
        "Certain medical conditions, such as diabetes and kidney disease, can cause excessive "
        "fluid loss through urine or diarrhea. Certain medical conditions, such as "
        "gastrointestinal disorders and diabetes, can interfere with the absorption of magnesium.",
    ),
    ConditionGroup("other", "Other", (), (), None),
)
GROUPS_BY_ID: dict[str, ConditionGroup] = {group.id: group for group in GROUPS}
SUGGEST_CUTOFF = 0.8  # "diabetis" ~ "diabetes" is 0.875; "asthma" ~ anything listed is < 0.6


def _key(text: str) -> str:
    """Lower-case ASCII words: "Graves' disease" -> "graves disease", "Addison's" -> "addison s"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(word for word in re.split(r"[^a-z0-9]+", plain.replace("'", " ")) if word)


def _compact(key: str) -> str:
    """ "addison s" -> "addisons": possessives written with or without the apostrophe agree."""
    return re.sub(r"\b(\w+) s\b", r"\1s", key)


_WHOLE: dict[str, str] = {}  # matchable form -> group
_SHOWN: dict[str, str] = {}  # matchable form -> the name as written above, for did-you-mean
_KEYWORDS: list[tuple[str, str]] = []  # (keyword, group): diabetes last, then longest first
for _group in GROUPS:
    for _name in (*_group.names, *_group.keywords):
        _WHOLE.setdefault(_compact(_key(_name)), _group.id)
        _SHOWN.setdefault(_compact(_key(_name)), _name)
    _KEYWORDS += [(_compact(_key(word)), _group.id) for word in _group.keywords]
_KEYWORDS.sort(key=lambda item: (item[1] == "diabetes", -len(item[0])))


def group_for(name: str) -> str:
    """ "Hashimoto's thyroiditis" -> "thyroid"; a name the article does not cover -> "other"."""
    key = _compact(_key(name))
    if key in _WHOLE:
        return _WHOLE[key]
    padded = f" {key} "
    for keyword, group in _KEYWORDS:
        if f" {keyword} " in padded:
            return group
    return "other"


def _closest(text: str, known: list[str]) -> str | None:
    """The closest of `known` above the cutoff; the first of equally close ones wins."""
    best, best_ratio = None, SUGGEST_CUTOFF
    for candidate in known:
        ratio = difflib.SequenceMatcher(None, text, candidate).ratio()
        if ratio > best_ratio or (ratio == best_ratio and best is None):
            best, best_ratio = candidate, ratio
    return best


def suggest(name: str) -> str | None:
    """A did-you-mean for a near miss of a listed name ("diabetis" -> "diabetes"), else None.

    The whole name is compared with every listed name, then each of its words with the keywords
    ("kidny disease" -> "kidney"); a word that is a whole-name-only entry ("heat stroke") is left
    alone, as those match only on their own. Names of 3 letters or fewer are never "corrected".
    """
    if group_for(name) != "other":
        return None
    key = _compact(_key(name))
    best = _closest(key, list(_WHOLE)) if len(key) > 3 else None
    keywords = [keyword for keyword, _ in _KEYWORDS]
    for word in key.split():
        if best is None and len(word) > 3 and word not in _WHOLE:
            best = _closest(word, keywords)
    return None if best is None else _SHOWN[best]


_GROUP_ALIASES: dict[str, str] = {
    **{_compact(_key(group.id)): group.id for group in GROUPS},
    **{_compact(_key(group.label)): group.id for group in GROUPS},
    "nerve": "nerve_damage",
    "neurological": "nerve_damage",
    "addison": "addisons",
    "adrenal": "addisons",
}


def parse_group(text: str, option: str = "--group") -> str:
    """A group id from its id or label: "nerve damage", "thyroid", "Addison's", "kidney", "other"."""
    key = _compact(_key(text))
    found = _GROUP_ALIASES.get(key) or _GROUP_ALIASES.get(key.removesuffix(" disease"))
    if found is None:
        raise InvalidInput(option, text, f"Use one of: {', '.join(GROUPS_BY_ID)}.")
    return found


def label(group_id: str) -> str:
    group = GROUPS_BY_ID.get(group_id)
    return group.label if group else group_id
