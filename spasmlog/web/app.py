"""The app factory: one Flask app per served diary, its pages, and how errors become pages.

Routes parse a form (spasmlog.web.forms), call the same use case as the CLI inside one write
(spasmlog.diary), and render a template that escapes everything (spasmlog.web.common).
"""

from __future__ import annotations

import json

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from spasmlog.core.errors import Conflict, DiaryBusy, InvalidInput, NotFound, SpasmlogError
from spasmlog.diary.access import explained, open_store
from spasmlog.web import security
from spasmlog.web.common import MAX_BODY, Context, Outcome, Settings, context, new_nonce, once, page
from spasmlog.web.forms import FormErrors
from spasmlog.web.logins import Logins

# "Add to Home Screen": a launcher, not an app of its own. `display: minimal-ui` (a browser
# window): iOS gives standalone home-screen apps a cookie jar that no login link can reach.
MANIFEST = {
    "name": "spasmlog",
    "short_name": "spasmlog",
    "description": "Your private muscle-spasm diary, served by your own computer.",
    "start_url": "/",
    "scope": "/",
    "display": "minimal-ui",
    "background_color": "#fbfbf8",
    "theme_color": "#1f6f5c",
    "icons": [
        {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png"},
        {"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml"},
    ],
}


def _error_page(error: SpasmlogError) -> Response:
    if isinstance(error, DiaryBusy):
        response = page("refused.html", 503, title="Busy, try again", message=str(error))
        response.headers["Retry-After"] = "5"
        return response
    status = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 400
    if not isinstance(error, InvalidInput | NotFound | Conflict):
        status = 500
    title = "Not found" if status == 404 else "Not done" if status < 500 else "Not saved"
    return page("refused.html", status, title=title, message=str(error))


def create_app(settings: Settings) -> Flask:
    """The app for one diary (created or upgraded here, as every command does)."""
    app = Flask("spasmlog.web", static_folder="static", template_folder="templates")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.config["MAX_FORM_MEMORY_SIZE"] = MAX_BODY
    app.json.sort_keys = False  # type: ignore[attr-defined]
    logins = Logins(settings.diary)
    logins.secret()  # made now, beside the diary, 0600
    store = open_store(settings.diary, busy_timeout_ms=settings.busy_timeout_ms)
    app.extensions["spasmlog"] = Context(settings, store, logins)
    rules = security.Rules(
        allowed_hosts=security.allowed_hosts(settings.bound, settings.allow_hosts),
        port=settings.port,
        read_only=settings.read_only,
    )
    security.install(app, rules, logins)

    from spasmlog.web import diary_pages, log_pages, report_pages

    for module in (log_pages, diary_pages, report_pages):
        app.register_blueprint(module.pages)

    @app.errorhandler(SpasmlogError)
    def spasmlog_error(error: SpasmlogError) -> Response:
        return _error_page(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        titles = {413: "Too large", 404: "Not found", 405: "Not allowed"}
        message = {
            413: "That form was far larger than any spasmlog form; nothing was written.",
            404: "There is no such page. Use the tabs above.",
        }.get(error.code or 500, error.description or "")
        return page(
            "refused.html",
            error.code or 500,
            title=titles.get(error.code or 500, error.name),
            message=message,
        )

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        meaning = explained(error, settings.diary)  # damaged, full, locked, read-only
        if meaning is not None:
            return _error_page(meaning)
        current_app.logger.exception("unexpected error")
        return page(
            "refused.html",
            500,
            title="Something went wrong",
            message=f"Unexpected {type(error).__name__}. Nothing was changed.",
        )

    app.jinja_env.filters["zip_pairs"] = lambda values: [(value, value) for value in values]

    @app.get("/manifest.webmanifest")
    def manifest() -> Response:
        return Response(json.dumps(MANIFEST, indent=1), mimetype="application/manifest+json")

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return app.send_static_file("favicon.png")

    @app.get("/done/<nonce>")
    def done(nonce: str) -> Response:
        outcome = context().outcomes.get(nonce)
        if outcome is None:
            return page(
                "refused.html",
                404,
                title="Saved earlier",
                message="This page is gone (the server restarted); your entry is in the diary.",
            )
        return page("done.html", title="Saved", outcome=outcome, nonce=new_nonce())

    @app.post("/undo")
    def undo() -> Response:
        from spasmlog.core import clock
        from spasmlog.diary import undo as undoing
        from spasmlog.web.forms import nonce as form_nonce

        nonce = form_nonce(request.form)
        text = (request.form.get("change") or "").strip()
        if not text.isdigit() or len(text) > 18:
            raise InvalidInput("change", text, "Undo needs the number of a change.")

        def action() -> Outcome:
            with context().writing() as session:
                summary = undoing.undo_change(session, int(text), clock.now())
            return Outcome(f"Undid: {summary}.", back="/diary", back_label="Diary")

        return once(nonce, action)

    @app.errorhandler(FormErrors)
    def form_errors(error: FormErrors) -> Response:
        return page("refused.html", 400, title="Not saved", message=str(error))

    return app
