"""The realtime hub: connection registry and delivery of broker messages to websockets.

Started and stopped by the app lifespan. Per channel with local subscribers the hub holds
one broker subscription and a lock; every delivery to a connection happens under that lock,
so positions (last id delivered per connection and channel) only move forward:

- an event with the next id is queued (if the channel kind's `can_receive` allows it);
- an older id is a duplicate and dropped;
- a newer id means something was missed: the gap is read from the database first.

While the broker is disconnected the hub polls the database for the channels it serves,
and it catches up once more whenever the broker reconnects, so nothing is lost.

What replay and gap-fill read from the log passes the channel kind's `current` hook (one
query per read) so it never carries content taken away since; live fan-out does no query
(see "Removed content is never replayed" in docs/realtime.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from forum import events
from forum.broker import Broker
from forum.clock import timestamp, utcnow
from forum.errors import DomainError
from forum.models import AuthSession
from forum.observability import BROKER_LAG, BROKER_UP, WS_CONNECTIONS, WS_SEND_QUEUE
from forum.policy import Viewer, can_post_or_speak, has_voting_rights
from forum.publisher import user_channel
from forum.services import Services, get_services
from forum.settings import get_settings
from forum.viewer import load_viewer
from realtime.channels import ChannelKind, kind_for
from realtime.connection import (
    CLOSE_FORBIDDEN,
    CLOSE_GOING_AWAY,
    CLOSE_UNAUTHENTICATED,
    Connection,
    encode,
)

logger = logging.getLogger("grassroots.realtime")

MAX_REPLAY = 500  # more missed events than this: the client reloads over HTTP
POLL_INTERVAL = 0.5  # seconds between database polls while the broker is down
SAFETY_POLL_INTERVAL = 5.0  # a poll even when connected (a publish may fail on its own)
POLL_CHUNK = 500  # channels per head query


@dataclasses.dataclass(eq=False)
class _Channel:
    kind: ChannelKind
    unsubscribe: Callable[[], None]
    subscribers: set[Connection] = dataclasses.field(default_factory=set)
    lock: asyncio.Lock = dataclasses.field(default_factory=asyncio.Lock)
    pending: int = 0  # subscribes waiting for the lock (keeps the entry alive)
    # Subscribes waiting for the lock, with their last_id: whoever gets the lock serves them
    # all with one head query and one range read (a crowd resubscribing after a worker died
    # would otherwise queue up behind the lock two queries at a time).
    waiting: dict[Connection, tuple[int | None, asyncio.Future[int]]] = dataclasses.field(
        default_factory=dict
    )


@dataclasses.dataclass(eq=False)
class _User:
    unsubscribe: Callable[[], None]
    connections: set[Connection] = dataclasses.field(default_factory=set)


def classify(position: int | None, seq: int) -> str:
    """What a live event with id `seq` means for a connection at `position`.

    `skip`: not subscribed, or a duplicate (already delivered); `deliver`: the next id;
    `gap`: ids in between were missed and must be read from the database first.
    """
    if position is None or seq <= position:
        return "skip"
    return "deliver" if seq == position + 1 else "gap"


def contiguous(seqs: list[int], after: int, head: int) -> bool:
    """True when `seqs` are exactly the ids after `after` up to `head` (nothing missing)."""
    return seqs == list(range(after + 1, head + 1))


async def current_messages(
    kind: ChannelKind, channel: str, rows: list[events.ChannelEvent]
) -> list[dict[str, Any]]:
    """Events read from the log as today's state allows (the kind's `current` hook): the
    log is already redacted when content is taken away, this also covers events written
    before that (or by a path that forgot). One call per read, never per connection."""
    messages = [row.as_message() for row in rows]
    if kind.current is None or not messages:
        return messages
    _, _, raw_id = channel.partition(":")
    checked = await kind.current(int(raw_id), messages)
    if len(checked) != len(messages):
        raise RuntimeError(f"{kind.prefix}.current changed the number of events")
    return checked


def event_frame(message: dict[str, Any]) -> str:
    return encode(
        {
            "type": "event",
            "channel": message["channel"],
            "id": message["id"],
            "event": message["event"],
            "data": message["data"],
        }
    )


class Hub:
    def __init__(self, broker: Broker, *, poll_interval: float = POLL_INTERVAL) -> None:
        self.broker = broker
        self.poll_interval = poll_interval
        self.connections: set[Connection] = set()
        self._channels: dict[str, _Channel] = {}
        self._users: dict[int, _User] = {}
        self._poller: asyncio.Task[None] | None = None
        self._remove_hook: Callable[[], None] | None = None

    # lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        self._remove_hook = self.broker.on_reconnect(self.catch_up_all)
        self._poller = asyncio.create_task(self._poll(), name="realtime-poller")

    async def stop(self) -> None:
        if self._remove_hook is not None:
            self._remove_hook()
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        for conn in list(self.connections):
            conn.close(CLOSE_GOING_AWAY)
        for conn in list(self.connections):
            await conn.finish()

    @property
    def channels(self) -> list[str]:
        return list(self._channels)

    # connections -----------------------------------------------------------------------

    def register(self, conn: Connection) -> None:
        self.connections.add(conn)
        WS_CONNECTIONS.inc()
        conn.start()
        user_id = conn.viewer.user_id
        if user_id is None:
            return
        entry = self._users.get(user_id)
        if entry is None:
            unsubscribe = self.broker.subscribe(user_channel(user_id), self._on_user_message)
            entry = self._users[user_id] = _User(unsubscribe)
        entry.connections.add(conn)

    async def unregister(self, conn: Connection) -> None:
        if conn in self.connections:
            self.connections.discard(conn)
            WS_CONNECTIONS.dec()
        for channel in list(conn.positions):
            self.unsubscribe(conn, channel)
        user_id = conn.viewer.user_id
        entry = self._users.get(user_id) if user_id is not None else None
        if entry is not None and user_id is not None:
            entry.connections.discard(conn)
            if not entry.connections:
                entry.unsubscribe()
                del self._users[user_id]
        await conn.finish()

    # subscriptions ---------------------------------------------------------------------

    async def subscribe(
        self, conn: Connection, channel: str, kind: ChannelKind, last_id: int | None
    ) -> int:
        """Replay what `conn` missed after `last_id`, then deliver live; returns the position."""
        if channel in conn.positions:  # already subscribed: nothing to replay
            position = conn.positions[channel]
            conn.send({"type": "subscribed", "channel": channel, "last_id": position})
            return position
        entry = self._channels.get(channel)
        if entry is None:
            unsubscribe = self.broker.subscribe(channel, self._on_message)
            entry = self._channels[channel] = _Channel(kind, unsubscribe)
        # Keyed by connection: `realtime/ws.py` handles one connection's frames one at a time,
        # so a connection never has two subscribes to the same channel in flight.
        served: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        entry.waiting[conn] = (last_id, served)
        entry.pending += 1
        try:
            async with entry.lock:
                if not served.done():  # not served by an earlier holder's batch
                    batch, entry.waiting = entry.waiting, {}
                    await self._replay_batch(channel, entry, batch)
            return served.result()
        except BaseException:
            # Cancelled or failed: never leave this connection half subscribed.
            waiting = entry.waiting.get(conn)
            if waiting is not None and waiting[1] is served:
                del entry.waiting[conn]
            if not served.done():
                served.cancel()  # a batch being served by another holder skips it
            elif not served.cancelled() and served.exception() is None:
                conn.positions.pop(channel, None)
            entry.subscribers.discard(conn)
            raise
        finally:
            entry.pending -= 1
            self._release(channel, entry)

    async def _replay_batch(
        self,
        channel: str,
        entry: _Channel,
        batch: dict[Connection, tuple[int | None, asyncio.Future[int]]],
    ) -> None:
        """Under the channel lock: replay to every waiting subscriber what it missed, with one
        head query and one range read for all, then mark each subscribed."""
        try:
            head = await events.head(channel)
            starts: dict[Connection, int | None] = {}
            for conn, (last_id, _) in batch.items():
                if last_id is not None and last_id > head:
                    conn.send({"type": "reload", "channel": channel, "reason": "unknown_position"})
                    last_id = None
                elif last_id is not None and head - last_id > MAX_REPLAY:
                    conn.send({"type": "reload", "channel": channel, "reason": "too_far_behind"})
                    last_id = None
                starts[conn] = last_id
            wanted = [last_id for last_id in starts.values() if last_id is not None]
            rows = []
            if wanted and min(wanted) < head:
                rows = await events.since(channel, min(wanted), upto=head, limit=MAX_REPLAY)
            messages = await current_messages(entry.kind, channel, rows)
        except asyncio.CancelledError:
            for conn, item in batch.items():  # the next holder of the lock serves them
                if not item[1].done():
                    entry.waiting.setdefault(conn, item)
            raise
        except Exception as exc:
            for _, served in batch.values():
                if not served.done():
                    served.set_exception(exc)
            raise
        seqs = [row.seq for row in rows]
        for conn, (_, served) in batch.items():
            if served.done():  # its subscribe was cancelled (connection closed) meanwhile
                continue
            last_id = starts[conn]
            if last_id is not None:
                mine = [i for i, seq in enumerate(seqs) if seq > last_id]
                if not contiguous([seqs[i] for i in mine], last_id, head):
                    # Events were pruned from the log: state must come over HTTP.
                    conn.send({"type": "reload", "channel": channel, "reason": "too_far_behind"})
                else:
                    for i in mine:
                        self._deliver(conn, entry.kind, messages[i], None)
            entry.subscribers.add(conn)
            conn.positions[channel] = head
            conn.send({"type": "subscribed", "channel": channel, "last_id": head})
            if not served.done():
                served.set_result(head)

    def unsubscribe(self, conn: Connection, channel: str) -> bool:
        if conn.positions.pop(channel, None) is None:
            return False
        entry = self._channels.get(channel)
        if entry is not None:
            entry.subscribers.discard(conn)
            self._release(channel, entry)
        return True

    def _release(self, channel: str, entry: _Channel) -> None:
        if not entry.subscribers and entry.pending == 0 and self._channels.get(channel) is entry:
            entry.unsubscribe()
            del self._channels[channel]

    # delivery --------------------------------------------------------------------------

    def _deliver(
        self, conn: Connection, kind: ChannelKind, message: dict[str, Any], frame: str | None
    ) -> str | None:
        """Queue one event if the policy lets this viewer receive it; returns the frame."""
        try:
            allowed = kind.can_receive(conn.viewer, message)
        except Exception:
            logger.exception("can_receive failed on %s", message.get("channel"))
            allowed = False
        if allowed:
            frame = frame or event_frame(message)
            conn.send(frame)
        return frame

    async def _on_message(self, channel: str, message: dict[str, Any]) -> None:
        entry = self._channels.get(channel)
        if entry is None:
            return
        seq = message.get("id")
        if (
            not isinstance(seq, int)
            or isinstance(seq, bool)
            or not isinstance(message.get("event"), str)
            or not isinstance(message.get("data"), dict)
        ):
            logger.warning("dropping malformed event message on %s", channel)
            return
        sent_at = message.get("ts")
        if isinstance(sent_at, float):
            BROKER_LAG.observe(max(0.0, timestamp() - sent_at))
        audience = message.get("audience")
        message = {**message, "channel": channel, "audience": audience or {}}
        async with entry.lock:
            plan = [(c, classify(c.positions.get(channel), seq)) for c in entry.subscribers]
            if any(step == "gap" for _, step in plan):
                await self._catch_up_locked(channel, entry, seq)
                return
            frame: str | None = None
            for conn, step in plan:
                if step == "deliver":
                    frame = self._deliver(conn, entry.kind, message, frame)
                    conn.positions[channel] = seq

    async def _catch_up_locked(self, channel: str, entry: _Channel, head: int | None) -> None:
        """Read from the database what subscribers of `channel` missed, up to the head."""
        latest = await events.head(channel)
        head = latest if head is None else max(head, latest)
        behind: list[Connection] = []
        for conn in list(entry.subscribers):
            position = conn.positions.get(channel)
            if position is None or position >= head:
                continue
            if head - position > MAX_REPLAY:
                conn.send({"type": "reload", "channel": channel, "reason": "too_far_behind"})
                conn.positions[channel] = head
            else:
                behind.append(conn)
        if not behind:
            return
        low = min(conn.positions[channel] for conn in behind)
        rows = await events.since(channel, low, upto=head, limit=MAX_REPLAY)
        if not contiguous([row.seq for row in rows], low, head):  # pruned from the log
            for conn in behind:
                conn.send({"type": "reload", "channel": channel, "reason": "too_far_behind"})
                conn.positions[channel] = head
            return
        for row, message in zip(
            rows, await current_messages(entry.kind, channel, rows), strict=True
        ):
            frame: str | None = None
            for conn in behind:
                position = conn.positions.get(channel)
                if position is not None and row.seq > position:
                    frame = self._deliver(conn, entry.kind, message, frame)
                    conn.positions[channel] = row.seq

    async def catch_up(self, channel: str, head: int | None = None) -> None:
        entry = self._channels.get(channel)
        if entry is None:
            return
        async with entry.lock:
            await self._catch_up_locked(channel, entry, head)

    async def catch_up_all(self) -> None:
        """Poll the database for every channel with local subscribers (broker outage)."""
        names = list(self._channels)
        for start in range(0, len(names), POLL_CHUNK):
            chunk = names[start : start + POLL_CHUNK]
            heads = await events.heads(chunk)
            for channel in chunk:
                head = heads.get(channel, 0)
                entry = self._channels.get(channel)
                if entry is not None and any(
                    conn.positions.get(channel, head) < head for conn in entry.subscribers
                ):
                    await self.catch_up(channel, head)

    async def close_lapsed_sessions(self) -> int:
        """Close connections whose session expired or was revoked without a
        `session.revoked` message reaching this worker (expiry sends none). One query per
        sweep for every open connection; returns how many were closed."""
        open_conns = [c for c in self.connections if not c.closing and c.viewer.session_id]
        ids = list({str(c.viewer.session_id) for c in open_conns})
        valid: set[str] = set()
        for start in range(0, len(ids), POLL_CHUNK):
            rows = await AuthSession.filter(
                id__in=ids[start : start + POLL_CHUNK],
                revoked_at__isnull=True,
                expires_at__gt=utcnow(),
            ).values_list("id", flat=True)
            valid.update(str(row) for row in rows)
        lapsed = [c for c in open_conns if c.viewer.session_id not in valid]
        for conn in lapsed:
            conn.close(CLOSE_UNAUTHENTICATED)
        return len(lapsed)

    async def refresh_silenced(self) -> int:
        """A silence that simply runs out publishes nothing: reload the (few) silenced
        viewers on each sweep and tell the page when speaking is allowed again. Returns how
        many connections were told."""
        told = 0
        for conn in [c for c in self.connections if c.viewer.silenced and not c.closing]:
            await self.refresh_viewer(conn)
            if not conn.closing and not conn.viewer.silenced:
                conn.send(viewer_notice(conn.viewer, {"reason": "sanction.expired"}))
                told += 1
        return told

    async def _poll(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        session_check = float(get_settings().ws_session_check_seconds)
        last_session_check = loop.time()
        while True:
            await asyncio.sleep(self.poll_interval)
            self._gauges()
            if loop.time() - last_session_check >= session_check:
                last_session_check = loop.time()
                try:
                    await self.close_lapsed_sessions()
                    await self.refresh_silenced()
                except Exception:
                    logger.exception("realtime session sweep failed")
            due = loop.time() - last >= SAFETY_POLL_INTERVAL
            if not self._channels or (self.broker.connected and not due):
                continue
            last = loop.time()
            try:
                await self.catch_up_all()
            except Exception:
                logger.exception("realtime database poll failed")

    def _gauges(self) -> None:
        BROKER_UP.set(1 if self.broker.connected else 0)
        WS_SEND_QUEUE.set(max((conn.queued for conn in self.connections), default=0))

    # user:{id} messages ----------------------------------------------------------------

    async def _on_user_message(self, channel: str, message: dict[str, Any]) -> None:
        _, _, raw_id = channel.partition(":")
        entry = self._users.get(int(raw_id)) if raw_id.isdigit() else None
        if entry is None:
            return
        kind = message.get("type")
        connections = list(entry.connections)
        if kind == "session.revoked":
            session_id = message.get("session_id")
            for conn in connections:
                if session_id is None or conn.viewer.session_id == session_id:
                    conn.close(CLOSE_UNAUTHENTICATED)
        elif kind == "viewer.changed":
            data = {k: v for k, v in message.items() if k != "type"}
            for conn in connections:
                await self.refresh_viewer(conn)
                if not conn.closing:  # tell the page the facts it shows controls by
                    conn.send(viewer_notice(conn.viewer, data))
        elif isinstance(kind, str):
            data = {k: v for k, v in message.items() if k != "type"}
            frame = encode({"type": "notice", "event": kind, "data": data})
            for conn in connections:
                conn.send(frame)

    async def refresh_viewer(self, conn: Connection) -> None:
        """Reload the viewer; drop subscriptions it may no longer hold."""
        if conn.closing:
            return
        viewer = await load_viewer(conn.viewer.session_id)
        if not viewer.is_authenticated:
            conn.close(CLOSE_UNAUTHENTICATED)
            return
        if viewer.suspended:
            conn.close(CLOSE_FORBIDDEN)
            return
        conn.viewer = dataclasses.replace(viewer, ip=conn.viewer.ip)
        for channel in list(conn.positions):
            await self.recheck(conn, channel)

    async def recheck(self, conn: Connection, channel: str) -> None:
        """Drop the subscription if the connection's viewer may no longer hold it."""
        found = kind_for(channel)
        allowed = False
        if found is not None:
            kind, object_id = found
            try:
                allowed = await kind.can_subscribe(conn.viewer, object_id)
            except DomainError:  # e.g. NotFound from ensure_visible: not allowed
                allowed = False
            except Exception:
                logger.exception("can_subscribe failed on %s", channel)
        if not allowed and self.unsubscribe(conn, channel):
            conn.send({"type": "unsubscribed", "channel": channel, "reason": "forbidden"})


def viewer_notice(viewer: Viewer, data: dict[str, Any]) -> dict[str, Any]:
    """`viewer.changed` as the page hears it, after the reload: the reason, and whether the
    viewer may post or speak and vote now (a silence or a sanction applies, or its end
    restores it, without reload)."""
    facts = {
        "silenced": viewer.silenced,
        "can_post": bool(can_post_or_speak(viewer)),
        # 表决权: 留党察看 and 停止党籍 take it away, their end gives it back (domain.md §9).
        "can_vote": has_voting_rights(viewer),
    }
    return {"type": "notice", "event": "viewer.changed", "data": {**data, **facts}}


_hub: Hub | None = None


def get_hub() -> Hub:
    """The running hub (one per process); created lazily for apps run without a lifespan."""
    global _hub
    if _hub is None:
        _hub = Hub(get_services().broker)
    return _hub


async def start(services: Services) -> None:
    global _hub
    _hub = Hub(services.broker)
    await _hub.start()


async def stop() -> None:
    global _hub
    hub, _hub = _hub, None
    if hub is not None:
        await hub.stop()
