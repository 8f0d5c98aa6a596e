"""Settings: the only module that reads the environment.

Every key is documented in `.env.example`. Values are read once, into a frozen `Settings`
object; code asks `get_settings()` for it. Secrets that dev mode may generate (the session
secret and the ID-number encryption key) are resolved lazily by `secret_key()` and
`id_number_key()` so that importing this module never writes files.
"""

from __future__ import annotations

import base64
import functools
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ENV_PREFIX = "FORUM_"


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says which and why."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(ENV_PREFIX + name)
    return default if value is None or value == "" else value


def _int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{ENV_PREFIX}{name} must be an integer, got {raw!r}") from exc


def _bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{ENV_PREFIX}{name} must be a boolean, got {raw!r}")


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = (_env(name, default) or default).lower()
    if value not in allowed:
        raise ConfigError(f"{ENV_PREFIX}{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _csv(name: str, default: str) -> tuple[str, ...]:
    raw = _env(name, default) or ""
    return tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())


def _public_base_url(default: str) -> str:
    """FORUM_PUBLIC_BASE_URL (default: the first allowed origin): http(s)://host[:port] with
    no user, path, query or fragment; returned without a trailing slash."""
    raw = _env("PUBLIC_BASE_URL", default) or default
    name = f"{ENV_PREFIX}PUBLIC_BASE_URL"
    value = raw.rstrip("/")
    if any(ch.isspace() or ord(ch) < 0x20 or ch == "\\" for ch in value):
        raise ConfigError(f"{name} must not contain spaces, controls or backslashes: {raw!r}")
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"{name} has an invalid port: {raw!r}") from exc
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.username is not None
        or parts.path
        or parts.query
        or parts.fragment
        or "#" in value
        or "?" in value
    ):
        raise ConfigError(f"{name} must look like https://example.org[:port], got {raw!r}")
    netloc = parts.hostname if port is None else f"{parts.hostname}:{port}"
    if ":" in parts.hostname:  # an IPv6 literal keeps its brackets
        netloc = f"[{parts.hostname}]" + ("" if port is None else f":{port}")
    return f"{parts.scheme}://{netloc}"


@dataclass(frozen=True)
class Settings:
    env: str
    data_dir: Path
    database_url: str
    redis_url: str | None
    redis_prefix: str
    allowed_origins: tuple[str, ...]
    timezone: str
    max_body_bytes: int
    ws_max_frame_bytes: int
    ws_session_check_seconds: int
    login_max_failures: int
    login_window_seconds: int
    password_profile: str
    secure_cookies: bool
    session_max_age: int
    log_level: str
    flag_hide_threshold: int
    new_account_days: int
    new_account_min_posts: int
    post_cooldown_seconds: int
    new_account_post_cooldown_seconds: int
    ip_write_limit: int
    ip_write_window_seconds: int
    transfer_letter_days: int
    metrics_allowed_ips: tuple[str, ...]
    metrics_multiprocess: bool
    # Attachments on boards (files under data_dir/attachments, content-addressed).
    attachment_max_bytes: int = 8 * 1024 * 1024
    # New-member safety: accounts linked to a member record an org confirmed are trusted.
    trust_confirmed_members: bool = True
    attachment_max_files: int = 4
    attachment_hourly_limit: int = 30
    # Login throttling (forum/accounts/throttle.py): the first wait after the free failures
    # (doubling, up to the window) and the per-IP hard limit per window.
    login_delay_seconds: int = 30
    login_ip_max_failures: int = 100
    # Parsed uploads (member and word-list imports; see forum/uploads.py).
    upload_max_bytes: int = 8 * 1024 * 1024
    upload_max_rows: int = 50_000
    upload_max_columns: int = 64
    upload_max_cells: int = 1_500_000
    upload_max_line_chars: int = 65_536
    upload_max_zip_entries: int = 500
    upload_max_entry_bytes: int = 32 * 1024 * 1024
    upload_max_unzipped_bytes: int = 64 * 1024 * 1024
    upload_max_compression_ratio: int = 100
    upload_max_xml_nodes: int = 200_000
    upload_parse_workers: int = 2
    # scheme://host[:port] of the site as the public reaches it: every absolute link (feeds)
    # is built from it, never from the request's Host header.
    public_base_url: str = "http://127.0.0.1:8000"
    # The outbox (forum/outbox): e-mail over SMTP, SMS through a provider, the worker.
    smtp_host: str = ""  # empty: e-mail is not configured (messages wait in the outbox)
    smtp_port: int = 25
    smtp_tls: str = "none"  # none | starttls | tls
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_timeout_seconds: int = 20
    mail_from: str = "基层党建交流平台 <noreply@localhost>"
    sms_provider: str = (
        "log"  # log (development: the log says a message went, never its text) | http
    )
    sms_url: str = ""
    sms_key: str = ""
    sms_template: str = "【基层党建】{text}"
    outbox_embedded: bool = False  # run the delivery worker inside the web process
    outbox_batch: int = 20
    outbox_lease_seconds: int = 60
    outbox_max_attempts: int = 8
    outbox_retry_base_seconds: int = 30
    outbox_retry_max_seconds: int = 3600
    outbox_poll_seconds: int = 2
    password_reset_minutes: int = 30
    # 发展对象培训 (domain.md §11): 学时 of completed training (forum.studyrecords) a development
    # target needs before being received as a probationary member; 0 leaves the check off.
    development_training_hours: int = 0
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    env = (_env("ENV", "development") or "development").lower()
    if env not in {"development", "production", "test"}:
        raise ConfigError(f"{ENV_PREFIX}ENV must be development, production or test, got {env!r}")
    data_dir = Path(_env("DATA_DIR", "data") or "data").resolve()
    # WAL + synchronous=NORMAL: durable against corruption, one fsync per checkpoint rather than
    # per commit; busy_timeout lets the CLI and the server share the file.
    default_db = f"sqlite://{data_dir / 'forum.sqlite3'}?synchronous=NORMAL&busy_timeout=5000"
    database_url = _env("DATABASE_URL") or default_db
    profile = _env("PASSWORD_PROFILE", "default") or "default"
    if profile not in {"default", "fast"}:
        raise ConfigError(f"{ENV_PREFIX}PASSWORD_PROFILE must be default or fast")
    if profile == "fast" and env == "production":
        raise ConfigError("the fast password profile is for tests only; unset it in production")
    allowed_origins = _csv("ALLOWED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")
    return Settings(
        env=env,
        data_dir=data_dir,
        database_url=database_url,
        redis_url=_env("REDIS_URL"),
        redis_prefix=_env("REDIS_PREFIX", "grassroots") or "grassroots",
        allowed_origins=allowed_origins,
        timezone=_env("TIMEZONE", "Asia/Shanghai") or "Asia/Shanghai",
        max_body_bytes=_int("MAX_BODY_BYTES", 2 * 1024 * 1024),
        ws_max_frame_bytes=_int("WS_MAX_FRAME_BYTES", 64 * 1024),
        ws_session_check_seconds=_int("WS_SESSION_CHECK_SECONDS", 30),
        login_max_failures=_int("LOGIN_MAX_FAILURES", 5),
        login_window_seconds=_int("LOGIN_WINDOW_SECONDS", 15 * 60),
        password_profile=profile,
        secure_cookies=_bool("SECURE_COOKIES", env == "production"),
        session_max_age=_int("SESSION_MAX_AGE", 14 * 24 * 3600),
        log_level=(_env("LOG_LEVEL", "info") or "info").lower(),
        flag_hide_threshold=_int("FLAG_HIDE_THRESHOLD", 3),
        new_account_days=_int("NEW_ACCOUNT_DAYS", 3),
        new_account_min_posts=_int("NEW_ACCOUNT_MIN_POSTS", 3),
        post_cooldown_seconds=_int("POST_COOLDOWN_SECONDS", 10),
        new_account_post_cooldown_seconds=_int("NEW_ACCOUNT_POST_COOLDOWN_SECONDS", 120),
        trust_confirmed_members=_bool("TRUST_CONFIRMED_MEMBERS", True),
        ip_write_limit=_int("IP_WRITE_LIMIT", 300),
        ip_write_window_seconds=_int("IP_WRITE_WINDOW_SECONDS", 60),
        transfer_letter_days=_int("TRANSFER_LETTER_DAYS", 90),
        metrics_allowed_ips=_csv("METRICS_ALLOWED_IPS", "127.0.0.1,::1"),
        # prometheus_client's own variable: set it for several workers (multiprocess mode).
        metrics_multiprocess=bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR")),
        attachment_max_bytes=_int("ATTACHMENT_MAX_BYTES", 8 * 1024 * 1024),
        attachment_max_files=_int("ATTACHMENT_MAX_FILES", 4),
        attachment_hourly_limit=_int("ATTACHMENT_HOURLY_LIMIT", 30),
        login_delay_seconds=_int("LOGIN_DELAY_SECONDS", 30),
        login_ip_max_failures=_int("LOGIN_IP_MAX_FAILURES", 100),
        upload_max_bytes=_int("UPLOAD_MAX_BYTES", 8 * 1024 * 1024),
        upload_max_rows=_int("UPLOAD_MAX_ROWS", 50_000),
        upload_max_columns=_int("UPLOAD_MAX_COLUMNS", 64),
        upload_max_cells=_int("UPLOAD_MAX_CELLS", 1_500_000),
        upload_max_line_chars=_int("UPLOAD_MAX_LINE_CHARS", 65_536),
        upload_max_zip_entries=_int("UPLOAD_MAX_ZIP_ENTRIES", 500),
        upload_max_entry_bytes=_int("UPLOAD_MAX_ENTRY_BYTES", 32 * 1024 * 1024),
        upload_max_unzipped_bytes=_int("UPLOAD_MAX_UNZIPPED_BYTES", 64 * 1024 * 1024),
        upload_max_compression_ratio=_int("UPLOAD_MAX_COMPRESSION_RATIO", 100),
        upload_max_xml_nodes=_int("UPLOAD_MAX_XML_NODES", 200_000),
        upload_parse_workers=max(1, _int("UPLOAD_PARSE_WORKERS", 2)),
        smtp_host=_env("SMTP_HOST", "") or "",
        smtp_port=_int("SMTP_PORT", 25),
        smtp_tls=_choice("SMTP_TLS", "none", ("none", "starttls", "tls")),
        smtp_username=_env("SMTP_USERNAME", "") or "",
        smtp_password=_env("SMTP_PASSWORD", "") or "",
        smtp_timeout_seconds=_int("SMTP_TIMEOUT_SECONDS", 20),
        mail_from=_env("MAIL_FROM", "基层党建交流平台 <noreply@localhost>") or "",
        sms_provider=_choice("SMS_PROVIDER", "log", ("log", "http")),
        sms_url=_env("SMS_URL", "") or "",
        sms_key=_env("SMS_KEY", "") or "",
        sms_template=_env("SMS_TEMPLATE", "【基层党建】{text}") or "{text}",
        outbox_embedded=_bool("OUTBOX_EMBEDDED", env == "development"),
        outbox_batch=max(1, _int("OUTBOX_BATCH", 20)),
        outbox_lease_seconds=max(5, _int("OUTBOX_LEASE_SECONDS", 60)),
        outbox_max_attempts=max(1, _int("OUTBOX_MAX_ATTEMPTS", 8)),
        outbox_retry_base_seconds=max(1, _int("OUTBOX_RETRY_BASE_SECONDS", 30)),
        outbox_retry_max_seconds=max(1, _int("OUTBOX_RETRY_MAX_SECONDS", 3600)),
        outbox_poll_seconds=max(1, _int("OUTBOX_POLL_SECONDS", 2)),
        password_reset_minutes=max(5, _int("PASSWORD_RESET_MINUTES", 30)),
        public_base_url=_public_base_url(
            allowed_origins[0] if allowed_origins else "http://127.0.0.1:8000"
        ),
        development_training_hours=max(0, _int("DEVELOPMENT_TRAINING_HOURS", 0)),
    )


@functools.cache
def get_settings() -> Settings:
    return load_settings()


def _dev_secret(filename: str, nbytes: int, *, urlsafe: bool) -> str:
    """Read or create a dev-only secret file in the data folder (mode 0600)."""
    settings = get_settings()
    path = settings.data_dir / filename
    if path.exists():
        return path.read_text().strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    value = (
        secrets.token_urlsafe(nbytes)
        if urlsafe
        else base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


@functools.cache
def secret_key() -> str:
    """The session/CSRF signing key. Production refuses to run without one."""
    value = _env("SECRET_KEY")
    if value:
        if len(value) < 32:
            raise ConfigError(f"{ENV_PREFIX}SECRET_KEY must be at least 32 characters")
        return value
    if get_settings().production:
        raise ConfigError(f"{ENV_PREFIX}SECRET_KEY is required in production mode")
    return _dev_secret("secret_key", 48, urlsafe=True)


@functools.cache
def id_number_key() -> bytes:
    """32-byte key for ID-number encryption (AES-GCM) and the keyed lookup hash."""
    value = _env("ID_NUMBER_KEY")
    if not value:
        if get_settings().production:
            raise ConfigError(f"{ENV_PREFIX}ID_NUMBER_KEY is required in production mode")
        value = _dev_secret("id_number_key", 32, urlsafe=False)
    try:
        key = base64.urlsafe_b64decode(value)
    except ValueError as exc:
        raise ConfigError(f"{ENV_PREFIX}ID_NUMBER_KEY must be urlsafe base64") from exc
    if len(key) != 32:
        raise ConfigError(f"{ENV_PREFIX}ID_NUMBER_KEY must decode to 32 bytes")
    return key
