"""The medication table and classifier: names people type -> generic -> the article's class."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spasmlog.core.errors import InvalidInput
from spasmlog.knowledge.article import PASSAGES
from spasmlog.knowledge.drugs import (
    CLASS_INFO,
    DRUG_CLASSES,
    DRUGS,
    Drug,
    classify,
    parse_drug_class,
    suggest,
)


@pytest.mark.parametrize(
    ("name", "generic", "drug_class"),
    [
        ("Lipitor", "atorvastatin", "statin"),
        ("Zocor", "simvastatin", "statin"),
        ("Crestor", "rosuvastatin", "statin"),
        ("Pravachol", "pravastatin", "statin"),
        ("Vytorin", "simvastatin/ezetimibe", "statin"),
        ("Zestril", "lisinopril", "ace_inhibitor"),
        ("Prinivil", "lisinopril", "ace_inhibitor"),
        ("Vasotec", "enalapril", "ace_inhibitor"),
        ("Altace", "ramipril", "ace_inhibitor"),
        ("Zestoretic", "lisinopril/hydrochlorothiazide", "ace_inhibitor"),
        ("Cozaar", "losartan", "arb"),
        ("Diovan", "valsartan", "arb"),
        ("Avapro", "irbesartan", "arb"),
        ("Atacand", "candesartan", "arb"),
        ("Benicar", "olmesartan", "arb"),
        ("Micardis", "telmisartan", "arb"),
        ("Hyzaar", "losartan/hydrochlorothiazide", "arb"),
        ("Diovan HCT", "valsartan/hydrochlorothiazide", "arb"),
        ("Entresto", "sacubitril/valsartan", "arb"),
        ("Lasix", "furosemide", "diuretic"),
        ("Bumex", "bumetanide", "diuretic"),
        ("Demadex", "torasemide", "diuretic"),
        ("Microzide", "hydrochlorothiazide", "diuretic"),
        ("Aldactone", "spironolactone", "diuretic"),
        ("Inspra", "eplerenone", "diuretic"),
        ("Maxzide", "triamterene/hydrochlorothiazide", "diuretic"),
        ("Deltasone", "prednisone", "corticosteroid"),
        ("Medrol", "methylprednisolone", "corticosteroid"),
        ("Decadron", "dexamethasone", "corticosteroid"),
        ("Prozac", "fluoxetine", "ssri"),
        ("Zoloft", "sertraline", "ssri"),
        ("Celexa", "citalopram", "ssri"),
        ("Lexapro", "escitalopram", "ssri"),
        ("Paxil", "paroxetine", "ssri"),
        ("Haldol", "haloperidol", "antipsychotic"),
        ("Seroquel", "quetiapine", "antipsychotic"),
        ("Zyprexa", "olanzapine", "antipsychotic"),
        ("Risperdal", "risperidone", "antipsychotic"),
        ("Abilify", "aripiprazole", "antipsychotic"),
        ("Clozaril", "clozapine", "antipsychotic"),
        ("Geodon", "ziprasidone", "antipsychotic"),
        ("Latuda", "lurasidone", "antipsychotic"),
        ("Tylenol", "paracetamol", "other"),
        ("Glucophage", "metformin", "other"),
        ("Norvasc", "amlodipine", "other"),
    ],
)
def test_brand_resolves_to_generic_and_class(name: str, generic: str, drug_class: str) -> None:
    match = classify(name)
    assert (match.generic, match.drug_class) == (generic, drug_class)
    assert match.linked_to_spasms is (drug_class != "other")


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("Lipitor 20mg", "atorvastatin"),
        ("LIPITOR", "atorvastatin"),
        ("atorvastatin calcium 40 mg tablet", "atorvastatin"),
        ("  Atorvastatin (40 mg) once daily ", "atorvastatin"),
        ("HCTZ", "hydrochlorothiazide"),
        ("hctz 12.5mg", "hydrochlorothiazide"),
        ("losartan potassium 50 mg", "losartan"),
        ("olmesartan medoxomil 20mg", "olmesartan"),
        ("torsemide", "torasemide"),
        ("chlorthalidone 25", "chlortalidone"),
        ("acetaminophen 500 mg", "paracetamol"),
        ("Solu-Medrol 125 mg", "methylprednisolone"),
        ("magnesium oxide 400mg", "magnesium"),
        ("Diovan HCT 160/12.5", "valsartan/hydrochlorothiazide"),
        ("lisinopril-HCTZ 20/25", "lisinopril/hydrochlorothiazide"),
        ("HCTZ and lisinopril", "lisinopril/hydrochlorothiazide"),
        ("ezetimibe 10 mg + simvastatin 40 mg", "simvastatin/ezetimibe"),
    ],
)
def test_matching_ignores_case_punctuation_and_dose(text: str, generic: str) -> None:
    assert classify(text).generic == generic


def test_name_as_given_is_kept_and_unknown_names_are_other() -> None:
    match = classify(" aspirin 81 mg ")
    assert match.name_as_given == "aspirin 81 mg"
    assert (match.generic, match.drug_class, match.atc, match.subclass) == (
        None,
        "other",
        None,
        None,
    )
    assert match.linked_to_spasms is False
    assert classify("").generic is None


def test_match_carries_exact_atc() -> None:
    assert classify("Lipitor").atc == "C10AA05"
    assert classify("simvastatin").atc == "C10AA01"
    assert classify("lisinopril").atc == "C09AA03"
    assert classify("Cozaar").atc == "C09CA01"
    assert classify("Lasix").atc == "C03CA01"
    assert classify("HCTZ").atc == "C03AA03"
    assert classify("spironolactone").atc == "C03DA01"
    assert classify("prednisone").atc == "H02AB07"
    assert classify("fluoxetine").atc == "N06AB03"
    assert classify("haloperidol").atc == "N05AD01"
    assert classify("quetiapine").atc == "N05AH04"


@pytest.mark.parametrize(
    ("name", "subclass"),
    [
        ("furosemide", "loop"),
        ("Bumex", "loop"),
        ("hydrochlorothiazide", "thiazide"),
        ("chlorthalidone", "thiazide"),
        ("indapamide", "thiazide"),
        ("spironolactone", "potassium_sparing"),
        ("amiloride", "potassium_sparing"),
        ("Dyazide", "thiazide_potassium_sparing"),
        ("Lipitor", None),
        ("Zestoretic", None),
    ],
)
def test_diuretic_subclass_is_kept(name: str, subclass: str | None) -> None:
    assert classify(name).subclass == subclass


@pytest.mark.parametrize(
    "text", ["hydrocortisone cream 1%", "dexamethasone eye drops", "triamcinolone nasal spray"]
)
def test_local_corticosteroid_forms_are_not_linked(text: str) -> None:
    match = classify(text)
    assert match.generic is not None
    assert (match.drug_class, match.atc, match.linked_to_spasms) == ("other", None, False)


def test_left_out_on_purpose() -> None:
    assert classify("fludrocortisone").drug_class == "other"
    assert classify("beclomethasone inhaler").drug_class == "other"
    assert classify("lithium").generic is None
    assert classify("budesonide").generic is None


# --- the table itself ------------------------------------------------------------------------

ATC_SUBSTANCE = re.compile(r"[A-Z]\d\d[A-Z][A-Z]\d\d")


@pytest.mark.parametrize("drug", DRUGS, ids=lambda drug: drug.generic)
def test_atc_code_agrees_with_class(drug: Drug) -> None:
    linked_prefixes = [p for info in CLASS_INFO.values() for p in info.atc_prefixes]
    assert drug.drug_class in CLASS_INFO
    if drug.drug_class == "other":
        assert not drug.atc.startswith(tuple(linked_prefixes))
    else:
        assert drug.atc.startswith(CLASS_INFO[drug.drug_class].atc_prefixes)
        assert ATC_SUBSTANCE.fullmatch(drug.atc), "linked rows carry a substance-level code"


@pytest.mark.parametrize("drug", DRUGS, ids=lambda drug: drug.generic)
def test_every_name_in_the_table_resolves_to_its_own_row(drug: Drug) -> None:
    for name in (drug.generic, *drug.synonyms, *drug.brands):
        assert classify(name).generic == drug.generic, name


def test_generics_are_unique() -> None:
    generics = [drug.generic for drug in DRUGS]
    assert len(generics) == len(set(generics))


# --- did you mean ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("atorvastatn", "atorvastatin"),
        ("lipiter", "Lipitor"),
        ("Lipiter 20 mg", "Lipitor"),
        ("zolft", "Zoloft"),
        ("prozak", "Prozac"),
        ("furosemid 40mg", "furosemide"),
        ("lisinipril", "lisinopril"),
        ("metformn", "metformin"),
    ],
)
def test_suggest_catches_near_misses(typo: str, expected: str) -> None:
    assert suggest(typo) == expected
    assert classify(suggest(typo) or "").generic is not None


@pytest.mark.parametrize(
    "text",
    [
        "Lipitor",  # exact match: nothing to suggest
        "atorvastatin 40 mg",
        "aspirin",  # far from everything
        "vitamin d",
        "xyz",
        "",
        "duloxetine",  # real drugs near listed ones are listed themselves, not "corrected"
        "esomeprazole",
        "beclomethasone",
    ],
)
def test_suggest_stays_quiet(text: str) -> None:
    assert suggest(text) is None


@given(st.text(max_size=40))
def test_classify_and_suggest_never_fail(text: str) -> None:
    match = classify(text)
    assert match.drug_class in DRUG_CLASSES
    assert match.linked_to_spasms is CLASS_INFO[match.drug_class].linked_to_spasms
    guess = suggest(text)
    if guess is not None:
        assert classify(guess).generic is not None


# --- classes ---------------------------------------------------------------------------------


def test_class_ids_are_the_contract() -> None:
    assert DRUG_CLASSES == (
        "statin",
        "ace_inhibitor",
        "arb",
        "diuretic",
        "corticosteroid",
        "ssri",
        "antipsychotic",
        "other",
    )


def test_class_info() -> None:
    assert CLASS_INFO["statin"].article_line == (
        "Statins: These are cholesterol-lowering medications that can sometimes cause muscle pain "
        "and spasms, especially at high doses."
    )
    assert CLASS_INFO["ace_inhibitor"].article_line == CLASS_INFO["arb"].article_line
    assert CLASS_INFO["diuretic"].atc_prefixes == ("C03",)
    assert CLASS_INFO["other"].article_line is None
    assert CLASS_INFO["other"].linked_to_spasms is False
    for class_id, info in CLASS_INFO.items():
        assert info.id == class_id
        assert info.linked_to_spasms is (info.article_line is not None)


def test_class_lines_are_quoted_verbatim() -> None:
    for info in CLASS_INFO.values():
        if info.article_line:
            assert any(info.article_line in passage for passage in PASSAGES), info.id


@pytest.mark.parametrize(
    ("text", "class_id"),
    [
        ("statin", "statin"),
        ("Statins", "statin"),
        ("ace_inhibitor", "ace_inhibitor"),
        ("ACE inhibitor", "ace_inhibitor"),
        ("ace-inhibitors", "ace_inhibitor"),
        ("ACE", "ace_inhibitor"),
        ("ARB", "arb"),
        ("ARBs", "arb"),
        ("angiotensin receptor blocker", "arb"),
        ("diuretics", "diuretic"),
        ("water pill", "diuretic"),
        ("steroid", "corticosteroid"),
        ("Corticosteroids", "corticosteroid"),
        ("SSRI", "ssri"),
        ("SSRIs", "ssri"),
        ("antipsychotics", "antipsychotic"),
        ("other", "other"),
    ],
)
def test_parse_drug_class(text: str, class_id: str) -> None:
    assert parse_drug_class(text) == class_id


@pytest.mark.parametrize("text", ["", "painkiller", "beta blocker", "antidepressant"])
def test_parse_drug_class_rejects_with_the_accepted_ids(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_drug_class(text)
    message = str(caught.value)
    assert message.startswith("--class: invalid value")
    assert (
        "statin, ace_inhibitor, arb, diuretic, corticosteroid, ssri, antipsychotic, other"
        in message
    )
    assert caught.value.option == "--class"


def test_parse_drug_class_names_the_option_it_was_given() -> None:
    with pytest.raises(InvalidInput, match=r"^class: "):
        parse_drug_class("nope", option="class")
