"""The outbox: every message the platform sends outside itself (e-mail, SMS).

A kernel mechanism that knows no part (docs/communication.md). An action writes messages with
`enqueue()` / `deliver()` inside its own transaction, so a message exists exactly when its
cause committed; the worker (`forum outbox run`, or embedded in the web process) claims them
with a lease, sends them through a channel (`channels.py`), retries with exponential backoff
and writes a delivery log row per attempt.
"""
