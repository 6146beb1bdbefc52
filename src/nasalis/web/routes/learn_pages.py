"""/learn: the knowledge base, searchable, with sources shown by title."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from nasalis.knowledge import load_knowledge, search
from nasalis.knowledge.loader import ENTRY_FILES, KIND_TITLES
from nasalis.knowledge.search import is_worried
from nasalis.web.deps import current_viewer
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(current_viewer)])


@router.get("/learn", response_class=HTMLResponse)
def learn_index(request: Request, q: str = "") -> HTMLResponse:
    """All topics by kind, or the topics matching a search (a worried one answered first)."""
    kb = load_knowledge()
    context = {"q": q, "kb": kb, "kind_titles": KIND_TITLES}
    if q.strip():
        context |= {"results": search(q, kb), "worried": is_worried(q, kb)}
    else:
        context["groups"] = [(KIND_TITLES[k], kb.of_kind(k)) for k in ENTRY_FILES]
    return page(request, "learn.html", context)


@router.get("/learn/{entry_id}", response_class=HTMLResponse)
def learn_entry(request: Request, entry_id: str) -> HTMLResponse:
    """One topic, what helps, when to see a doctor, and its sources."""
    kb = load_knowledge()
    try:
        entry = kb.entry(entry_id)
    except KeyError:
        raise HTTPException(404, f"No topic called {entry_id!r}") from None
    context = {"entry": entry, "kind_title": KIND_TITLES[entry.kind], "kb": kb}
    return page(request, "learn_entry.html", context)
