"""The HTTP service's composition root: settings, the Stepdown service, routers, errors, metrics."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.auth import TokenStore
from api.conventions.idempotency_header import declare_idempotency_key
from api.conventions.operation_ids import operation_id
from api.errors import install_error_handlers
from api.feeds import page as feed_page
from api.feeds import routes as feeds
from api.feeds.store import FeedStore
from api.fhir import routes as fhir
from api.guards.authenticate_first import AuthenticateFirst
from api.guards.body_limit import BodyLimit
from api.guards.csrf import csrf_token
from api.guards.idempotency import IdempotentRetries, form_key
from api.guards.idempotency_store import IdempotencyStore
from api.guards.security_headers import SecurityHeaders
from api.jobs import open_jobs
from api.metrics import Metrics, RequestMetrics
from api.ops.log_setup import configure_logging
from api.ops.request_context import RequestLog
from api.planning import forecast_routes as forecast
from api.planning import routes as planning
from api.privacy import erasure_routes as erasure
from api.privacy import routes as privacy
from api.routes import attendance, calendars, patients, programs, rosters, service
from api.service_access import ServiceAccess, Wiring
from api.settings import Settings
from api.staff import routes as staff
from api.web import actions, generating, pages
from api.web.forecast import actions as forecast_actions
from api.web.forecast import pages as forecast_pages
from api.web.notices import NoticeStore
from api.web.printouts import pages as printout_pages
from api.web.publishing import pages as publishing_pages
from api.web.search import pages as search_pages
from api.web.session import SignInRequiredError
from api.web.staff import pages as staff_pages
from api.web.waitlist import actions as waitlist_actions
from api.web.waitlist import pages as waitlist_pages
from api.web.worklist import actions as worklist_actions
from api.web.worklist import pages as worklist_pages
from events.persistence import Database, database_from_url
from scheduler.privacy.disclosure_log import DisclosureLog
from scheduler.service import Stepdown, open_stepdown

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, stepdown: Stepdown | None = None) -> FastAPI:
    """Build the app; tests pass their own settings and service (fixed clock, test database).

    The store is opened here when it answers; when it does not (a database down, a read-only
    file), the server starts anyway, answers 503 saying what is wrong, and opens it later.
    """
    settings = settings or Settings()
    owns_service = stepdown is None
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        metrics.process_exited()
        wiring = access.ready
        if wiring is not None:
            wiring.jobs.shutdown()
            if owns_service:
                wiring.stepdown.close()

    app = FastAPI(
        title="Stepdown",
        summary="Scheduling for Intensive Outpatient Programs",
        description="Every route but `/health` needs `Authorization: Bearer <token>` "
        "(`stepdown token create`). Roles: viewer (read), clinician (+ attendance, progress), "
        "coordinator (everything). A token acts only on the programs it names (403 otherwise), "
        "unless it was created for all programs. Reads of a patient's record and exports are "
        "recorded in the disclosure log with `purpose` (default treatment) and, for an "
        "outside `recipient`, the consent that permits it. A POST may carry an `Idempotency-Key`: a retry with "
        "the same key and body is answered with the first answer and applied once.",
        version="1",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    declare_idempotency_key(app)

    def open_wiring() -> Wiring:
        service = stepdown or open_stepdown(database_from_settings(settings))
        try:
            service.read_your_writes_timeout_s = settings.read_your_writes_timeout_s
            tokens = TokenStore(service)
            idempotency = IdempotencyStore(
                service.views, ttl=timedelta(hours=settings.idempotency_ttl_hours)
            )
            feeds_store, disclosures = FeedStore(service), DisclosureLog(service.views)
            notices = NoticeStore(service)
            # Last: it starts threads (picking up jobs left behind) once everything else is open.
            wiring = Wiring(service, tokens, open_jobs(service, settings, metrics), idempotency)
        except BaseException:
            if owns_service:
                service.close()
            raise
        # Routes and dependencies find the open service on the app's state.
        app.state.stepdown = wiring.stepdown
        app.state.tokens = wiring.tokens
        app.state.jobs = wiring.jobs
        app.state.idempotency = wiring.idempotency
        app.state.feeds = feeds_store
        app.state.disclosures = disclosures
        app.state.notices = notices
        metrics.follow(wiring.stepdown)
        return wiring

    access = ServiceAccess(open_wiring)

    app.state.settings = settings
    app.state.service = access
    app.state.metrics = metrics
    app.state.templates = Jinja2Templates(directory=TEMPLATES)
    app.state.templates.env.globals["csrf_token"] = csrf_token
    app.state.templates.env.globals["form_key"] = form_key
    install_error_handlers(app)
    # Outermost last: forwarded headers, then headers on every answer (refusals included), then
    # metrics, the body limit, the store and credentials, and retried requests, before any route.
    app.add_middleware(IdempotentRetries)
    app.add_middleware(AuthenticateFirst)
    app.add_middleware(BodyLimit, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(RequestMetrics, metrics=metrics)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog, access=settings.access_log)
    if settings.trusted_proxies.strip():
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        service,
        programs,
        patients,
        planning,
        staff,
        privacy,
        erasure,
        attendance,
        rosters,
        forecast,
        calendars,
        fhir,
        pages,
        actions,
        generating,
    ):
        app.include_router(module.router)
    app.include_router(feeds.router)
    app.include_router(feeds.public_router)
    app.include_router(feed_page.router)
    app.include_router(waitlist_pages.router)
    app.include_router(waitlist_actions.router)
    app.include_router(forecast_pages.router)
    app.include_router(forecast_actions.router)
    app.include_router(staff_pages.router)
    app.include_router(search_pages.router)
    app.include_router(worklist_pages.router)
    app.include_router(worklist_actions.router)
    app.include_router(publishing_pages.router)
    app.include_router(printout_pages.router)
    access.try_open()

    @app.exception_handler(SignInRequiredError)
    async def sign_in_first(request: Request, error: SignInRequiredError) -> RedirectResponse:
        return RedirectResponse("/ui/sign-in", status_code=303)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui", status_code=307)

    logging.getLogger("stepdown").setLevel(logging.INFO)
    configure_logging()
    return app


def database_from_settings(settings: Settings) -> Database:
    key = None if settings.cipher_key is None else settings.cipher_key.get_secret_value()
    return database_from_url(settings.database_url, cipher_key=key)
