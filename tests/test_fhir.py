"""`spasmlog export fhir`: a FHIR R4 Bundle that validates, uses real codes, and is stable.

fhir.resources has no R4 package; its R4B models are R4's for every resource used here (R4B
changed only medication-definition, evidence and subscription resources), so they validate the
structure. The code lists the models do not check (statuses, bundle type, categories) and the
check digits of SNOMED CT and LOINC codes are checked here.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from spasmlog.interchange import fhir
from spasmlog.knowledge.labs import TESTS
from spasmlog.knowledge.muscles import MUSCLES
from tests.conftest import NOW, Run, pin_clock
from tests.handmade import HYPERLINK, build_once, build_small, ok, runner_for

# R4 (4.0.1) required bindings for the elements spasmlog fills.
BUNDLE_TYPES = {
    "document",
    "message",
    "transaction",
    "transaction-response",
    "batch",
    "batch-response",
    "history",
    "searchset",
    "collection",
}
OBSERVATION_STATUS = {
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
}
MEDICATION_STATEMENT_STATUS = {
    "active",
    "completed",
    "entered-in-error",
    "intended",
    "stopped",
    "on-hold",
    "unknown",
    "not-taken",
}
CONDITION_CLINICAL = {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}
CONDITION_CATEGORY = {"problem-list-item", "encounter-diagnosis"}
OBSERVATION_CATEGORY = {
    "social-history",
    "vital-signs",
    "imaging",
    "laboratory",
    "procedure",
    "survey",
    "exam",
    "therapy",
    "activity",
}
MEDICATION_STATEMENT_CATEGORY = {"inpatient", "outpatient", "community", "patientspecified"}
INTERPRETATION = {"L", "N", "H"}
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_once(tmp_path_factory.mktemp("small"), build_small)


@pytest.fixture(scope="module")
def bundle(template: Path) -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as patch:
        pin_clock(patch, NOW)
        return json.loads(ok(runner_for(template), "export", "fhir", "--out", "-"))


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _codings(value: Any) -> list[dict[str, Any]]:
    """Every Coding anywhere in a JSON tree."""
    if isinstance(value, dict):
        found = [value] if "system" in value and "code" in value else []
        return found + [c for v in value.values() for c in _codings(v)]
    if isinstance(value, list):
        return [c for v in value for c in _codings(v)]
    return []


def _verhoeff_ok(number: str) -> bool:
    """The check digit SNOMED CT ids end with (Verhoeff's dihedral-group scheme)."""
    multiply = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ]
    step = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]
    permutations = [list(range(10))]
    for _ in range(7):
        permutations.append([step[x] for x in permutations[-1]])
    check = 0
    for position, digit in enumerate(reversed(number)):
        check = multiply[check][permutations[position % 8][int(digit)]]
    return check == 0


def _snomed_concept_id_ok(code: str) -> bool:
    """A SNOMED CT concept id: 6-18 digits, partition 00 or 10, and a valid Verhoeff digit."""
    return (
        code.isdigit()
        and 6 <= len(code) <= 18
        and code[-3:-1] in ("00", "10")
        and (_verhoeff_ok(code))
    )


def _loinc_ok(code: str) -> bool:
    """LOINC's mod 10 check digit (the digit after the hyphen)."""
    number, _, check = code.partition("-")
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value // 10 + value % 10
    return check == str((10 - total % 10) % 10)


def test_check_digit_helpers_know_real_codes() -> None:
    assert _snomed_concept_id_ok("138875005")  # SNOMED CT root
    assert _snomed_concept_id_ok("195967001")  # asthma
    assert not _snomed_concept_id_ok("195967002")
    assert _loinc_ok("2823-3") and _loinc_ok("2951-2")
    assert not _loinc_ok("2823-4")


def test_bundle_validates_as_fhir_r4(bundle: dict[str, Any]) -> None:
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_bundle_says_it_is_r4_and_a_collection(bundle: dict[str, Any]) -> None:
    assert bundle["type"] == "collection" and bundle["type"] in BUNDLE_TYPES
    assert bundle["meta"]["profile"] == ["http://hl7.org/fhir/StructureDefinition/Bundle|4.0.1"]
    assert bundle["meta"]["tag"] == [
        {"system": "http://hl7.org/fhir/FHIR-version", "code": "4.0.1", "display": "4.0.1"}
    ]
    assert bundle["timestamp"] == "2026-03-15T12:00:00+01:00"


def test_one_resource_per_live_row(bundle: dict[str, Any]) -> None:
    kinds = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    # 2 live episodes (the deleted one is left out) + 2 labs; 2 medication periods; 1 condition
    assert kinds == {"Patient": 1, "Observation": 4, "MedicationStatement": 2, "Condition": 1}


def test_code_lists_the_models_do_not_check(bundle: dict[str, Any]) -> None:
    for observation in _resources(bundle, "Observation"):
        assert observation["status"] in OBSERVATION_STATUS
        for category in observation.get("category", []):
            assert {c["code"] for c in category["coding"]} <= OBSERVATION_CATEGORY
        for interpretation in observation.get("interpretation", []):
            assert {c["code"] for c in interpretation["coding"]} <= INTERPRETATION
    for statement in _resources(bundle, "MedicationStatement"):
        assert statement["status"] in MEDICATION_STATEMENT_STATUS
        assert {c["code"] for c in statement["category"]["coding"]} <= MEDICATION_STATEMENT_CATEGORY
    for condition in _resources(bundle, "Condition"):
        assert {c["code"] for c in condition["clinicalStatus"]["coding"]} <= CONDITION_CLINICAL
        for category in condition["category"]:
            assert {c["code"] for c in category["coding"]} <= CONDITION_CATEGORY
    for coding in _codings(bundle):
        if coding["system"].startswith(TERMINOLOGY):
            assert coding["system"].removeprefix(TERMINOLOGY) in {
                "observation-category",
                "v3-ObservationInterpretation",
                "condition-clinical",
                "condition-category",
                "medication-statement-category",
            }


def test_standard_codes_have_valid_check_digits(bundle: dict[str, Any]) -> None:
    systems: Counter[str] = Counter()
    for coding in _codings(bundle):
        systems[coding["system"]] += 1
        if coding["system"] == fhir.SNOMED:
            assert _snomed_concept_id_ok(coding["code"]), coding
        elif coding["system"] == fhir.LOINC:
            assert _loinc_ok(coding["code"]), coding
        elif coding["system"] == fhir.UCUM:
            assert coding["code"] in {"s", "mmol/L"}
    assert systems[fhir.SNOMED] and systems[fhir.LOINC] and systems[fhir.ATC]


def test_every_muscle_and_lab_code_is_well_formed() -> None:
    assert all(_snomed_concept_id_ok(m.snomed) for m in MUSCLES if m.snomed)
    assert all(_loinc_ok(test.loinc) for test in TESTS)
    assert all(_snomed_concept_id_ok(code) for code, _ in fhir.LATERALITY.values())


def test_episode_observation(bundle: dict[str, Any]) -> None:
    calf = next(
        o
        for o in _resources(bundle, "Observation")
        if o.get("effectiveDateTime") == "2026-03-14T03:10:00+01:00"
    )
    assert calf["code"]["coding"] == [
        {"system": fhir.SNOMED, "code": "45352006", "display": "Spasm"}
    ]
    assert calf["bodySite"] == {
        "text": "Calf",
        "coding": [{"system": fhir.SNOMED, "code": "53840002"}],
    }
    parts = {c["code"]["coding"][0]["code"]: c for c in calf["component"]}
    assert parts["246112005"]["valueInteger"] == 8
    assert parts["103335007"]["valueQuantity"] == {
        "value": 120,
        "unit": "s",
        "system": fhir.UCUM,
        "code": "s",
    }
    assert parts["363698007"]["valueCodeableConcept"]["text"] == "Calf"
    assert parts["272741003"]["valueCodeableConcept"]["coding"][0]["code"] == "7771000"
    assert parts["woke"]["valueBoolean"] is True
    assert parts["symptom"]["valueCodeableConcept"] == {"text": "weakness"}
    assert calf["note"] == [{"text": HYPERLINK}]
    patient = _resources(bundle, "Patient")[0]
    assert calf["subject"] == {"reference": f"urn:uuid:{patient['id']}"}


def test_medications_conditions_and_labs(bundle: dict[str, Any]) -> None:
    lipitor, furosemide = sorted(
        _resources(bundle, "MedicationStatement"),
        key=lambda s: s["medicationCodeableConcept"]["text"],
    )
    assert lipitor["medicationCodeableConcept"] == {
        "text": "Lipitor 20mg",
        "coding": [{"system": fhir.ATC, "code": "C10AA05", "display": "atorvastatin"}],
    }
    assert lipitor["status"] == "active" and lipitor["effectivePeriod"] == {"start": "2026-01-10"}
    assert lipitor["dosage"] == [{"text": "20 mg"}]
    assert furosemide["status"] == "completed"
    assert furosemide["effectivePeriod"] == {"start": "2025-12-01", "end": "2026-02-01"}
    (condition,) = _resources(bundle, "Condition")
    assert condition["code"]["text"] == "hypothyroidism"
    assert condition["clinicalStatus"]["coding"][0]["code"] == "active"
    assert condition["onsetDateTime"] == "2020-01-01"
    magnesium = next(
        o for o in _resources(bundle, "Observation") if o["code"]["text"] == "Magnesium"
    )
    assert magnesium["code"]["coding"][0]["code"] == "2601-3"
    assert magnesium["valueQuantity"] == {
        "value": 0.617,
        "unit": "mmol/L",
        "system": fhir.UCUM,
        "code": "mmol/L",
    }  # (1.5 mg/dL * 10 / 24.305)
    assert magnesium["interpretation"][0]["coding"][0]["code"] == "L"
    assert magnesium["referenceRange"][0]["low"]["value"] == 0.699  # 1.7 mg/dL
    assert magnesium["note"] == [{"text": "As reported: 1.5 mg/dL"}]


def test_references_resolve_and_ids_are_unique(bundle: dict[str, Any]) -> None:
    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    text = json.dumps(bundle)
    references = {part.split('"')[0] for part in text.split('"reference": "')[1:]}
    assert references and references <= set(full_urls)


def _one_calf(run: Run) -> None:
    ok(run, "log", "--muscle", "calf", "--side", "left", "--at", "2026-03-14 03:10")


def test_other_diaries_get_other_ids(bundle: dict[str, Any], tmp_path: Path) -> None:
    """The same row made at another time (another diary) gets another id, and so does its patient."""
    other = build_once(tmp_path, _one_calf, now="2026-03-16T09:30:00+01:00")
    with pytest.MonkeyPatch.context() as patch:
        pin_clock(patch, NOW)
        again = json.loads(ok(runner_for(other), "export", "fhir", "--out", "-"))
    assert len(again["entry"]) == 2
    assert not {e["fullUrl"] for e in bundle["entry"]} & {e["fullUrl"] for e in again["entry"]}
