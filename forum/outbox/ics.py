"""A calendar invitation (RFC 5545 VEVENT, METHOD:REQUEST) as a meeting notice attaches it."""

from __future__ import annotations

import datetime as dt


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a leading space (never splitting a char)."""
    out: list[str] = []
    current = ""
    for ch in line:
        limit = 75 if not out else 74
        if len((current + ch).encode()) > limit:
            out.append(current)
            current = ch
        else:
            current += ch
    out.append(current)
    return "\r\n ".join(out)


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def invitation(
    *,
    uid: str,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    location: str = "",
    description: str = "",
    url: str = "",
    organizer: str = "",
    sequence: int = 0,
    now: dt.datetime | None = None,
) -> str:
    """The text of an .ics file with one event (times in UTC)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Grassroots//基层党建交流平台//ZH",
        "METHOD:REQUEST",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:{_escape(uid)}",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{_stamp(now or dt.datetime.now(dt.UTC))}",
        f"DTSTART:{_stamp(start)}",
        f"DTEND:{_stamp(end)}",
        f"SUMMARY:{_escape(title)}",
    ]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    if url:
        lines.append(f"URL:{url}")
    if organizer:
        lines.append(f"ORGANIZER;CN={_escape(organizer)}:mailto:noreply@localhost")
    lines += ["STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
