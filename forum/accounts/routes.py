"""Account pages: log in, register, log out, profile and password."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from forum import core_queries
from forum.accounts import actions, throttle
from forum.errors import ActionError, RateLimited
from forum.home import loaded_sections
from forum.http import client_ip, is_local_path, no_store, read_form, viewer_of
from forum.policy import can_use_account, ensure
from forum.security.middleware import CSRF_SESSION_KEY
from forum.settings import get_settings
from forum.templating import render


def _safe_next(value: object) -> str:
    """Only local paths are allowed as a post-login destination (no open redirect)."""
    if is_local_path(value) and isinstance(value, str) and len(value) <= 500:
        return value
    return "/"


async def login_page(request: Request) -> Response:
    if viewer_of(request).is_authenticated:
        return RedirectResponse("/", status_code=303)
    return render(
        request, "forum/login.html", {"next": _safe_next(request.query_params.get("next"))}
    )


async def login(request: Request) -> Response:
    form = await read_form(request)
    username = str(form.get("username", ""))[:64]
    next_url = _safe_next(form.get("next"))
    try:
        result = await actions.authenticate(
            username,
            str(form.get("password", "")),
            client_ip(request),
            request.cookies.get(throttle.DEVICE_COOKIE),
        )
    except (ActionError, RateLimited) as exc:
        # The wait is shown on the form itself, with the username kept.
        context = {"error": exc.message, "username": username, "next": next_url}
        response = render(request, "forum/login.html", context, status_code=exc.status_code)
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    session = await actions.start_session(
        result.user, ip=client_ip(request), user_agent=request.headers.get("user-agent", "")
    )
    request.session.clear()  # a fresh cookie (and CSRF token) at every login
    request.session["sid"] = session.id
    redirect = RedirectResponse(next_url, status_code=303)
    redirect.set_cookie(
        throttle.DEVICE_COOKIE,
        result.device_cookie,
        max_age=throttle.DEVICE_DAYS * 24 * 3600,
        path=throttle.DEVICE_COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
    )
    return redirect


async def logout(request: Request) -> Response:
    await actions.end_session(viewer_of(request))
    request.session.clear()
    return RedirectResponse("/", status_code=303)


async def register_page(request: Request) -> Response:
    return render(request, "forum/register.html", {"values": {}})


async def register(request: Request) -> Response:
    form = await read_form(request)
    values = {k: str(form.get(k, ""))[:64] for k in ("username", "display_name")}
    try:
        user = await actions.register_user(
            values["username"],
            values["display_name"],
            str(form.get("password", "")),
            str(form.get("password_confirm", "")),
        )
    except ActionError as exc:
        context = {"error": exc.message, "field": exc.field, "values": values}
        return render(request, "forum/register.html", context, status_code=400)
    session = await actions.start_session(
        user, ip=client_ip(request), user_agent=request.headers.get("user-agent", "")
    )
    request.session.clear()
    request.session["sid"] = session.id
    return RedirectResponse("/me?welcome=1", status_code=303)


async def profile(request: Request) -> Response:
    viewer = viewer_of(request)
    if not viewer.is_authenticated:
        return RedirectResponse("/login?next=/me", status_code=303)
    context = await core_queries.profile_context(viewer)
    context["welcome"] = request.query_params.get("welcome") == "1"
    context["saved"] = request.query_params.get("saved") == "1"
    context["sections"] = await loaded_sections("me", viewer)
    return no_store(render(request, "forum/profile.html", context))


async def update_profile(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_use_account(viewer))
    form = await read_form(request)
    await actions.update_profile(viewer, str(form.get("display_name", "")))
    return RedirectResponse("/me?saved=1", status_code=303)


async def password_page(request: Request) -> Response:
    if not viewer_of(request).is_authenticated:
        return RedirectResponse("/login?next=/me/password", status_code=303)
    return render(request, "forum/password.html", {"done": request.query_params.get("done") == "1"})


async def change_password(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_use_account(viewer))
    form = await read_form(request)
    try:
        await actions.change_password(
            viewer,
            str(form.get("current_password", "")),
            str(form.get("password", "")),
            str(form.get("password_confirm", "")),
        )
    except ActionError as exc:
        return render(
            request, "forum/password.html", {"error": exc.message, "done": False}, status_code=400
        )
    request.session[CSRF_SESSION_KEY] = ""  # rotate the token along with the password
    return RedirectResponse("/me/password?done=1", status_code=303)


routes: list[BaseRoute] = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/register", register_page, methods=["GET"]),
    Route("/register", register, methods=["POST"]),
    Route("/me", profile, methods=["GET"]),
    Route("/me", update_profile, methods=["POST"]),
    Route("/me/password", password_page, methods=["GET"]),
    Route("/me/password", change_password, methods=["POST"]),
]
