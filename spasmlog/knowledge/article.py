"""The article spasmlog quotes, by its title, and the passages it quotes, verbatim.

"What Causes Muscle Spasms?" is the health article spasmlog grew from: its risk factors, tips and
see-a-doctor signs are what the diary records and reports. The passages below are copied from it
word for word, in its order (list items without their bullets), so that spasmlog carries its own
source: every line the knowledge modules quote (spasmlog.knowledge.factors, drugs, labs,
conditions) must be found in them, and `tests/test_article.py` checks that they are.
"""

from __future__ import annotations

import re

TITLE = "What Causes Muscle Spasms?"

PASSAGES: tuple[str, ...] = (
    (
        "Muscle spasms, sudden, involuntary contractions of a muscle or group of muscles, can range"
        " from mildly annoying to severely painful. They may last a few seconds or several minutes "
        "and can affect muscles anywhere in the body, although they are most common in the back, "
        "legs, and feet."
    ),
    (
        "Certain medical conditions, such as diabetes and kidney disease, can cause excessive fluid"
        " loss through urine or diarrhea. Additionally, vomiting, sweating, and certain medications"
        " can also contribute to dehydration."
    ),
    (
        "Preventing dehydration is crucial for maintaining proper muscle function and preventing "
        "muscle spasms. Drink plenty of fluids throughout the day, especially water. Avoid sugary "
        "drinks like soda and juice, as they can actually worsen dehydration. Additionally, if you "
        "have a medical condition that causes excessive fluid loss, talk to your doctor about how "
        "to manage your fluid intake."
    ),
    (
        "Sodium is an essential electrolyte that helps regulate fluid balance and muscle function. "
        "Low sodium levels, known as hyponatremia, can cause muscle spasms, weakness, and fatigue."
    ),
    (
        "Potassium is another important electrolyte involved in muscle contraction and nerve "
        "transmission. Low potassium levels, known as hypokalemia, can lead to muscle weakness, "
        "spasms, and abnormal heart rhythms."
    ),
    (
        "Magnesium is a mineral that plays a role in muscle relaxation and nerve function. Low "
        "magnesium levels, known as hypomagnesemia, can cause muscle spasms, cramps, and tingling "
        "sensations."
    ),
    (
        "Calcium is essential for muscle contraction and nerve transmission. Low calcium levels, "
        "known as hypocalcemia, can cause muscle spasms, cramps, and numbness."
    ),
    (
        "Electrolyte imbalances can occur due to various factors, including excessive sweating, "
        "prolonged vomiting or diarrhea, certain medical conditions (such as kidney disease or "
        "diabetes), and the use of diuretics or other medications. Maintaining a balanced intake of"
        " electrolytes through a healthy diet and proper hydration is important for preventing "
        "muscle spasms caused by electrolyte imbalances."
    ),
    (
        "To prevent muscle strains or injuries that can lead to spasms, it's important to warm up "
        "properly before exercise, use proper technique when lifting heavy objects, and avoid "
        "overexerting yourself. Additionally, maintaining a healthy weight and staying hydrated can"
        " help reduce the risk of muscle strains and injuries."
    ),
    (
        "Nerve damage can also lead to muscle spasms. When a nerve is injured or damaged, it can "
        "send abnormal signals to the muscles, causing them to spasm."
    ),
    (
        "This is a condition that affects the nerves outside the brain and spinal cord. It can be "
        "caused by various factors, including diabetes, alcoholism, certain medications, and "
        "autoimmune diseases. Peripheral neuropathy can lead to muscle spasms, weakness, and "
        "numbness in the affected areas."
    ),
    (
        "Muscle spasms caused by nerve damage can be difficult to treat and may require a "
        "combination of medications, physical therapy, and other interventions. Managing the "
        "underlying condition causing the nerve damage is also important for preventing and "
        "reducing muscle spasms."
    ),
    (
        "Statins: These are cholesterol-lowering medications that can sometimes cause muscle pain "
        "and spasms, especially at high doses."
    ),
    (
        "ACE inhibitors and angiotensin receptor blockers (ARBs): These are blood pressure "
        "medications that can also cause muscle spasms as a side effect."
    ),
    (
        "Diuretics: These are medications that help remove excess fluid from the body and can lead "
        "to electrolyte imbalances, which can in turn cause muscle spasms."
    ),
    (
        "Steroids: Long-term use of steroids, such as prednisone, can cause muscle weakness and "
        "spasms."
    ),
    (
        "Selective serotonin reuptake inhibitors (SSRIs): These are antidepressants that can "
        "sometimes cause muscle spasms, especially at high doses."
    ),
    (
        "Antipsychotics: These medications used to treat conditions like schizophrenia and bipolar "
        "disorder can also cause muscle spasms as a side effect."
    ),
    (
        "If you are experiencing muscle spasms and are taking any of these medications, talk to "
        "your doctor. They may be able to adjust your dosage or switch you to a different "
        "medication that is less likely to cause muscle spasms."
    ),
    (
        "If you are experiencing muscle spasms and suspect you may have a magnesium deficiency, "
        "talk to your doctor. They can test your magnesium levels and recommend the best course of "
        "treatment."
    ),
    (
        "If you are concerned about the risk of muscle spasms from a particular medication, talk to"
        " your doctor before starting treatment. They can help you weigh the benefits and risks of "
        "the medication and determine if it is the right choice for you."
    ),
    (
        "Some underlying medical conditions can also lead to muscle spasms. These conditions can "
        "affect the nerves, muscles, or electrolytes in the body, all of which can contribute to "
        "muscle spasms."
    ),
    "An overactive or underactive thyroid gland can cause muscle spasms as a symptom.",
    (
        "This is a condition in which the adrenal glands do not produce enough hormones, including "
        "cortisol. Muscle spasms can be a symptom of Addison's disease."
    ),
    (
        "Muscle spasms can occur in people with kidney disease due to electrolyte imbalances and "
        "nerve damage."
    ),
    "Muscle spasms can also be a symptom of liver disease, particularly in the later stages.",
    (
        "In some cases, muscle spasms may be a sign of a more serious underlying medical condition."
        " If you experience frequent or severe muscle spasms, it's important to see a doctor to "
        "rule out any underlying medical causes."
    ),
    (
        "Magnesium is found in a variety of foods, including leafy green vegetables, nuts, seeds, "
        "and whole grains. However, it is possible to have a magnesium deficiency even if you are "
        "eating a healthy diet. Certain medical conditions, such as gastrointestinal disorders and "
        "diabetes, can interfere with the absorption of magnesium."
    ),
    (
        "Answer 5: You should see a doctor if your muscle spasms are frequent, severe, or "
        "accompanied by other symptoms, such as fever, rash, or weakness. You should also see a "
        "doctor if your muscle spasms are interfering with your daily activities."
    ),
    (
        "Tip 1: Stay hydrated. Dehydration can lead to electrolyte imbalances, which can trigger "
        "muscle spasms. Drink plenty of fluids throughout the day, especially water."
    ),
    (
        "Tip 2: Apply heat or cold. Heat can help to relax muscles and relieve pain, while cold can"
        " help to reduce inflammation. Try applying a warm compress or taking a warm bath to "
        "relieve muscle spasms. Alternatively, you can apply a cold compress or ice pack to the "
        "affected area."
    ),
    (
        "Tip 3: Massage the affected area. Massaging the affected area can help to improve "
        "circulation and reduce muscle tension. Use your fingers to apply firm pressure to the "
        "area, moving in a circular motion."
    ),
    (
        "Tip 4: Stretch the affected muscle. Stretching can help to improve flexibility and reduce "
        "muscle spasms. Gently stretch the affected muscle by holding the stretch for 30 seconds. "
        "Repeat the stretch several times throughout the day."
    ),
    (
        "If your muscle spasms are severe or do not improve with home treatment, see a doctor. They"
        " can help to determine the underlying cause of your muscle spasms and recommend the best "
        "course of treatment."
    ),
)


def _sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?]) ", " ".join(text.split())) if part]


def quotes_the_article(text: str) -> bool:
    """Is every sentence of `text` in a passage of the article? A sentence may start with a
    capital where the article runs it on ("Additionally, if you have...") and may end at a comma
    of the article's sentence; nothing else may differ."""
    for sentence in _sentences(text):
        core = sentence.removesuffix(".")
        forms = (core, core[:1].lower() + core[1:])
        ends = [form + stop for form in forms for stop in (".", ",")]
        if not any(end in passage for end in ends for passage in PASSAGES):
            return False
    return True
