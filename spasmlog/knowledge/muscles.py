"""The muscle vocabulary: canonical names, the everyday and anatomical words people use for them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from spasmlog.core.errors import InvalidInput


@dataclass(frozen=True)
class Muscle:
    name: str
    label: str
    aliases: tuple[str, ...]
    lateral: bool  # does "left/right" apply?
    snomed: str | None  # SNOMED CT body structure, for the FHIR export


MUSCLES: tuple[Muscle, ...] = (
    Muscle(
        "calf",
        "Calf",
        (
            "calves",
            "gastrocnemius",
            "soleus",
            "charley horse",
            "charlie horse",
            "calf muscle",
            "lower leg",
        ),
        True,
        "53840002",
    ),
    Muscle("foot", "Foot", ("feet", "arch", "sole", "instep", "plantar"), True, "56459004"),
    Muscle("toes", "Toes", ("toe", "big toe", "hallux"), True, "29707007"),
    Muscle(
        "hamstring",
        "Hamstring",
        ("hamstrings", "back of thigh", "biceps femoris", "semitendinosus", "semimembranosus"),
        True,
        "68367000",
    ),
    Muscle(
        "quadriceps",
        "Quadriceps / thigh",
        ("thigh", "thighs", "quads", "quad", "front of thigh", "quadriceps femoris"),
        True,
        "68367000",
    ),
    Muscle("hand", "Hand", ("hands", "palm", "writer's cramp", "writers cramp"), True, "85562004"),
    Muscle("fingers", "Fingers", ("finger", "thumb"), True, "7569003"),
    Muscle(
        "lower back",
        "Lower back",
        ("back", "low back", "lumbar", "lower-back", "lumbago", "erector spinae"),
        False,
        "37822005",
    ),
    Muscle(
        "upper back",
        "Upper back",
        ("upper-back", "thoracic", "trapezius", "traps", "rhomboids", "between shoulder blades"),
        False,
        "77568009",
    ),
    Muscle("neck", "Neck", ("cervical", "sternocleidomastoid", "stiff neck"), False, "45048000"),
    Muscle("shoulder", "Shoulder", ("shoulders", "deltoid", "rotator cuff"), True, "16982005"),
    Muscle(
        "abdomen",
        "Abdomen",
        ("abdominal", "abs", "stomach", "belly", "side stitch", "stitch", "obliques"),
        False,
        "113345001",
    ),
    Muscle("arm", "Arm", ("upper arm", "biceps", "triceps", "forearm", "elbow"), True, "53120007"),
    Muscle("chest", "Chest", ("pectoral", "pecs", "ribs", "intercostal"), False, "78904004"),
    Muscle(
        "hip",
        "Hip / buttock",
        ("buttock", "glute", "glutes", "gluteus", "piriformis", "groin", "adductor"),
        True,
        "29836001",
    ),
    Muscle("shin", "Shin", ("tibialis", "front of leg"), True, "30021000"),
    Muscle("jaw", "Jaw", ("masseter", "jaw muscle"), False, "661005"),
    Muscle("eyelid", "Eyelid", ("eye", "eye twitch", "eyelid twitch"), True, "80243003"),
)

_BY_WORD: dict[str, Muscle] = {}
for _muscle in MUSCLES:
    for _word in (_muscle.name, *_muscle.aliases):
        _BY_WORD[_word] = _muscle
BY_NAME: dict[str, Muscle] = {muscle.name: muscle for muscle in MUSCLES}


def resolve_muscle(text: str, option: str = "--muscle") -> str:
    """An everyday or anatomical word -> the canonical muscle name, with a did-you-mean."""
    key = " ".join(text.strip().lower().replace("_", " ").split())
    if key in _BY_WORD:
        return _BY_WORD[key].name
    hyphenless = key.replace("-", " ")
    if hyphenless in _BY_WORD:
        return _BY_WORD[hyphenless].name
    close = difflib.get_close_matches(key, list(_BY_WORD), n=1, cutoff=0.7)
    hint = f"Did you mean '{_BY_WORD[close[0]].name}'? " if close else ""
    raise InvalidInput(option, text, f"Unknown muscle. {hint}See `spasmlog muscles`.")


def label(name: str) -> str:
    muscle = BY_NAME.get(name)
    return muscle.label if muscle else name.capitalize()


def find_muscle(text: str) -> str | None:
    """The muscle a free text names ("Left calf cramp" -> "calf"), by its longest word or alias
    found whole in it; None when it names none (never a guess)."""
    words = " " + " ".join(text.lower().replace("_", " ").replace("-", " ").split()) + " "
    for word in sorted(_BY_WORD, key=len, reverse=True):
        if f" {word} " in words or f" {word}s " in words:
            return _BY_WORD[word].name
    return None
