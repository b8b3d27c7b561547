"""The article's risk factors, tips and "see a doctor" signs, written down once as data.

Reports, the tip after `spasmlog log` and the doctor summary read them from here; nothing else
quotes the article. Quotations are the article's own words: spasmlog.knowledge.article holds the
passages they come from (tests/test_article.py checks every one).
"""

from __future__ import annotations

from dataclasses import dataclass

DISCLAIMER = (
    "A self-reported diary, not a diagnosis. Talk to your doctor before changing treatment."
)


@dataclass(frozen=True)
class RiskFactor:
    id: str
    label: str
    measured_by: tuple[str, ...]  # diary fields (table.column) that speak to it
    advice: str  # the article's advice, verbatim
    see_doctor: str  # the article's "see a doctor" line for it, verbatim


RISK_FACTORS: tuple[RiskFactor, ...] = (
    RiskFactor(
        "dehydration",
        "Dehydration",
        (
            "checkins.fluid_ml",
            "episodes.fluid_ml_24h",
            "checkins.sweating",
            "checkins.vomiting",
            "checkins.diarrhea",
            "checkins.fever",
            "checkins.hot_weather",
            "checkins.alcohol_units",
        ),
        "Drink plenty of fluids throughout the day, especially water. Avoid sugary drinks like soda "
        "and juice, as they can actually worsen dehydration.",
        "If you have a medical condition that causes excessive fluid loss, talk to your doctor about "
        "how to manage your fluid intake.",
    ),
    RiskFactor(
        "electrolyte_imbalance",
        "Electrolyte imbalance",
        (
            "labs.sodium",
            "labs.potassium",
            "labs.magnesium",
            "labs.calcium_total",
            "labs.calcium_ionized",
            "medications.diuretic",
        ),
        "Maintaining a balanced intake of electrolytes through a healthy diet and proper hydration "
        "is important for preventing muscle spasms caused by electrolyte imbalances.",
        "Low sodium levels, known as hyponatremia, can cause muscle spasms, weakness, and fatigue.",
    ),
    RiskFactor(
        "strain_injury",
        "Muscle strain or injury",
        (
            "exercise_sessions.intensity",
            "exercise_sessions.minutes",
            "exercise_sessions.muscles",
            "episodes.exercise_session_id",
        ),
        "It's important to warm up properly before exercise, use proper technique when lifting heavy "
        "objects, and avoid overexerting yourself.",
        "If your muscle spasms are severe or do not improve with home treatment, see a doctor.",
    ),
    RiskFactor(
        "nerve_damage",
        "Nerve damage",
        (
            "conditions.nerve_damage",
            "episodes.symptoms.numbness",
            "episodes.symptoms.tingling",
            "episodes.symptoms.weakness",
        ),
        "Managing the underlying condition causing the nerve damage is also important for "
        "preventing and reducing muscle spasms.",
        "Peripheral neuropathy can lead to muscle spasms, weakness, and numbness in the affected areas.",
    ),
    RiskFactor(
        "medications",
        "Medications",
        ("medications.drug_class", "episodes.medications"),
        "If you are experiencing muscle spasms and are taking any of these medications, talk to your "
        "doctor. They may be able to adjust your dosage or switch you to a different medication that "
        "is less likely to cause muscle spasms.",
        "If you are concerned about the risk of muscle spasms from a particular medication, talk to "
        "your doctor before starting treatment.",
    ),
    RiskFactor(
        "underlying_conditions",
        "Underlying medical conditions",
        ("conditions.group",),
        "Some underlying medical conditions can also lead to muscle spasms. These conditions can "
        "affect the nerves, muscles, or electrolytes in the body.",
        "If you experience frequent or severe muscle spasms, it's important to see a doctor to rule "
        "out any underlying medical causes.",
    ),
    RiskFactor(
        "lack_of_magnesium",
        "Lack of magnesium",
        ("checkins.magnesium_mg", "labs.magnesium"),
        "Magnesium is found in a variety of foods, including leafy green vegetables, nuts, seeds, and "
        "whole grains.",
        "If you are experiencing muscle spasms and suspect you may have a magnesium deficiency, talk "
        "to your doctor. They can test your magnesium levels and recommend the best course of "
        "treatment.",
    ),
)
BY_ID: dict[str, RiskFactor] = {factor.id: factor for factor in RISK_FACTORS}


@dataclass(frozen=True)
class Tip:
    id: str
    text: str


TIPS: dict[str, Tip] = {
    "fluids": Tip(
        "fluids",
        "Stay hydrated. Dehydration can lead to electrolyte imbalances, which can "
        "trigger muscle spasms. Drink plenty of fluids throughout the day, especially water.",
    ),
    "heat_cold": Tip(
        "heat_cold",
        "Apply heat or cold. Heat can help to relax muscles and relieve "
        "pain, while cold can help to reduce inflammation.",
    ),
    "massage": Tip(
        "massage",
        "Massage the affected area. Use your fingers to apply firm pressure to "
        "the area, moving in a circular motion.",
    ),
    "stretch": Tip(
        "stretch",
        "Stretch the affected muscle. Gently stretch the affected muscle by "
        "holding the stretch for 30 seconds. Repeat the stretch several times throughout "
        "the day.",
    ),
}
LOW_FLUID_ML = 1500  # the default threshold for "low fluids", also used by the factor report


def tip_for(fluid_ml_24h: int | None, relief: list[str], had_fluid_loss: bool = False) -> Tip:
    """The article's tip that fits an episode best: fluids if they ran low, else what was not tried."""
    if had_fluid_loss or (fluid_ml_24h is not None and fluid_ml_24h < LOW_FLUID_ML):
        return TIPS["fluids"]
    if "stretch" not in relief:
        return TIPS["stretch"]
    if "heat" not in relief and "cold" not in relief:
        return TIPS["heat_cold"]
    if "massage" not in relief:
        return TIPS["massage"]
    return TIPS["fluids"]


# --- when to see a doctor ---------------------------------------------------------------------
# The article: "You should see a doctor if your muscle spasms are frequent, severe, or accompanied
# by other symptoms, such as fever, rash, or weakness. You should also see a doctor if your muscle
# spasms are interfering with your daily activities."
SEE_DOCTOR_QUOTE = (
    "You should see a doctor if your muscle spasms are frequent, severe, or accompanied by other "
    "symptoms, such as fever, rash, or weakness."
)
RED_FLAG_SYMPTOMS = ("fever", "rash", "weakness")
SEVERE_AT = 8  # severity >= 8 of 10 counts as severe
FREQUENT_COUNT = 5  # >= 5 episodes ...
FREQUENT_DAYS = 7  # ... within 7 days counts as frequent
LONG_EPISODE_S = 600  # longer than 10 minutes is outside the usual picture ("a few seconds or
# several minutes" in the article)
SYMPTOMS = ("fever", "rash", "weakness", "numbness", "tingling", "swelling")
RELIEF = ("stretch", "heat", "cold", "massage", "water", "rest", "medication", "walk")
# Everyday words for what was tried, and the relief each means (`--relief walking`).
RELIEF_WORDS = {
    **dict.fromkeys(("stretching", "stretched"), "stretch"),
    **dict.fromkeys(("warm", "warmth", "hot water bottle", "heat pack", "warm bath"), "heat"),
    **dict.fromkeys(("ice", "ice pack", "cold pack", "cooling"), "cold"),
    **dict.fromkeys(("massaging", "massaged", "rub", "rubbed", "rubbing"), "massage"),
    **dict.fromkeys(("drink", "drank", "drinking", "drank water", "fluids"), "water"),
    **dict.fromkeys(("resting", "rested", "lay down"), "rest"),
    **dict.fromkeys(("painkiller", "painkillers", "pill", "pills", "medicine"), "medication"),
    **dict.fromkeys(("walking", "walked", "walk it off", "walked it off", "stood up"), "walk"),
}


@dataclass(frozen=True)
class DoctorSign:
    id: str
    message: str


def doctor_signs(
    severity: int | None, symptoms: list[str], episodes_last_week: int
) -> list[DoctorSign]:
    """The article's signs present for one episode; `episodes_last_week` includes this one."""
    signs = []
    flagged = [symptom for symptom in RED_FLAG_SYMPTOMS if symptom in symptoms]
    if flagged:
        signs.append(DoctorSign("symptoms", f"accompanied by {', '.join(flagged)}"))
    if severity is not None and severity >= SEVERE_AT:
        signs.append(DoctorSign("severe", f"severe ({severity}/10)"))
    if episodes_last_week >= FREQUENT_COUNT:
        signs.append(
            DoctorSign("frequent", f"frequent ({episodes_last_week} in {FREQUENT_DAYS} days)")
        )
    return signs
