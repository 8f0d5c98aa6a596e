"""The realtime transport service: the `/ws` endpoint and the event log's upkeep command.
Under FORUM_ENV=test it also provides the `echo` channel kind the e2e tests talk to."""

from __future__ import annotations

from forum.parts import Part, Provision
from forum.settings import get_settings
from realtime import commands, routes


def _test_kinds() -> tuple[Provision, ...]:
    if get_settings().env != "test":
        return ()
    from realtime import testing

    return (testing.ECHO_CHANNEL,)


def part() -> Part:
    return Part(
        name="realtime",
        routes=routes.routes,
        provides=_test_kinds(),
        commands=(commands.register,),
    )
