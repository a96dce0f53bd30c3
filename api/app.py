"""The HTTP service's composition root: settings, the Stepdown service, routers, errors, metrics."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates

from api.auth import TokenStore
from api.errors import install_error_handlers
from api.feeds import page as feed_page
from api.feeds import routes as feeds
from api.feeds.logs import redact_feed_secrets
from api.feeds.store import FeedStore
from api.jobs import Jobs
from api.metrics import Metrics, RequestMetrics
from api.privacy import erasure_routes as erasure
from api.privacy import routes as privacy
from api.routes import attendance, calendars, patients, programs, rosters, service
from api.settings import Settings
from api.web import actions, pages
from api.web.notices import NoticeStore
from api.web.session import SignInRequiredError
from events.persistence import database_from_url
from scheduler.privacy.disclosure_log import DisclosureLog
from scheduler.service import Stepdown, open_stepdown

TEMPLATES = Path(__file__).parent / "templates"


def create_app(settings: Settings | None = None, stepdown: Stepdown | None = None) -> FastAPI:
    """Build the app; tests pass their own settings and service (fixed clock, test database)."""
    settings = settings or Settings()
    owns_service = stepdown is None
    key = None if settings.cipher_key is None else settings.cipher_key.get_secret_value()
    stepdown = stepdown or open_stepdown(database_from_url(settings.database_url, cipher_key=key))
    stepdown.read_your_writes_timeout_s = settings.read_your_writes_timeout_s
    jobs = Jobs(stepdown, threads=settings.solver_threads)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()
        if owns_service:
            stepdown.close()

    app = FastAPI(
        title="Stepdown",
        summary="Scheduling for Intensive Outpatient Programs",
        description="Every route but `/health` needs `Authorization: Bearer <token>` "
        "(`stepdown token create`). Roles: viewer (read), clinician (+ attendance, progress), "
        "coordinator (everything). A token acts only on the programs it names (403 otherwise), "
        "unless it was created for all programs. Reads of a patient's record and exports are "
        "recorded in the disclosure log with `purpose` (default treatment) and, for an "
        "outside `recipient`, the consent that permits it.",
        version="1",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.stepdown = stepdown
    app.state.tokens = TokenStore(stepdown)
    app.state.notices = NoticeStore(stepdown)
    app.state.feeds = FeedStore(stepdown)
    app.state.disclosures = DisclosureLog(stepdown.views)
    app.state.jobs = jobs
    app.state.metrics = Metrics(stepdown)
    app.state.templates = Jinja2Templates(directory=TEMPLATES)
    install_error_handlers(app)
    app.add_middleware(RequestMetrics, metrics=app.state.metrics)
    for module in (
        service,
        programs,
        patients,
        privacy,
        erasure,
        attendance,
        rosters,
        calendars,
        pages,
        actions,
    ):
        app.include_router(module.router)
    app.include_router(feeds.router)
    app.include_router(feeds.public_router)
    app.include_router(feed_page.router)

    @app.exception_handler(SignInRequiredError)
    async def sign_in_first(request: Request, error: SignInRequiredError) -> RedirectResponse:
        return RedirectResponse("/ui/sign-in", status_code=303)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui", status_code=307)

    logging.getLogger("stepdown").setLevel(logging.INFO)
    redact_feed_secrets()
    return app
