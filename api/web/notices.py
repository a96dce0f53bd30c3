"""Page notices kept on the server: what a form did, shown once on the page it returns to.

A notice names patients and what happened to them, so it never travels in a URL (access logs,
browser history, referrers). The redirect carries an opaque random id; the text waits in the
database (sealed like read-model names), bound to the person who posted the form, and is
deleted when shown or after a few minutes. An id nobody was given shows nothing, and nobody
can put their own words into one.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse

from api.auth import Principal
from scheduler.service import Stepdown

NOTICE_TABLE = (
    "CREATE TABLE IF NOT EXISTS web_notices ("
    "notice_hash TEXT PRIMARY KEY, subject TEXT NOT NULL, kind TEXT NOT NULL, "
    "text TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)"
)
# Long enough to follow the redirect on a slow connection, short enough to keep nothing.
NOTICE_LIFETIME_S = 300.0

NoticeKind = Literal["ok", "error"]


@dataclass(frozen=True)
class Notice:
    text: str
    kind: NoticeKind = "ok"
    # A notice longer than a line (lists, an Undo button) is a template of web/notices/ filled
    # with `context`; `text` is then its one-line summary.
    template: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)


def _digest(notice_id: str) -> str:
    return hashlib.sha256(notice_id.encode()).hexdigest()


class NoticeStore:
    def __init__(self, stepdown: Stepdown) -> None:
        self._views = stepdown.views
        with self._views.transaction() as cursor:
            cursor.execute(NOTICE_TABLE)

    def put(self, subject: str, notice: Notice) -> str:
        """Keep `notice` for `subject`; returns the opaque id the redirect may carry."""
        notice_id = secrets.token_urlsafe(16)  # 128 random bits
        now = time.time()
        with self._views.transaction() as cursor:
            cursor.execute("DELETE FROM web_notices WHERE expires_at < ?", (now,))
            kind: str = notice.kind
            text = notice.text
            if notice.template is not None:
                kind = f"{notice.kind}:{notice.template}"
                text = json.dumps({"text": notice.text, "context": dict(notice.context)})
            cursor.execute(
                "INSERT INTO web_notices VALUES (?, ?, ?, ?, ?)",
                (_digest(notice_id), subject, kind, cursor.seal(text), now + NOTICE_LIFETIME_S),
            )
        return notice_id

    def take(self, notice_id: str, subject: str) -> Notice | None:
        """The notice kept under `notice_id` for `subject`, once; None for any other id."""
        if len(notice_id) > 64:
            return None
        with self._views.transaction() as cursor:
            rows = cursor.query(
                "SELECT kind, text FROM web_notices "
                "WHERE notice_hash = ? AND subject = ? AND expires_at >= ?",
                (_digest(notice_id), subject, time.time()),
            )
            cursor.execute(
                "DELETE FROM web_notices WHERE notice_hash = ? AND subject = ?",
                (_digest(notice_id), subject),
            )
        if not rows:
            return None
        stored_kind, _, template = str(rows[0]["kind"]).partition(":")
        kind: NoticeKind = "error" if stored_kind == "error" else "ok"
        text = cursor.unseal(rows[0]["text"])
        if not template:
            return Notice(text, kind)
        document = json.loads(text)
        return Notice(document["text"], kind, template, document["context"])


async def get_notices(request: Request) -> NoticeStore:
    notices: NoticeStore = request.app.state.notices
    return notices


NoticesDep = Annotated[NoticeStore, Depends(get_notices)]


def back(
    notices: NoticeStore,
    who: Principal,
    program_id: str,
    week: str,
    text: str | Notice,
    kind: NoticeKind = "ok",
    *,
    query: str = "",
    anchor: str = "",
) -> RedirectResponse:
    """To the week, with the notice kept on the server: the URL carries only its opaque id
    (besides the page's own filters, `query`, and the place on the page, `anchor`)."""
    page = f"/ui/programs/{program_id}/weeks/{week}"
    return back_to(notices, who, page, text, kind, query=query, anchor=anchor)


def back_to(
    notices: NoticeStore,
    who: Principal,
    page: str,
    text: str | Notice,
    kind: NoticeKind = "ok",
    *,
    query: str = "",
    anchor: str = "",
) -> RedirectResponse:
    """To `page` (a path of this site) with `query` ("?day=…" or ""), and the notice kept on
    the server; `anchor` names the place on the page to return to."""
    notice = text if isinstance(text, Notice) else Notice(text, kind)
    notice_id = notices.put(who.subject, notice)
    joined = f"{query}&" if query else "?"
    fragment = f"#{anchor}" if anchor else ""
    return RedirectResponse(f"{page}{joined}notice={notice_id}{fragment}", status_code=303)
