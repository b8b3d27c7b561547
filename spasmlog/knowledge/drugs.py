"""The article's medication classes as data, and a classifier for the names people type.

A medication is matched by its generic name, another spelling of it (torsemide, HCTZ) or a common
brand, ignoring case, punctuation, doses and forms ("Lipitor 20mg", "atorvastatin calcium 40 mg
tablet"). Classes follow the WHO ATC index (https://atcddd.fhi.no/atc_ddd_index/): each row
carries its substance's exact ATC code and a test checks it against its class's prefixes.

Deliberately left out or classed "other", so that the diary never claims a link the article does
not make:
- budesonide: its usual forms are classed A07EA06 (gut) and R03BA02 (inhaled) and act mostly where
  they are put; the article's warning is about long-term systemic steroids "such as prednisone".
- inhaled corticosteroids such as beclometasone (R03BA01): "other", for the same reason.
- fludrocortisone (H02AA02): a mineralocorticoid taken in tiny doses to retain salt, not one of
  the glucocorticoid "steroids" of the article. It is listed as "other" so it still resolves.
- lithium (N05AN01): filed under N05A by ATC but a mood stabiliser, not an antipsychotic.
- A corticosteroid named with a local form ("hydrocortisone cream", "dexamethasone eye drops")
  resolves to its generic but is classed "other": the article's warning is about systemic use.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from dataclasses import dataclass

from spasmlog.core.errors import InvalidInput


@dataclass(frozen=True)
class DrugClassInfo:
    id: str
    label: str
    atc_prefixes: tuple[str, ...]
    article_line: str | None  # the article's sentence about the class, verbatim
    linked_to_spasms: bool


@dataclass(frozen=True)
class Drug:
    generic: str  # "a/b" for a combination product
    atc: str
    drug_class: str
    brands: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()  # other spellings and abbreviations of the generic


@dataclass(frozen=True)
class DrugMatch:
    name_as_given: str
    generic: str | None
    drug_class: str
    atc: str | None
    subclass: str | None  # diuretics only: loop, thiazide, potassium_sparing, ...
    linked_to_spasms: bool


_ACE_ARB_LINE = (
    "ACE inhibitors and angiotensin receptor blockers (ARBs): These are blood pressure medications "
    "that can also cause muscle spasms as a side effect."
)

CLASS_INFO: dict[str, DrugClassInfo] = {
    info.id: info
    for info in (
        DrugClassInfo(
            "statin",
            "Statins",
            ("C10AA", "C10BA"),  # C10BA: a statin combined with another lipid-lowering drug
            "Statins: These are cholesterol-lowering medications that can sometimes cause muscle "
            "pain and spasms, especially at high doses.",
            True,
        ),
        DrugClassInfo("ace_inhibitor", "ACE inhibitors", ("C09A", "C09B"), _ACE_ARB_LINE, True),
        DrugClassInfo(
            "arb", "ARBs (angiotensin receptor blockers)", ("C09C", "C09D"), _ACE_ARB_LINE, True
        ),
        DrugClassInfo(
            "diuretic",
            "Diuretics",
            ("C03",),
            "Diuretics: These are medications that help remove excess fluid from the body and can "
            "lead to electrolyte imbalances, which can in turn cause muscle spasms.",
            True,
        ),
        DrugClassInfo(
            "corticosteroid",
            "Corticosteroids (steroids)",
            ("H02AB",),
            "Steroids: Long-term use of steroids, such as prednisone, can cause muscle weakness "
            "and spasms.",
            True,
        ),
        DrugClassInfo(
            "ssri",
            "SSRIs (selective serotonin reuptake inhibitors)",
            ("N06AB",),
            "Selective serotonin reuptake inhibitors (SSRIs): These are antidepressants that can "
            "sometimes cause muscle spasms, especially at high doses.",
            True,
        ),
        DrugClassInfo(
            "antipsychotic",
            "Antipsychotics",
            ("N05A",),
            "Antipsychotics: These medications used to treat conditions like schizophrenia and "
            "bipolar disorder can also cause muscle spasms as a side effect.",
            True,
        ),
        DrugClassInfo("other", "Other medications", (), None, False),
    )
}
DRUG_CLASSES: tuple[str, ...] = tuple(CLASS_INFO)

# Diuretic subtypes by ATC group. The subtype matters for labs: loop and thiazide diuretics
# tend to lower potassium and magnesium, potassium-sparing ones raise potassium.
DIURETIC_SUBCLASSES: tuple[tuple[str, str], ...] = (
    ("C03A", "thiazide"),
    ("C03B", "thiazide"),  # thiazide-like: chlortalidone, indapamide, metolazone
    ("C03C", "loop"),
    ("C03D", "potassium_sparing"),
    ("C03EA", "thiazide_potassium_sparing"),
)

DRUGS: tuple[Drug, ...] = (
    # Statins (C10AA; C10BA combinations)
    Drug("simvastatin", "C10AA01", "statin", ("Zocor",)),
    Drug("lovastatin", "C10AA02", "statin", ("Mevacor", "Altoprev")),
    Drug("pravastatin", "C10AA03", "statin", ("Pravachol",)),
    Drug("fluvastatin", "C10AA04", "statin", ("Lescol",)),
    Drug("atorvastatin", "C10AA05", "statin", ("Lipitor",)),
    Drug("rosuvastatin", "C10AA07", "statin", ("Crestor",)),
    Drug("pitavastatin", "C10AA08", "statin", ("Livalo",)),
    Drug("simvastatin/ezetimibe", "C10BA02", "statin", ("Vytorin", "Inegy")),
    # ACE inhibitors (C09AA; C09BA with a diuretic)
    Drug("captopril", "C09AA01", "ace_inhibitor", ("Capoten",)),
    Drug("enalapril", "C09AA02", "ace_inhibitor", ("Vasotec",)),
    Drug("lisinopril", "C09AA03", "ace_inhibitor", ("Zestril", "Prinivil", "Qbrelis")),
    Drug("perindopril", "C09AA04", "ace_inhibitor", ("Aceon", "Coversyl")),
    Drug("ramipril", "C09AA05", "ace_inhibitor", ("Altace", "Tritace")),
    Drug("quinapril", "C09AA06", "ace_inhibitor", ("Accupril",)),
    Drug("benazepril", "C09AA07", "ace_inhibitor", ("Lotensin",)),
    Drug("fosinopril", "C09AA09", "ace_inhibitor", ("Monopril",)),
    Drug("trandolapril", "C09AA10", "ace_inhibitor", ("Mavik", "Gopten")),
    Drug("moexipril", "C09AA13", "ace_inhibitor", ("Univasc",)),
    Drug("enalapril/hydrochlorothiazide", "C09BA02", "ace_inhibitor", ("Vaseretic",)),
    Drug("lisinopril/hydrochlorothiazide", "C09BA03", "ace_inhibitor", ("Zestoretic", "Prinzide")),
    Drug("perindopril/indapamide", "C09BA04", "ace_inhibitor", ("Coversyl Plus", "Preterax")),
    # ARBs (C09CA; C09DA with a diuretic, C09DB with a calcium-channel blocker, C09DX other)
    Drug("losartan", "C09CA01", "arb", ("Cozaar",)),
    Drug("eprosartan", "C09CA02", "arb", ("Teveten",)),
    Drug("valsartan", "C09CA03", "arb", ("Diovan",)),
    Drug("irbesartan", "C09CA04", "arb", ("Avapro", "Aprovel")),
    Drug("candesartan", "C09CA06", "arb", ("Atacand",)),
    Drug("telmisartan", "C09CA07", "arb", ("Micardis",)),
    Drug("olmesartan", "C09CA08", "arb", ("Benicar", "Olmetec")),
    Drug("azilsartan", "C09CA09", "arb", ("Edarbi",)),
    Drug("losartan/hydrochlorothiazide", "C09DA01", "arb", ("Hyzaar",)),
    Drug("valsartan/hydrochlorothiazide", "C09DA03", "arb", ("Diovan HCT", "Co-Diovan")),
    Drug("irbesartan/hydrochlorothiazide", "C09DA04", "arb", ("Avalide", "CoAprovel")),
    Drug("candesartan/hydrochlorothiazide", "C09DA06", "arb", ("Atacand HCT", "Atacand Plus")),
    Drug("telmisartan/hydrochlorothiazide", "C09DA07", "arb", ("Micardis HCT", "MicardisPlus")),
    Drug("olmesartan/hydrochlorothiazide", "C09DA08", "arb", ("Benicar HCT",)),
    Drug("azilsartan/chlortalidone", "C09DA09", "arb", ("Edarbyclor",)),
    Drug("valsartan/amlodipine", "C09DB01", "arb", ("Exforge",)),
    Drug("sacubitril/valsartan", "C09DX04", "arb", ("Entresto",)),
    # Diuretics (C03): thiazides C03A, thiazide-like C03B, loop C03C, potassium-sparing C03D
    Drug("bendroflumethiazide", "C03AA01", "diuretic", (), ("bendrofluazide",)),
    Drug("hydrochlorothiazide", "C03AA03", "diuretic", ("Microzide",), ("HCTZ", "HCT")),
    Drug("chlorothiazide", "C03AA04", "diuretic", ("Diuril",)),
    Drug("chlortalidone", "C03BA04", "diuretic", ("Hygroton", "Thalitone"), ("chlorthalidone",)),
    Drug("metolazone", "C03BA08", "diuretic", ("Zaroxolyn",)),
    Drug("indapamide", "C03BA11", "diuretic", ("Lozol", "Natrilix")),
    Drug("furosemide", "C03CA01", "diuretic", ("Lasix",), ("frusemide",)),
    Drug("bumetanide", "C03CA02", "diuretic", ("Bumex", "Burinex")),
    Drug("torasemide", "C03CA04", "diuretic", ("Demadex", "Soaanz"), ("torsemide",)),
    Drug("etacrynic acid", "C03CC01", "diuretic", ("Edecrin",), ("ethacrynic acid",)),
    Drug("spironolactone", "C03DA01", "diuretic", ("Aldactone", "CaroSpir")),
    Drug("eplerenone", "C03DA04", "diuretic", ("Inspra",)),
    Drug("amiloride", "C03DB01", "diuretic", ("Midamor",)),
    Drug("triamterene", "C03DB02", "diuretic", ("Dyrenium",)),
    Drug("triamterene/hydrochlorothiazide", "C03EA01", "diuretic", ("Dyazide", "Maxzide")),
    Drug("amiloride/hydrochlorothiazide", "C03EA01", "diuretic", ("Moduretic",)),
    # Systemic corticosteroids (H02AB)
    Drug("betamethasone", "H02AB01", "corticosteroid", ("Celestone",)),
    Drug("dexamethasone", "H02AB02", "corticosteroid", ("Decadron",)),
    Drug(
        "methylprednisolone", "H02AB04", "corticosteroid", ("Medrol", "Solu-Medrol", "Depo-Medrol")
    ),
    Drug("prednisolone", "H02AB06", "corticosteroid", ("Orapred", "Millipred", "Pediapred")),
    Drug("prednisone", "H02AB07", "corticosteroid", ("Deltasone", "Rayos")),
    Drug("triamcinolone", "H02AB08", "corticosteroid", ("Kenalog",)),
    Drug("hydrocortisone", "H02AB09", "corticosteroid", ("Cortef", "Solu-Cortef")),
    Drug("cortisone", "H02AB10", "corticosteroid"),
    Drug("deflazacort", "H02AB13", "corticosteroid", ("Emflaza",)),
    # SSRIs (N06AB)
    Drug("fluoxetine", "N06AB03", "ssri", ("Prozac", "Sarafem")),
    Drug("citalopram", "N06AB04", "ssri", ("Celexa", "Cipramil")),
    Drug("paroxetine", "N06AB05", "ssri", ("Paxil", "Seroxat", "Pexeva")),
    Drug("sertraline", "N06AB06", "ssri", ("Zoloft", "Lustral")),
    Drug("fluvoxamine", "N06AB08", "ssri", ("Luvox", "Faverin")),
    Drug("escitalopram", "N06AB10", "ssri", ("Lexapro", "Cipralex")),
    # Antipsychotics (N05A)
    Drug("chlorpromazine", "N05AA01", "antipsychotic", ("Thorazine", "Largactil")),
    Drug("fluphenazine", "N05AB02", "antipsychotic", ("Prolixin", "Modecate")),
    Drug("perphenazine", "N05AB03", "antipsychotic", ("Trilafon",)),
    Drug("prochlorperazine", "N05AB04", "antipsychotic", ("Compazine", "Stemetil")),
    Drug("haloperidol", "N05AD01", "antipsychotic", ("Haldol",)),
    Drug("ziprasidone", "N05AE04", "antipsychotic", ("Geodon", "Zeldox")),
    Drug("lurasidone", "N05AE05", "antipsychotic", ("Latuda",)),
    Drug("clozapine", "N05AH02", "antipsychotic", ("Clozaril", "Leponex")),
    Drug("olanzapine", "N05AH03", "antipsychotic", ("Zyprexa",)),
    Drug("quetiapine", "N05AH04", "antipsychotic", ("Seroquel",)),
    Drug("asenapine", "N05AH05", "antipsychotic", ("Saphris", "Sycrest")),
    Drug("amisulpride", "N05AL05", "antipsychotic", ("Solian",)),
    Drug("risperidone", "N05AX08", "antipsychotic", ("Risperdal",)),
    Drug("aripiprazole", "N05AX12", "antipsychotic", ("Abilify",)),
    Drug("paliperidone", "N05AX13", "antipsychotic", ("Invega",)),
    Drug("cariprazine", "N05AX15", "antipsychotic", ("Vraylar", "Reagila")),
    Drug("brexpiprazole", "N05AX16", "antipsychotic", ("Rexulti",)),
    # Common others: they resolve without a link claimed, a typo in them is caught, and a real
    # name close to a listed one (esomeprazole, duloxetine) is not taken for a typo of it.
    Drug("metformin", "A10BA02", "other", ("Glucophage",)),
    Drug("ibuprofen", "M01AE01", "other", ("Advil", "Motrin", "Nurofen")),
    Drug("naproxen", "M01AE02", "other", ("Aleve", "Naprosyn")),
    Drug("paracetamol", "N02BE01", "other", ("Tylenol", "Panadol"), ("acetaminophen", "APAP")),
    Drug("levothyroxine", "H03AA01", "other", ("Synthroid", "Levoxyl", "Eltroxin")),
    Drug("amlodipine", "C08CA01", "other", ("Norvasc",)),
    Drug("atenolol", "C07AB03", "other", ("Tenormin",)),
    Drug("metoprolol", "C07AB02", "other", ("Lopressor", "Toprol")),
    Drug("omeprazole", "A02BC01", "other", ("Prilosec", "Losec")),
    Drug("pantoprazole", "A02BC02", "other", ("Protonix",)),
    Drug("lansoprazole", "A02BC03", "other", ("Prevacid",)),
    Drug("esomeprazole", "A02BC05", "other", ("Nexium",)),
    Drug("duloxetine", "N06AX21", "other", ("Cymbalta",)),
    Drug("hydrocodone", "R05DA03", "other"),
    Drug("beclometasone", "R03BA01", "other", ("Qvar",), ("beclomethasone",)),
    Drug("ezetimibe", "C10AX09", "other", ("Zetia", "Ezetrol")),
    Drug("gabapentin", "N03AX12", "other", ("Neurontin",)),
    Drug("baclofen", "M03BX01", "other", ("Lioresal",)),
    Drug("cyclobenzaprine", "M03BX08", "other", ("Flexeril",)),
    Drug("quinine", "P01BC01", "other", ("Qualaquin",)),
    Drug("fludrocortisone", "H02AA02", "other", ("Florinef",)),
    Drug("potassium chloride", "A12BA01", "other", ("Klor-Con",), ("KCl",)),
    Drug("magnesium", "A12CC", "other"),  # the ATC group: the salt (oxide, citrate...) varies
)

# Words that name a local (skin, eye, ear, nose, lung, gut) form of a corticosteroid.
_LOCAL_FORMS = frozenset(
    "cream ointment lotion gel foam topical inhaler inhaled inhalation nasal spray drops eye ear "
    "enema suppository rectal".split()
)
# Dose units and joining words that say nothing about which drug it is.
_NOISE = frozenset(("mg", "mcg", "ug", "g", "ml", "iu", "unit", "units", "meq", "and", "with", "w"))
SUGGEST_CUTOFF = 0.8  # difflib ratio: "paxel" ~ "paxil" is 0.8, "lipiter" ~ "lipitor" 0.86


def _tokens(text: str) -> list[str]:
    """Lower-case ASCII words without digits, doses or joining words: the matchable part."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.split(r"[^a-z0-9]+", plain)
    return [w for w in words if w and not any(c.isdigit() for c in w) and w not in _NOISE]


def _key(text: str) -> str:
    return " ".join(_tokens(text))


def _build_index() -> dict[str, tuple[Drug, str]]:
    """Every matchable spelling -> (drug, how to show it). Combinations get every order."""
    synonyms = {drug.generic: drug.synonyms for drug in DRUGS}
    index: dict[str, tuple[Drug, str]] = {}
    for drug in DRUGS:
        names = [(drug.generic, drug.generic)]
        names += [(name, name) for name in (*drug.synonyms, *drug.brands)]
        parts = drug.generic.split("/")
        if len(parts) > 1:
            spellings = [(part, *synonyms.get(part, ())) for part in parts]
            for choice in itertools.product(*spellings):
                for order in itertools.permutations(choice):
                    names.append((" ".join(order), drug.generic))
        for name, shown in names:
            index.setdefault(_key(name), (drug, shown))
    return index


_INDEX = _build_index()
_LONGEST_KEY = max(len(key.split()) for key in _INDEX)


def _find(words: list[str]) -> Drug | None:
    """The longest run of words that names a drug; the first one if several do."""
    for size in range(min(_LONGEST_KEY, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            hit = _INDEX.get(" ".join(words[start : start + size]))
            if hit:
                return hit[0]
    return None


def _subclass(atc: str) -> str | None:
    return next((name for prefix, name in DIURETIC_SUBCLASSES if atc.startswith(prefix)), None)


def classify(text: str) -> DrugMatch:
    """The generic and class of a typed name: "Lipitor 20mg" -> atorvastatin, statin.

    Unknown names are class "other" with no generic; `suggest` may know what was meant.
    """
    words = _tokens(text)
    drug = _find(words)
    if drug is None:
        return DrugMatch(text.strip(), None, "other", None, None, False)
    if drug.drug_class == "corticosteroid" and _LOCAL_FORMS.intersection(words):
        return DrugMatch(text.strip(), drug.generic, "other", None, None, False)
    info = CLASS_INFO[drug.drug_class]
    return DrugMatch(
        text.strip(),
        drug.generic,
        drug.drug_class,
        drug.atc,
        _subclass(drug.atc),
        info.linked_to_spasms,
    )


def suggest(text: str) -> str | None:
    """A did-you-mean for a near miss ("lipiter" -> "Lipitor"); None if it matched or is far off."""
    words = _tokens(text)
    if _find(words) is not None:
        return None
    best, best_ratio = None, 0.0
    for size in range(min(_LONGEST_KEY, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            candidate = " ".join(words[start : start + size])
            for key in difflib.get_close_matches(candidate, _INDEX, n=1, cutoff=SUGGEST_CUTOFF):
                ratio = difflib.SequenceMatcher(None, candidate, key).ratio()
                if ratio > best_ratio:
                    best, best_ratio = key, ratio
    return _INDEX[best][1] if best else None


_CLASS_ALIASES: dict[str, str] = {
    **{_key(class_id): class_id for class_id in CLASS_INFO},
    **{_key(info.label): info.id for info in CLASS_INFO.values()},
    "ace": "ace_inhibitor",
    "acei": "ace_inhibitor",
    "ace i": "ace_inhibitor",
    "angiotensin receptor blocker": "arb",
    "angiotensin ii receptor blocker": "arb",
    "water pill": "diuretic",
    "steroid": "corticosteroid",
    "glucocorticoid": "corticosteroid",
    "selective serotonin reuptake inhibitor": "ssri",
    "anti psychotic": "antipsychotic",
    "neuroleptic": "antipsychotic",
}


def parse_drug_class(text: str, option: str = "--class") -> str:
    """A class id from an id or a plain name: "ACE inhibitors", "ARB", "steroid", "SSRI"."""
    key = _key(text)
    found = _CLASS_ALIASES.get(key) or _CLASS_ALIASES.get(key.removesuffix("s"))
    if found is None:
        raise InvalidInput(
            option,
            text,
            f"Use one of: {', '.join(DRUG_CLASSES)} "
            '(plain names like "ACE inhibitor", "ARB", "steroid" or "SSRI" work too).',
        )
    return found
