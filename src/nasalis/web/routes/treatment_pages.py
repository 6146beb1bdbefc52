"""/treatments: the treatments a person had (injections, procedures), their cycles and the add form.

The Today page's "I had an injection" form and the Diary's Delete buttons post here too; each
write offers Undo in the message after it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from nasalis.diary.treatment_records import KINDS, MAX_SITES, PRODUCT_MAX, UNITS_MAX
from nasalis.diary.treatments import add_treatment, build_treatment, delete_treatment
from nasalis.diary.treatments import list_treatments as stored_treatments
from nasalis.diary.vocab import AREAS, SIDES
from nasalis.insights.cycles_report import load_cycles
from nasalis.knowledge import load_knowledge
from nasalis.web.clock import local_now
from nasalis.web.cycle_chart import cycle_plot, drawn, style_of
from nasalis.web.deps import FormDep, StoreDep, Viewer, ViewerDep, WriterDep
from nasalis.web.form_submit import submit_form, write_with_undo
from nasalis.web.schemas import RowId
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)

FIELDS = ("date", "kind", "product", "units", "sites", "side", "note")
BACK = {"/", "/diary", "/treatments"}
"""The pages a treatment form may send the person back to (any other value: /treatments)."""
KIND_WORDS = {"botulinum_toxin": "Botulinum toxin injection", "procedure": "Procedure", "other": "Other"}


def _typed(form: Any) -> dict[str, str]:
    values = {name: form.get(name) for name in FIELDS}
    typed = {k: v.strip() if k != "note" else v for k, v in values.items() if isinstance(v, str)}
    chosen = [a for a in form.getlist("site") if isinstance(a, str)]
    own = typed.pop("sites", "")
    typed["sites"] = ";".join([*chosen, *(s.strip() for s in own.split(",") if s.strip())])
    return typed


def _back(form: Any) -> str:
    back = form.get("back")
    return back if isinstance(back, str) and back in BACK else "/treatments"


def treatments_page(
    request: Request,
    store: StoreDep,
    viewer: Viewer,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    """The Treatments page, with a form's errors beside their fields when there are some."""
    today = local_now(request).date()
    with store.read() as session:
        listed = stored_treatments(session, viewer.person_id)
        report = load_cycles(session, viewer.person_id, today=today).to_json()
    cycles: list[dict[str, Any]] = report["cycles"]
    legend = [(n, c, *style_of(i)) for i, (n, c) in enumerate(drawn(cycles))]
    botox = load_knowledge().entry("botulinum_toxin")
    context = {
        "treatments": list(reversed(listed)),
        "cycles": cycles,
        "plot": cycle_plot(cycles),
        "legend": legend,
        "comparison": report.get("comparison"),
        "note": report.get("note"),
        "botox": botox,
        "kb": load_knowledge(),
        "kinds": [(k, KIND_WORDS[k]) for k in KINDS],
        "kind_words": KIND_WORDS,
        "areas": AREAS,
        "sides": SIDES,
        "limits": {"product": PRODUCT_MAX, "units": UNITS_MAX, "sites": MAX_SITES},
        "today": today.isoformat(),
        "typed": typed or {},
        "errors": errors or {},
    }
    return page(request, "treatments.html", context, 422 if errors else 200)


@router.get("/treatments", response_class=HTMLResponse)
def treatments(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """The treatments, their cycles plotted and in words, and the add form."""
    return treatments_page(request, store, viewer)


@router.post("/treatments", response_class=HTMLResponse)
def add_treatment_form(request: Request, store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Record a treatment from the Treatments or the Today page (undo takes it away again)."""
    typed = _typed(form)
    return submit_form(
        store,
        viewer,
        lambda: build_treatment({k: v for k, v in typed.items() if v}, text=True, now=local_now(request)),
        lambda session, rec: add_treatment(session, viewer.person_id, rec),
        lambda errors: treatments_page(request, store, viewer, errors, typed),
        _back(form),
    )


@router.post("/treatments/{treatment_id}/delete")
def delete_treatment_form(treatment_id: RowId, store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Delete a treatment (undo brings it back)."""
    return write_with_undo(
        store,
        viewer,
        lambda session: delete_treatment(session, viewer.person_id, treatment_id),
        _back(form),
        "deleted",
    )
