"""/assess: the adaptive questionnaire, one question per page, no JavaScript needed.

The answers so far travel in a hidden field and are re-validated as an intake on every
step, so a tampered form gets a 422 and never an assessment of bad data.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse

from nasalis.assessment import IntakeError, assess, next_question, parse_intake
from nasalis.assessment.answers import UNKNOWN, choices_of, parse_answer
from nasalis.assessment.intake import field_spec
from nasalis.diary import assessments
from nasalis.knowledge import load_knowledge
from nasalis.knowledge.models import Question
from nasalis.web.deps import get_store, require_csrf, viewer_of
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])


def _question_page(
    request: Request, answers: dict[str, Any], asked: list[str], error: str = ""
) -> HTMLResponse:
    question = next_question(answers, asked)
    if question is None:
        result = assess(parse_intake(answers))
        if request.method == "POST":  # kept for the doctor's report (undo removes it)
            store = get_store(request)
            viewer = viewer_of(request)
            with store.write() as session:
                assessments.save(session, viewer.person_id, answers, result)
        return page(request, "assess_result.html", {"result": result, "answers": answers})
    context = {
        "question": question,
        "kind": field_spec(question.field).kind,
        "choices": choices_of(question),
        "answers_json": json.dumps(answers),
        "asked": ",".join(asked),
        "number": len(asked) + 1,
        "error": error,
    }
    return page(request, "assess_question.html", context)


@router.get("/assess", response_class=HTMLResponse)
def assess_start(request: Request) -> HTMLResponse:
    """The first question."""
    return _question_page(request, {}, [])


@router.post("/assess", response_class=HTMLResponse)
async def assess_step(
    request: Request,
    field: str = Form(...),
    answers: str = Form("{}"),
    asked: str = Form(""),
) -> HTMLResponse:
    """Record one answer and show the next question, or the result."""
    form = await request.form()
    try:
        known = json.loads(answers)
        parse_intake(known)
        question: Question = next(q for q in load_knowledge().questions if q.field == field)
    except (json.JSONDecodeError, IntakeError, StopIteration):
        raise HTTPException(422, "The form was changed and cannot be assessed; start again.") from None
    done = [f for f in asked.split(",") if f]
    raw = ",".join(str(v) for v in form.getlist("value"))
    if not raw and form.get("empty_means") == "none":  # a list of boxes, none ticked: "none apply"
        raw = "none"
    try:
        value = parse_answer(question, raw)
    except ValueError as exc:
        return _question_page(request, known, done, error=str(exc))
    if value is not UNKNOWN:
        known[field] = value
    return _question_page(request, known, [*done, field])
