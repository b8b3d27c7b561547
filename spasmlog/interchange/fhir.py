"""The diary as a FHIR R4 (4.0.1) Bundle of type "collection", for a clinic system to take in.

Why R4: it is the FHIR release that clinic systems and national profiles (US Core, the
International Patient Summary) implement; R5 is barely deployed. The version is stated in the
Bundle itself: `meta.profile` is the versioned core profile
"http://hl7.org/fhir/StructureDefinition/Bundle|4.0.1" and `meta.tag` carries code "4.0.1" of the
FHIRVersion code system "http://hl7.org/fhir/FHIR-version".

What goes in (soft-deleted rows never do):
- one Patient with no identifying data (a diary holds none); every resource points at it, and as
  performer/asserter/informationSource, which is how FHIR says "reported by the patient";
- an Observation per episode: code SNOMED CT 45352006 |Spasm|, effectiveDateTime at the offset
  the person had, bodySite coded with the muscle's SNOMED CT body structure where there is one
  (sometimes the region holding the muscle: the text always names the muscle as logged), and
  components for severity (246112005, 0-10), duration (103335007, UCUM "s"), finding site
  (363698007), laterality (272741003 with 7771000 left, 24028007 right, 51440002 both), woken
  from sleep and each associated symptom (diary codes, below); the note as Observation.note;
- a MedicationStatement per medication period: ATC coding ("http://www.whocc.no/atc"), the name
  as entered as text, the dose as dosage text, effectivePeriod, status "active" or "completed";
- a Condition per condition: its name as text, onset/abatement dates, clinical status;
- an Observation per lab result: its LOINC code, value in mmol/L (UCUM "mmol/L"), the range it
  was judged against, and an interpretation L/N/H.
Codes that no standard has (woken from sleep, symptom as typed, the article's condition group)
use the diary's own code system DIARY_CODES, a fixed urn:uuid.

Ids are stable: every fullUrl is "urn:uuid:" + uuid5 of the table, row id and the row's creation
time, so exporting the same diary twice gives the same bytes, and two diaries do not collide.
The JSON is built from plain dicts; tests validate it with the fhir.resources package.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from spasmlog.core.clock import local_time
from spasmlog.db import Session
from spasmlog.db.models import Condition, Episode, LabResult, Medication, Tracked
from spasmlog.db.queries import exports
from spasmlog.knowledge import drugs, labs
from spasmlog.knowledge.muscles import BY_NAME, label

FHIR_VERSION = "4.0.1"
BUNDLE_PROFILE = f"http://hl7.org/fhir/StructureDefinition/Bundle|{FHIR_VERSION}"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ATC = "http://www.whocc.no/atc"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "spasmlog:fhir")
DIARY_CODES = f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'code-system')}"
_TERMINOLOGY = "http://terminology.hl7.org/CodeSystem"
LATERALITY = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
    "both": ("51440002", "Right and left"),
}
_INTERPRETATION = {"low": ("L", "Low"), "normal": ("N", "Normal"), "high": ("H", "High")}


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def _concept(system: str, code: str, display: str, text: str | None = None) -> dict[str, Any]:
    return {"coding": [_coding(system, code, display)], "text": text or display}


def _row_uuid(row: Tracked) -> str:
    seed = f"{row.__tablename__}/{row.id}/{row.created_at.isoformat()}"
    return str(uuid.uuid5(_NAMESPACE, seed))


def _patient_uuid(session: Session) -> str:
    """Stable for a diary: seeded by the time of its first recorded change."""
    first = exports.first_change_time(session)
    return str(uuid.uuid5(_NAMESPACE, f"patient/{first.isoformat() if first else 'empty'}"))


def _entry(resource_id: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource_id}", "resource": {"id": resource_id, **resource}}


def _component(code: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, **value}


def episode_observation(episode: Episode, patient: dict[str, str]) -> dict[str, Any]:
    muscle = BY_NAME.get(episode.muscle)
    site: dict[str, Any] = {"text": label(episode.muscle)}
    if muscle is not None and muscle.snomed:
        site["coding"] = [{"system": SNOMED, "code": muscle.snomed}]  # text says what it is
    components = []
    if episode.severity is not None:
        severity = _concept(SNOMED, "246112005", "Severity", "Severity, 0 (none) to 10 (worst)")
        components.append(_component(severity, {"valueInteger": episode.severity}))
    if episode.duration_s is not None:
        quantity = {"value": episode.duration_s, "unit": "s", "system": UCUM, "code": "s"}
        components.append(
            _component(_concept(SNOMED, "103335007", "Duration"), {"valueQuantity": quantity})
        )
    components.append(
        _component(_concept(SNOMED, "363698007", "Finding site"), {"valueCodeableConcept": site})
    )
    if episode.side in LATERALITY:
        code, display = LATERALITY[episode.side]
        side = _concept(SNOMED, code, display)
        components.append(
            _component(_concept(SNOMED, "272741003", "Laterality"), {"valueCodeableConcept": side})
        )
    if episode.woke is not None:
        woke = _concept(DIARY_CODES, "woke", "Woke the person from sleep")
        components.append(_component(woke, {"valueBoolean": episode.woke}))
    for symptom in episode.symptoms:
        with_symptom = _concept(DIARY_CODES, "symptom", "Associated symptom")
        components.append(_component(with_symptom, {"valueCodeableConcept": {"text": symptom}}))
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": _concept(SNOMED, "45352006", "Spasm", "Muscle spasm or cramp (self-reported)"),
        "subject": patient,
        "effectiveDateTime": local_time(episode.started_at, episode.utc_offset_min).isoformat(),
        "performer": [patient],
        "bodySite": site,
        "component": components,
    }
    if episode.note:
        resource["note"] = [{"text": episode.note}]
    return resource


def medication_statement(
    medication: Medication, patient: dict[str, str], today: dt.date
) -> dict[str, Any]:
    stopped = medication.stopped_on
    text = medication.name
    concept: dict[str, Any] = {"text": text}
    if medication.atc:
        shown = medication.generic or drugs.CLASS_INFO[medication.drug_class].label
        concept["coding"] = [_coding(ATC, medication.atc, shown)]
    period = {"start": medication.started_on.isoformat()}
    if stopped is not None:
        period["end"] = stopped.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "status": "active" if stopped is None or stopped >= today else "completed",
        "category": _concept(
            f"{_TERMINOLOGY}/medication-statement-category",
            "patientspecified",
            "Patient Specified",
        ),
        "medicationCodeableConcept": concept,
        "subject": patient,
        "effectivePeriod": period,
        "informationSource": patient,
    }
    if medication.dose:
        resource["dosage"] = [{"text": medication.dose}]
    return resource


def condition_resource(
    condition: Condition, patient: dict[str, str], today: dt.date
) -> dict[str, Any]:
    ended = condition.until is not None and condition.until <= today
    status = "resolved" if ended else "active"
    group = _coding(DIARY_CODES, f"group:{condition.group}", condition.group.replace("_", " "))
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "clinicalStatus": _concept(
            f"{_TERMINOLOGY}/condition-clinical", status, status.capitalize()
        ),
        "category": [
            _concept(f"{_TERMINOLOGY}/condition-category", "problem-list-item", "Problem List Item")
        ],
        "code": {"coding": [group], "text": condition.name},
        "subject": patient,
        "asserter": patient,
    }
    if condition.since is not None:
        resource["onsetDateTime"] = condition.since.isoformat()
    if condition.until is not None:
        resource["abatementDateTime"] = condition.until.isoformat()
    return resource


def _mmol(value: float) -> dict[str, Any]:
    return {
        "value": round(value, 3),
        "unit": labs.UCUM_UNIT,
        "system": UCUM,
        "code": labs.UCUM_UNIT,
    }


def lab_observation(result: LabResult, patient: dict[str, str]) -> dict[str, Any]:
    test = labs.lab_test(result.test)
    code, display = _INTERPRETATION[result.flag]
    judged_by = "the lab's own range" if result.range_source == "lab" else labs.REFERENCE_SOURCE
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [_concept(f"{_TERMINOLOGY}/observation-category", "laboratory", "Laboratory")],
        "code": _concept(LOINC, test.loinc, test.loinc_name, test.label),
        "subject": patient,
        "effectiveDateTime": result.taken_on.isoformat(),
        "valueQuantity": _mmol(result.value_mmol_l),
        "interpretation": [_concept(f"{_TERMINOLOGY}/v3-ObservationInterpretation", code, display)],
        "referenceRange": [
            {
                "low": _mmol(result.range_low_mmol_l),
                "high": _mmol(result.range_high_mmol_l),
                "text": f"Judged against {judged_by}",
            }
        ],
    }
    if result.unit != labs.UCUM_UNIT:
        resource["note"] = [{"text": f"As reported: {result.value:g} {result.unit}"}]
    return resource


def bundle(session: Session, now: dt.datetime) -> dict[str, Any]:
    """Every live row of the diary as one FHIR R4 collection Bundle (plain dicts)."""
    today = now.date()
    patient_id = _patient_uuid(session)
    patient = {"reference": f"urn:uuid:{patient_id}"}
    entries = [_entry(patient_id, {"resourceType": "Patient"})]
    entries += [
        _entry(_row_uuid(row), episode_observation(row, patient))
        for row in exports.rows(session, Episode)
    ]
    entries += [
        _entry(_row_uuid(row), medication_statement(row, patient, today))
        for row in exports.rows(session, Medication)
    ]
    entries += [
        _entry(_row_uuid(row), condition_resource(row, patient, today))
        for row in exports.rows(session, Condition)
    ]
    entries += [
        _entry(_row_uuid(row), lab_observation(row, patient))
        for row in exports.rows(session, LabResult)
    ]
    return {
        "resourceType": "Bundle",
        "meta": {
            "profile": [BUNDLE_PROFILE],
            "tag": [_coding("http://hl7.org/fhir/FHIR-version", FHIR_VERSION, FHIR_VERSION)],
        },
        "type": "collection",
        "timestamp": now.isoformat(),
        "entry": entries,
    }


def export_fhir(session: Session, now: dt.datetime) -> str:
    return json.dumps(bundle(session, now), indent=2, ensure_ascii=False) + "\n"
