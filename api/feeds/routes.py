"""Feed URLs: coordinators create, rotate and revoke them; a phone reads one with no header."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse

from api.dependencies import Coordinator, ServiceDep
from api.errors import ERROR_RESPONSES
from api.feeds.documents import read_feed
from api.feeds.schemas import FeedUrlPublic
from api.feeds.store import Feed, FeedKind, FeedStore, IssuedFeed
from api.routes.params import PatientId, ProgramId, SessionId, StaffId
from events.errors import NotFoundError
from scheduler.privacy.disclosures import Requester, disclose

ICAL = "text/calendar"
# A feed or its URL is for one person's device: no shared cache keeps it, and a link followed
# from a calendar app does not hand the secret URL on as a Referer.
PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


async def get_feeds(request: Request) -> FeedStore:
    feeds: FeedStore = request.app.state.feeds
    return feeds


FeedsDep = Annotated[FeedStore, Depends(get_feeds)]

router = APIRouter(prefix="/programs/{program_id}", tags=["feeds"], responses=ERROR_RESPONSES)
# The secret URL is a capability handed to a phone, not a route of the bearer-token API.
public_router = APIRouter(include_in_schema=False)


@public_router.get("/feeds/{secret}.ics", name="feed_by_secret")
def feed_by_secret(
    secret: str, request: Request, feeds: FeedsDep, stepdown: ServiceDep
) -> Response:
    """One feed, opened by its secret alone; any other string is an ordinary 404."""
    opened = feeds.open(secret)
    try:
        body = None if opened is None else read_feed(stepdown, opened)
    except NotFoundError:  # the patient, session or staff member has gone since the URL was made
        body = None
    if body is None or opened is None:
        # The same answer as a path that does not exist: a revoked secret is not confirmed.
        return JSONResponse({"detail": "Not Found"}, status_code=404, headers=PRIVATE_HEADERS)
    feed = opened.feed
    if feed.kind is FeedKind.PATIENT:
        # A patient's own calendar is a disclosure of their schedule, to the device the
        # coordinator gave the URL to: logged like any other read of the record.
        requester = Requester(f"calendar feed of {feed.feed_of}", "feed")
        disclose(
            stepdown,
            request.app.state.disclosures,
            requester,
            feed.program_id,
            [feed.feed_of],
            what="calendar-feed",
        )
    return Response(body, media_type=ICAL, headers=PRIVATE_HEADERS)


ISSUED: dict[int | str, dict[str, Any]] = {201: {"description": "The URL, shown this once"}}


@router.post("/patients/{patient_id}/feed", status_code=201, responses=ISSUED)
def create_patient_feed(
    request: Request,
    program_id: ProgramId,
    patient_id: PatientId,
    who: Coordinator,
    feeds: FeedsDep,
    response: Response,
) -> FeedUrlPublic:
    """A secret calendar URL for the patient's phone (409 when one is live: rotate it)."""
    issued = feeds.create(Feed(program_id, FeedKind.PATIENT, patient_id), actor=who.subject)
    return _shown_once(request, response, issued)


@router.post("/patients/{patient_id}/feed/rotate", status_code=201, responses=ISSUED)
def rotate_patient_feed(
    request: Request,
    program_id: ProgramId,
    patient_id: PatientId,
    who: Coordinator,
    feeds: FeedsDep,
    response: Response,
) -> FeedUrlPublic:
    """A new secret URL for the patient's calendar; the old URL answers 404 from now on."""
    issued = feeds.rotate(Feed(program_id, FeedKind.PATIENT, patient_id), actor=who.subject)
    return _shown_once(request, response, issued)


@router.delete("/patients/{patient_id}/feed", status_code=status.HTTP_204_NO_CONTENT)
def revoke_patient_feed(
    program_id: ProgramId, patient_id: PatientId, _: Coordinator, feeds: FeedsDep
) -> None:
    """End the patient's calendar URL (404 when it has none)."""
    feeds.revoke(Feed(program_id, FeedKind.PATIENT, patient_id))


@router.post("/sessions/{session_id}/feed", status_code=201, responses=ISSUED)
def create_session_feed(
    request: Request,
    program_id: ProgramId,
    session_id: SessionId,
    who: Coordinator,
    feeds: FeedsDep,
    response: Response,
) -> FeedUrlPublic:
    """A secret calendar URL of the dates a session meets, for its staff (409 when one is live)."""
    issued = feeds.create(Feed(program_id, FeedKind.SESSION, session_id), actor=who.subject)
    return _shown_once(request, response, issued)


@router.post("/sessions/{session_id}/feed/rotate", status_code=201, responses=ISSUED)
def rotate_session_feed(
    request: Request,
    program_id: ProgramId,
    session_id: SessionId,
    who: Coordinator,
    feeds: FeedsDep,
    response: Response,
) -> FeedUrlPublic:
    """A new secret URL for the session's calendar; the old URL answers 404 from now on."""
    issued = feeds.rotate(Feed(program_id, FeedKind.SESSION, session_id), actor=who.subject)
    return _shown_once(request, response, issued)


@router.delete("/sessions/{session_id}/feed", status_code=status.HTTP_204_NO_CONTENT)
def revoke_session_feed(
    program_id: ProgramId, session_id: SessionId, _: Coordinator, feeds: FeedsDep
) -> None:
    """End the session's calendar URL (404 when it has none)."""
    feeds.revoke(Feed(program_id, FeedKind.SESSION, session_id))


@router.post("/staff/{staff_id}/feed", status_code=201, responses=ISSUED)
def create_staff_feed(
    request: Request,
    program_id: ProgramId,
    staff_id: StaffId,
    who: Coordinator,
    feeds: FeedsDep,
    response: Response,
) -> FeedUrlPublic:
    """A secret calendar URL of the meetings a staff member leads (409 when one is live)."""
    issued = feeds.create(Feed(program_id, FeedKind.STAFF, staff_id), actor=who.subject)
    return _shown_once(request, response, issued)


@router.post("/staff/{staff_id}/feed/rotate", status_code=201, responses=ISSUED)
def rotate_staff_feed(
    request: Request,
    program_id: ProgramId,
    staff_id: StaffId,
    who: Coordinator,
    feeds: FeedsDep,
    response: Response,
) -> FeedUrlPublic:
    """A new secret URL for the staff member's calendar; the old URL answers 404 from now on."""
    issued = feeds.rotate(Feed(program_id, FeedKind.STAFF, staff_id), actor=who.subject)
    return _shown_once(request, response, issued)


@router.delete("/staff/{staff_id}/feed", status_code=status.HTTP_204_NO_CONTENT)
def revoke_staff_feed(
    program_id: ProgramId, staff_id: StaffId, _: Coordinator, feeds: FeedsDep
) -> None:
    """End the staff member's calendar URL (404 when it has none)."""
    feeds.revoke(Feed(program_id, FeedKind.STAFF, staff_id))


# Where the coordinator manages each kind of feed (rotate, revoke).
OWNERS = {FeedKind.PATIENT: "patients", FeedKind.SESSION: "sessions", FeedKind.STAFF: "staff"}


def _shown_once(request: Request, response: Response, issued: IssuedFeed) -> FeedUrlPublic:
    response.headers.update(PRIVATE_HEADERS)
    # The feed as the coordinator manages it (rotate, revoke): never the secret URL, which
    # is shown once, in the body.
    owner = OWNERS[issued.feed.kind]
    feed = issued.feed
    response.headers["Location"] = f"/programs/{feed.program_id}/{owner}/{feed.feed_of}/feed"
    url, webcal_url = feed_urls(request, issued.secret)
    return FeedUrlPublic(
        program_id=issued.feed.program_id,
        feed=issued.feed.kind,
        feed_of=issued.feed.feed_of,
        url=url,
        webcal_url=webcal_url,
        created_at=issued.created_at,
        replaced=issued.replaced,
    )


def feed_urls(request: Request, secret: str) -> tuple[str, str]:
    """The feed's https (or http) URL on this server, and the same with webcal:."""
    url = str(request.url_for("feed_by_secret", secret=secret))
    return url, "webcal:" + url.partition(":")[2]
