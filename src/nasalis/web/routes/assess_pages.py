"""/assess: the adaptive questionnaire, one question per page, no JavaScript needed.

The interview under way (an interview Draft) is kept in a cookie of this browser, sent only to
/assess, so a reload, Back or a closed tab does not lose it, and the answers never appear in a
URL (URLs reach access logs). It is bound to the viewer's session and re-validated as an intake
on every step: a tampered or foreign draft is dropped, never assessed. Each answer is a POST
that redirects to GET /assess (post/redirect/get), so a reload asks the same question again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nasalis.assessment import assess, parse_intake
from nasalis.assessment.answers import DONT_KNOW, NONE, NoAnswerError, choices_of, parse_answer
from nasalis.assessment.intake import field_spec
from nasalis.assessment.interview import Draft
from nasalis.diary import assessments, entries, journal
from nasalis.knowledge import load_knowledge
from nasalis.knowledge.curated import Question
from nasalis.web.deps import FormDep, StoreDep, Viewer, ViewerDep, WriterDep, require_csrf
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])

DRAFT_COOKIE = "nasalis_assess"
DRAFT_HOURS = 12
"""How long an unfinished questionnaire is kept: answers from days ago may no longer be true."""
MAX_DRAFT_CHARS = 3800
"""Browsers keep a cookie of up to 4096 bytes, name and attributes included."""
MAX_TYPED = 1000
"""The longest typed answer the web form takes (a list of medicines)."""

RowIdQuery = Annotated[int, Query(ge=1, le=2**63 - 1)]

_NOTHING_CHOSEN = {
    "bool": "Choose Yes, No or Don't know.",
    "choice": "Choose one of the answers, or Don't know.",
    "multi": "Tick all that apply, or choose None of these or I don't know.",
    "text_list": "Type the names, or choose None or I don't know.",
    "int": "Type a number, or choose I don't know.",
    "number": "Type a number, or choose I don't know.",
}
"""What the web says when Next is pressed with nothing given (the terminal says it its own way)."""


def _owner(viewer: Viewer) -> str:
    """Ties a draft to this session: after signing out, or for another person, it is not read."""
    return hashlib.sha256(viewer.csrf.encode()).hexdigest()[:16]


def _encode(draft: Draft, viewer: Viewer) -> str:
    data = json.dumps({"owner": _owner(viewer), **draft.to_json()}, separators=(",", ":"))
    return base64.urlsafe_b64encode(zlib.compress(data.encode(), 9)).decode()


def _draft_of(request: Request, viewer: Viewer) -> Draft:
    """This browser's interview under way, or a new one if there is none (or it is not valid)."""
    raw = request.cookies.get(DRAFT_COOKIE, "")
    if not raw or len(raw) > MAX_DRAFT_CHARS:
        return Draft()
    try:
        # A bounded inflate: a small cookie must not become a huge string.
        text = zlib.decompressobj().decompress(base64.urlsafe_b64decode(raw), 100_000)
        data = json.loads(text)
        if not isinstance(data, dict) or data.pop("owner", None) != _owner(viewer):
            return Draft()
        return Draft.from_json(data)
    except (binascii.Error, zlib.error, ValueError):
        return Draft()


def _keep(response: Response, request: Request, draft: Draft, viewer: Viewer) -> Response:
    response.set_cookie(
        DRAFT_COOKIE,
        _encode(draft, viewer),
        max_age=DRAFT_HOURS * 3600,
        path="/assess",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def _forget(response: Response) -> Response:
    response.delete_cookie(DRAFT_COOKIE, path="/assess")
    return response


def _shown(question: Question, value: Any) -> tuple[list[str], str]:
    """An earlier answer as the form shows it: the options to tick, and the text to fill in."""
    kind = field_spec(question.field).kind
    if value is None:
        return [DONT_KNOW], ""
    if kind == "bool":
        return ["yes" if value else "no"], ""
    if kind == "choice":
        return [str(value)], ""
    if kind == "multi":
        return list(value) or [NONE], ""
    if kind == "text_list":
        return ([], ", ".join(value)) if value else ([NONE], "")
    return [], f"{value:g}"


def _question_page(
    request: Request,
    draft: Draft,
    question: Question,
    errors: dict[str, str] | None = None,
    given: tuple[list[str], str] | None = None,
) -> HTMLResponse:
    """The page for `question`: what was answered before (or just typed) filled in, errors beside it."""
    if given is None:
        before = draft.remembered.get(question.field, ...)
        given = _shown(question, before) if before is not ... else ([], "")
    context = {
        "question": question,
        "kind": field_spec(question.field).kind,
        "choices": choices_of(question),
        "number": len(draft.asked) + 1,
        "left": draft.left() - 1,
        "chosen": given[0],
        "typed": given[1],
        "max_typed": MAX_TYPED,
        "draft_hours": DRAFT_HOURS,
        "errors": errors or {},
    }
    return page(request, "assess_question.html", context, 422 if errors else 200)


def _to_question() -> RedirectResponse:
    return RedirectResponse("/assess", 303)


@router.get("/assess", response_class=HTMLResponse)
def assess_current(request: Request, viewer: ViewerDep) -> Response:
    """The question the interview is at (the first, for a new one)."""
    draft = _draft_of(request, viewer)
    question = draft.next()
    if question is None:  # a finished draft left behind: begin again
        draft = Draft()
        question = draft.next()
        assert question is not None  # the first question is always asked
        return _forget(_question_page(request, draft, question))
    return _question_page(request, draft, question)


def _given(form: Any) -> tuple[str, tuple[list[str], str]]:
    """The answer a form sent, as typed text for parse_answer, and as the form would show it again."""
    values = [v for v in form.getlist("value") if isinstance(v, str)]
    skip = form.get("skip")
    if skip in (DONT_KNOW, NONE):  # a "None" or "I don't know" button
        return str(skip), ([str(skip)], "")
    return ",".join(values), (values, values[0] if len(values) == 1 else "")


@router.post("/assess", response_class=HTMLResponse)
def assess_step(request: Request, store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Record one answer; then the next question, or the result once nothing more matters."""
    draft = _draft_of(request, viewer)
    field = form.get("field")
    current = draft.next()
    if isinstance(field, str) and field in draft.asked:
        draft.rewind_to(field)  # a page kept from before, answered again: the later answers depended on it
        current = draft.next()
    if current is None or field != current.field:
        return _to_question()  # a page from an interview that has moved on: show where it is now
    raw, given = _given(form)
    try:
        if len(raw) > MAX_TYPED:
            raise ValueError(f"please keep it under {MAX_TYPED} characters")
        draft.record(current.field, parse_answer(current, raw))
    except ValueError as exc:
        nothing = isinstance(exc, NoAnswerError)
        message = _NOTHING_CHOSEN[field_spec(current.field).kind] if nothing else str(exc)
        shown = _question_page(request, draft, current, {"value": message}, given)
        return _keep(shown, request, draft, viewer)  # a rewind to this question is kept too
    if draft.next() is None:
        return _finish(store, viewer, draft)
    encoded = _encode(draft, viewer)
    if len(encoded) > MAX_DRAFT_CHARS:  # only a very long typed list gets here
        draft.back()
        errors = {"value": "That is too long to keep; please shorten it."}
        return _question_page(request, draft, current, errors, given)
    return _keep(_to_question(), request, draft, viewer)


def _finish(store: StoreDep, viewer: Viewer, draft: Draft) -> Response:
    """Assess, keep the result for the doctor's report (undo removes it), and show it."""
    intake = parse_intake(draft.answers)
    result = assess(intake)
    with store.write() as session:
        row = assessments.save(
            session, viewer.person_id, intake.model_dump(mode="json", exclude_none=True), result
        )
        row_id = row.id
    return _forget(RedirectResponse(f"/assess/result?assessment={row_id}", 303))


@router.post("/assess/back")
def assess_back(request: Request, viewer: WriterDep) -> Response:
    """Go back to the question before, its answer kept."""
    draft = _draft_of(request, viewer)
    draft.back()
    return _keep(_to_question(), request, draft, viewer)


@router.post("/assess/restart")
def assess_restart(viewer: WriterDep) -> Response:
    """Forget the answers so far and start at the first question."""
    return _forget(_to_question())


def _not_listed(names: list[str], listed: list[str]) -> list[str]:
    """The names, once each, that are not already on the medicines list (any case)."""
    seen = {n.casefold() for n in listed}
    out: list[str] = []
    for name in names:
        if name.strip() and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name.strip())
    return out


def _offered(store: StoreDep, viewer: Viewer, assessment_id: int) -> tuple[dict[str, Any], Any, list[str]]:
    """An assessment's intake and stored result, and its medicines not yet on the list."""
    with store.read() as session:
        row = assessments.get(session, viewer.person_id, assessment_id)
        listed = [m.name for m in entries.medications_of(session, viewer.person_id) if m.stopped_on is None]
        intake, stored = dict(row.intake), row.result
    return intake, stored, _not_listed(list(intake.get("medications") or []), listed)


@router.get("/assess/result", response_class=HTMLResponse)
def assess_result(
    request: Request, store: StoreDep, viewer: ViewerDep, assessment: RowIdQuery
) -> HTMLResponse:
    """A kept assessment's result (the page a finished questionnaire lands on)."""
    intake, stored, offered = _offered(store, viewer, assessment)
    result = assess(parse_intake(intake))  # the same answers give the same result, byte for byte
    context = {
        "result": result,
        "answers": intake,
        "assessment_id": assessment,
        "offered_medicines": offered,
        "assessed_differently_now": json.loads(result.dumps()) != stored,
        "kb": load_knowledge(),  # the plain reassurance, what an appointment means, sources by title
    }
    return page(request, "assess_result.html", context)


@router.post("/assess/medicines")
def assess_medicines(store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Add the medicines typed in an assessment to the medicines list, as one change (one undo)."""
    raw = form.get("assessment")
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return RedirectResponse("/medicines", 303)
    _, _, offered = _offered(store, viewer, int(raw))
    if not offered:
        return RedirectResponse("/medicines", 303)
    with store.write() as session:
        entries.add_medications(session, viewer.person_id, offered)
        change = journal.latest_change_id(session, viewer.person_id)
    return RedirectResponse(f"/medicines?msg=saved&change={change}", 303)
