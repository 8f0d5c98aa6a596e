"""Account pages: log in, register, log out, profile and password."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from forum import core_queries
from forum.accounts import actions, reset, throttle
from forum.answers import done, keep_in_place
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
        # The form again with the username kept (never the password); a wrong password is
        # said at the password field, a wait for the whole form.
        refusal: ActionError | RateLimited = exc
        if isinstance(exc, ActionError):
            refusal = ActionError(exc.message, field="password")
        keep_in_place(request, refusal, {"username": username})
        context = {"next": next_url}
        response = render(request, "forum/login.html", context, status_code=exc.status_code)
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    session = await actions.start_session(
        result.user, ip=client_ip(request), user_agent=request.headers.get("user-agent", "")
    )
    request.session.clear()  # a fresh cookie (and CSRF token) at every login
    request.session["sid"] = session.id
    redirect = done(request, next_url, f"欢迎回来，{result.user.display_name}！")
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
    return done(request, "/", "已退出登录。")


async def register_page(request: Request) -> Response:
    return render(request, "forum/register.html", {})


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
        # The form again, names kept (never passwords), the message at its field.
        keep_in_place(request, exc, values)
        return render(request, "forum/register.html", {}, status_code=400)
    session = await actions.start_session(
        user, ip=client_ip(request), user_agent=request.headers.get("user-agent", "")
    )
    request.session.clear()
    request.session["sid"] = session.id
    return done(request, "/me", f"注册成功，欢迎加入，{user.display_name}！")


async def profile(request: Request) -> Response:
    viewer = viewer_of(request)
    if not viewer.is_authenticated:
        return RedirectResponse("/login?next=/me", status_code=303)
    context = await core_queries.profile_context(viewer)
    context["sections"] = await loaded_sections("me", viewer)
    return no_store(render(request, "forum/profile.html", context))


async def update_profile(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_use_account(viewer))
    form = await read_form(request)
    # A refusal goes back to /me with the input kept and the message at the field.
    await actions.update_profile(viewer, str(form.get("display_name", "")))
    return done(request, "/me", "个人资料已保存。")


async def password_page(request: Request) -> Response:
    if not viewer_of(request).is_authenticated:
        return RedirectResponse("/login?next=/me/password", status_code=303)
    return render(request, "forum/password.html", {})


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
        keep_in_place(request, exc, {})  # the message at its field; passwords are never kept
        return render(request, "forum/password.html", {}, status_code=400)
    request.session[CSRF_SESSION_KEY] = ""  # rotate the token along with the password
    return done(request, "/me/password", "密码已修改，其他设备上的登录已退出。")


async def forgot_page(request: Request) -> Response:
    return render(request, "forum/password_forgot.html", {})


async def forgot(request: Request) -> Response:
    form = await read_form(request)
    who = str(form.get("who", ""))[:128]
    # A refusal (nothing typed) goes back with the input kept; otherwise the same answer
    # whether or not the account exists.
    answer = await reset.request_reset(who)
    return done(request, "/password/forgot", answer)


async def reset_page(request: Request) -> Response:
    token = str(request.path_params["token"])
    try:
        await reset.user_of_token(token)
    except ActionError as exc:
        return no_store(
            render(request, "forum/password_reset.html", {"broken": exc.message}, status_code=400)
        )
    return no_store(render(request, "forum/password_reset.html", {"broken": None}))


async def reset_password(request: Request) -> Response:
    token = str(request.path_params["token"])
    form = await read_form(request)
    try:
        await reset.reset_password(
            token,
            str(form.get("password", "")),
            str(form.get("password_confirm", "")),
            ip=client_ip(request),
        )
    except ActionError as exc:
        keep_in_place(request, exc, {})  # passwords are never kept
        return no_store(
            render(request, "forum/password_reset.html", {"broken": None}, status_code=400)
        )
    request.session.clear()
    return done(request, "/login", "密码已重置，请用新密码登录。其他设备上的登录已退出。")


routes: list[BaseRoute] = [
    Route("/password/forgot", forgot_page, methods=["GET"]),
    Route("/password/forgot", forgot, methods=["POST"]),
    Route("/password/reset/{token}", reset_page, methods=["GET"]),
    Route("/password/reset/{token}", reset_password, methods=["POST"]),
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
