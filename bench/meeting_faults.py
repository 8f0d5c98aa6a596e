"""A 500-client live meeting under faults: a worker killed, Redis stopped for 10 s.

    python bench/meeting_faults.py --fault kill  --clients 500
    python bench/meeting_faults.py --fault redis --clients 500 --redis-outage 10
    python bench/meeting_faults.py --fault both  --clients 500

Two uvicorn workers (separate processes and ports), a private redis-server on a free port and
a fresh database on the shared PostgreSQL (127.0.0.1:55432, or TEST_PG_DSN). The harness is
`tests/e2e/meeting_faults.py` (its docstring describes the run and the checks); the e2e test
`tests/e2e/test_faults_meeting.py` runs the same code with 20 clients. Prints reconnect time
p50/p99, events delivered, lost, duplicated; exit status 1 if anything was lost, duplicated,
out of order, or an acknowledged message is not stored exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.meeting_faults import Config, run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--fault", choices=["kill", "redis", "both", "none"], default="kill")
    parser.add_argument("--duration", type=float, default=40.0, help="seconds of discussion")
    parser.add_argument("--rate", type=float, default=2.0, help="messages per second in total")
    parser.add_argument("--active-every", type=int, default=10, help="every n-th client speaks")
    parser.add_argument("--fault-at", type=float, default=12.0, help="seconds into the discussion")
    parser.add_argument("--redis-outage", type=float, default=10.0, help="seconds Redis is down")
    args = parser.parse_args()
    config = Config(
        clients=args.clients,
        duration=args.duration,
        rate=args.rate,
        active_every=args.active_every,
        fault=args.fault,
        fault_at=args.fault_at,
        redis_outage=args.redis_outage,
    )
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    report = asyncio.run(run(config))
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
