"""Clinical vignettes for the triage rules: (level I defend, intake, why).

Written from clinical reasoning, not from the rules: every emergency and urgent case must
reach at least its level, and at least 95% of all cases must get exactly the level defended
here. Near-misses (cases that look worrying but must *not* be escalated) are marked.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Vignette(NamedTuple):
    """One case: the defended level, the intake, and the reasoning."""

    level: str
    intake: dict[str, Any]
    why: str


CALM = {
    "new_face_weakness": False,
    "arm_or_leg_weakness": False,
    "speech_trouble": False,
    "vision_change": "none",
    "sudden_severe_headache": False,
    "trouble_breathing_or_swallowing": False,
    "loss_of_awareness": False,
    "recent_neck_surgery": False,
    "tingling_mouth_or_fingers": False,
    "muscle_cramps": False,
    "recent_head_injury": False,
    "fever": False,
    "numbness": False,
    "pain": False,
    "hearing_change": False,
}
"""Every red flag answered 'no': the background of a reassuring story."""


def calm(**answers: Any) -> dict[str, Any]:
    """A reassuring intake with these answers on top."""
    return {**CALM, **answers}


VIGNETTES: list[Vignette] = [
    # ---------------- emergency ----------------
    Vignette(
        "emergency",
        calm(age_years=67, new_face_weakness=True, side="left", duration_days=0.2),
        "New one-sided face drooping: FAST 'F'. Could be Bell's palsy, but stroke cannot be excluded at home.",
    ),
    Vignette(
        "emergency",
        calm(age_years=54, arm_or_leg_weakness=True, areas=["nose", "cheek"]),
        "New arm weakness with facial twitching: FAST 'A'.",
    ),
    Vignette("emergency", calm(age_years=72, speech_trouble=True), "Slurred speech: FAST 'S'."),
    Vignette(
        "emergency",
        calm(age_years=60, vision_change="sudden"),
        "Sudden loss of vision or double vision: BE-FAST 'E'.",
    ),
    Vignette(
        "emergency",
        calm(age_years=41, sudden_severe_headache=True, duration_days=1),
        "Thunderclap headache: subarachnoid haemorrhage until proven otherwise.",
    ),
    Vignette(
        "emergency",
        calm(age_years=35, trouble_breathing_or_swallowing=True),
        "Airway or bulbar compromise (possible laryngospasm or anaphylaxis).",
    ),
    Vignette(
        "emergency",
        calm(age_years=48, recent_neck_surgery=True, tingling_mouth_or_fingers=True),
        "Perioral tingling a week after thyroidectomy: acute hypocalcaemia, can progress to laryngospasm.",
    ),
    Vignette(
        "emergency",
        calm(
            age_years=52,
            recent_neck_surgery=True,
            muscle_cramps=True,
            conditions=["parathyroid_disease"],
        ),
        "Carpopedal spasm after parathyroidectomy (hungry bone): acute symptomatic hypocalcaemia.",
    ),
    Vignette(
        "emergency",
        calm(age_years=30, loss_of_awareness=True, fever=True),
        "Facial twitching with confusion and fever: encephalitis or meningitis with seizures.",
    ),
    Vignette(
        "emergency",
        calm(age_years=25, loss_of_awareness=True, recent_head_injury=True),
        "Seizure-like episode after head injury: intracranial bleed.",
    ),
    Vignette(
        "emergency",
        calm(age_years=19, conditions=["tourette"], other_tics=["sniffing"], new_face_weakness=True),
        "A known tic disorder does not explain new facial weakness; still a stroke sign.",
    ),
    Vignette(
        "emergency",
        calm(age_years=33, stress_level=9, caffeine_drinks_per_day=6, speech_trouble=True),
        "Lifestyle triggers present, but speech trouble is a stroke sign: must not be explained away.",
    ),
    Vignette(
        "emergency",
        calm(age_years=8, sudden_severe_headache=True, areas=["nose"]),
        "A child with a thunderclap headache.",
    ),
    Vignette(
        "emergency",
        calm(age_years=31, sex="female", pregnant=True, vision_change="sudden"),
        "Sudden vision loss in pregnancy: stroke or eclampsia.",
    ),
    Vignette(
        "emergency",
        calm(age_years=45, conditions=["epilepsy"], arm_or_leg_weakness=True),
        "Arm weakness with known epilepsy: could be post-ictal (Todd's) but stroke must be excluded.",
    ),
    Vignette(
        "emergency",
        {"new_face_weakness": True},
        "Only one answer known, and it is a stroke sign: emergency needs nothing else.",
    ),
    # ---------------- urgent ----------------
    Vignette(
        "urgent",
        calm(age_years=38, loss_of_awareness=True, areas=["nose", "mouth"], side="right"),
        "Twitching with blank spells: focal seizure with impaired awareness; same-day assessment.",
    ),
    Vignette(
        "urgent",
        calm(age_years=44, tingling_mouth_or_fingers=True, muscle_cramps=True),
        "Perioral tingling with cramps (tetany): check calcium and magnesium today.",
    ),
    Vignette(
        "urgent",
        calm(age_years=61, muscle_cramps=True, conditions=["parathyroid_disease"]),
        "Cramps with parathyroid disease: hypocalcaemia likely.",
    ),
    Vignette(
        "urgent",
        calm(age_years=70, tingling_mouth_or_fingers=True, conditions=["kidney_disease"]),
        "Tingling with chronic kidney disease: calcium and potassium disturbance.",
    ),
    Vignette(
        "urgent",
        calm(
            age_years=23,
            medications=["metoclopramide 10mg"],
            new_medication_recently=True,
            areas=["mouth", "neck"],
        ),
        "Face and neck spasms two days into metoclopramide: acute dystonic reaction.",
    ),
    Vignette(
        "urgent",
        calm(age_years=29, medications=["Haldol"], new_medication_recently=True),
        "Newly started haloperidol with facial spasms: acute dystonia.",
    ),
    Vignette(
        "urgent",
        calm(age_years=17, recent_head_injury=True, duration_days=1),
        "New twitching after a head injury: same-day review for post-traumatic seizure or bleed.",
    ),
    Vignette(
        "urgent",
        calm(age_years=32, sex="female", pregnant=True, vision_change="gradual"),
        "Blurred vision in pregnancy: pre-eclampsia must be checked today.",
    ),
    Vignette(
        "urgent",
        calm(age_years=36, loss_of_awareness=True, conditions=["epilepsy"]),
        "Known epilepsy with twitching and impaired awareness: possible seizure change; same day.",
    ),
    Vignette(
        "urgent",
        calm(age_years=27, medications=["Stemetil"], new_medication_recently=True),
        "Prochlorperazine (brand name) just started: acute dystonia.",
    ),
    Vignette(
        "urgent",
        calm(age_years=10, loss_of_awareness=True, urge_before=False),
        "A child with twitching and absences: seizure, not a tic.",
    ),
    Vignette(
        "urgent",
        calm(age_years=46, recent_neck_surgery=True, areas=["nose", "mouth"]),
        "Facial twitching two weeks after thyroidectomy (a Chvostek-type sign): calcium today.",
    ),
    # ---------------- appointment ----------------
    Vignette(
        "appointment",
        calm(age_years=34, duration_days=21, trend="same"),
        "Three weeks of twitching: past NHS's 2-week threshold.",
    ),
    Vignette("appointment", calm(age_years=28, duration_days=5, trend="worse"), "Worsening spasms."),
    Vignette(
        "appointment",
        calm(
            age_years=55,
            started_near_eye_then_spread=True,
            side="left",
            areas=["eyelid", "cheek", "nose", "mouth"],
        ),
        "Classic hemifacial spasm progression: needs MRI and botulinum toxin referral, not urgent.",
    ),
    Vignette(
        "appointment",
        calm(age_years=12, other_tics=["sniffing", "throat_clearing"], urge_before=True),
        "Multiple tics without a diagnosis: assess for tic disorder or Tourette.",
    ),
    Vignette(
        "appointment",
        calm(age_years=40, pain=True, duration_days=4),
        "Twitching with facial pain (consider trigeminal or dental cause).",
    ),
    Vignette(
        "appointment",
        calm(age_years=47, numbness=True, duration_days=3),
        "Facial numbness without weakness: near-miss for emergency, needs a doctor in days.",
    ),
    Vignette(
        "appointment",
        calm(age_years=50, vision_change="gradual"),
        "Gradual visual change: near-miss for emergency (not sudden).",
    ),
    Vignette(
        "appointment",
        calm(age_years=58, hearing_change=True, side="right"),
        "One-sided hearing change with facial twitching: cerebellopontine angle lesion to exclude.",
    ),
    Vignette(
        "appointment",
        calm(age_years=39, interferes_with_daily_life=True, duration_days=8),
        "Twitching that interferes with daily life: treatment options exist.",
    ),
    Vignette(
        "appointment",
        calm(age_years=62, eyes_forced_shut=True, side="both", areas=["eyelid"]),
        "Forced eyelid closure on both sides: blepharospasm.",
    ),
    Vignette(
        "appointment",
        calm(age_years=57, during_sleep=True, side="left"),
        "Twitching that persists in sleep: hemifacial spasm rather than a tic.",
    ),
    Vignette(
        "appointment",
        calm(age_years=66, medications=["amlodipine"], new_medication_recently=True),
        "New blood-pressure tablet, then twitching: prescriber review within days, no stopping.",
    ),
    Vignette(
        "appointment",
        calm(age_years=71, conditions=["parkinsons"], duration_days=6),
        "New facial twitching with Parkinson's disease: tell the specialist team.",
    ),
    Vignette(
        "appointment",
        calm(age_years=37, conditions=["multiple_sclerosis"]),
        "New facial twitching (myokymia) with MS: possible relapse, contact the MS team.",
    ),
    Vignette(
        "appointment",
        calm(age_years=24, restricted_diet=True, sleep_hours=6),
        "Very restricted diet: electrolyte and vitamin deficiency, blood tests.",
    ),
    Vignette(
        "appointment",
        calm(age_years=45, tingling_mouth_or_fingers=True),
        "Tingling alone: check calcium, not urgent without cramps or risk factors.",
    ),
    Vignette(
        "appointment",
        calm(age_years=19, conditions=["eating_disorder"]),
        "Eating disorder with twitching: electrolytes (potassium, magnesium).",
    ),
    Vignette(
        "appointment",
        calm(age_years=35, fever=True),
        "Twitching with fever but no confusion: near-miss for emergency; doctor within days.",
    ),
    Vignette(
        "appointment",
        calm(age_years=42, areas=["nose", "arm_or_leg"]),
        "Twitching in face and limbs: widespread fasciculation deserves an examination.",
    ),
    Vignette(
        "appointment",
        calm(age_years=50, conditions=["alcohol_dependence"], alcohol_drinks_per_week=60),
        "Alcohol dependence: magnesium deficiency and withdrawal; medical help, not sudden stopping.",
    ),
    Vignette("appointment", calm(age_years=30, duration_days=15), "Just over 2 weeks."),
    Vignette(
        "appointment",
        calm(age_years=26, medications=["Ventolin"], new_medication_recently=True),
        "New inhaler: prescriber review, but not an acute dystonia drug so not urgent.",
    ),
    # ---------------- self-care (many of them near-misses) ----------------
    Vignette(
        "self_care",
        calm(
            age_years=21,
            duration_days=3,
            stress_level=8,
            caffeine_drinks_per_day=5,
            sleep_hours=5,
            trend="same",
            areas=["nose"],
        ),
        "Exam-season student: stress, caffeine, short sleep. Classic benign twitch.",
    ),
    Vignette(
        "self_care",
        calm(age_years=30, duration_days=2, allergy_symptoms=True, areas=["nose"]),
        "Hay fever with nasal twitching.",
    ),
    Vignette(
        "self_care",
        calm(
            age_years=16,
            conditions=["tourette"],
            other_tics=["sniffing", "blinking"],
            trend="same",
            urge_before=True,
            can_hold_back=True,
        ),
        "Near-miss: known Tourette, stable tics. Other tics do not need a new appointment.",
    ),
    Vignette("self_care", calm(age_years=33, duration_days=14), "Near-miss: exactly 2 weeks, not more."),
    Vignette(
        "self_care",
        calm(age_years=29, duration_days=10, trend="better"),
        "Getting better after 10 days.",
    ),
    Vignette(
        "self_care",
        calm(age_years=40, medications=["Ventolin", "Seretide"], new_medication_recently=False),
        "Long-standing asthma inhalers: mention to prescriber, no escalation.",
    ),
    Vignette(
        "self_care",
        calm(age_years=38, muscle_cramps=True, duration_days=4),
        "Near-miss: night leg cramps alone without tingling or risk factors.",
    ),
    Vignette("self_care", calm(age_years=45), "Every red flag answered no, nothing else known."),
    Vignette(
        "self_care",
        calm(age_years=63, medications=["Lipitor"], new_medication_recently=False, duration_days=2),
        "Long-term statin, 2-day twitch.",
    ),
    Vignette(
        "self_care",
        calm(age_years=31, recent_fluid_loss=True, water_litres_per_day=0.8),
        "Dehydrated after gastroenteritis: rehydrate with electrolytes.",
    ),
    Vignette(
        "self_care",
        calm(age_years=44, alcohol_drinks_per_week=20),
        "Drinking above guidance without dependence: cut down.",
    ),
    Vignette(
        "self_care",
        {},
        "Nothing known: self-care by default, with every unanswered red flag listed.",
    ),
    Vignette(
        "self_care",
        calm(
            age_years=9,
            urge_before=True,
            can_hold_back=True,
            duration_days=7,
            areas=["nose"],
            other_tics=[],
        ),
        "A child with a simple transient nose tic: usually fades; watch and wait.",
    ),
    Vignette(
        "self_care",
        calm(age_years=40, sex="male"),
        "Male, nothing worrying: pregnancy questions do not apply.",
    ),
    Vignette(
        "self_care",
        calm(age_years=29, sex="female", pregnant=True, sleep_hours=5, vision_change="none"),
        "Near-miss: pregnant and tired, no visual symptoms.",
    ),
    Vignette(
        "self_care",
        calm(age_years=35, side="left", areas=["nose"], duration_days=2),
        "One-sided nose twitch for 2 days without spread.",
    ),
    Vignette(
        "self_care",
        calm(age_years=27, areas=["eyelid", "nose"], side="both", eyes_forced_shut=False),
        "Near-miss: eyelid flicker without forced closure is benign myokymia.",
    ),
    Vignette(
        "self_care",
        calm(age_years=33, stress_level=9, conditions=["anxiety"]),
        "Anxiety with twitching.",
    ),
    Vignette(
        "self_care",
        calm(age_years=52, conditions=["diabetes"], duration_days=3),
        "Diabetes alone is no reason to escalate a 3-day twitch.",
    ),
    Vignette(
        "self_care",
        calm(age_years=26, caffeine_drinks_per_day=8, duration_days=6),
        "Eight energy drinks a day.",
    ),
    Vignette(
        "self_care",
        calm(age_years=48, medications=["Sudafed"], duration_days=3, allergy_symptoms=True),
        "A decongestant for a cold: pharmacist advice, no escalation.",
    ),
    Vignette(
        "self_care",
        calm(age_years=70, conditions=["thyroid_disease"], duration_days=5),
        "Treated thyroid disease, no surgery, no tingling: self-care.",
    ),
]
