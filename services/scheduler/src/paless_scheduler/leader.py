"""The leader lease: of all running schedulers, only the one holding it enqueues.

The lease is a Redis key holding the leader's instance id, with an expiry. The leader
renews it every tick; the others try to take it every tick, so when the leader dies
one of them takes over within a lease period, and when it stops cleanly it gives the
lease up and another takes over at its next tick. Renewing and releasing compare the
holder first (in Lua, so atomically): an instance whose lease lapsed and was taken
over can never extend or delete its successor's.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time

from prometheus_client import Gauge
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

LEADER_KEY = "paless:scheduler:leader"

IS_LEADER = Gauge(
    "paless_scheduler_is_leader", "1 while this scheduler holds the leader lease, else 0."
)

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


def new_instance_id() -> str:
    """Unique per process start: the pod's host name and pid say who it is, the random
    part keeps a restarted process with a recycled pid from passing for its predecessor."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class LeaderLease:
    def __init__(
        self,
        redis: Redis,
        lease_seconds: float,
        instance_id: str | None = None,
        key: str = LEADER_KEY,
    ) -> None:
        self.redis = redis
        self.key = key
        self.instance_id = instance_id or new_instance_id()
        self.lease_ms = max(1, round(lease_seconds * 1000))
        self.is_leader = False
        # Until when this instance's last renewal holds, by its own clock.
        self._valid_until = 0.0
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    async def hold(self) -> bool:
        """Renew the lease if this instance holds it, else try to take it. Returns whether
        this instance is the leader now; call it once per tick."""
        asked_at = time.monotonic()
        try:
            if self.is_leader:
                held = await self._renew(keys=[self.key], args=[self.instance_id, self.lease_ms])
            else:
                held = await self.redis.set(self.key, self.instance_id, nx=True, px=self.lease_ms)
        except (RedisError, OSError):
            # Unanswered, the lease still counts until it would have run out.
            if self.is_leader and time.monotonic() >= self._valid_until:
                self._lose("the lease ran out while Redis did not answer")
            raise
        if held:
            self._valid_until = asked_at + self.lease_ms / 1000
            if not self.is_leader:
                self._become(True)
                log.info(
                    "scheduler.leader.acquired",
                    extra={"instance_id": self.instance_id, "lease_ms": self.lease_ms},
                )
        elif self.is_leader:
            self._lose("the lease ran out or another scheduler holds it")
        return self.is_leader

    async def release(self) -> None:
        """On shutdown: give the lease up, so another scheduler takes over at its next
        tick rather than after the lease runs out. Does nothing for a follower."""
        if not self.is_leader:
            return
        self._become(False)
        if await self._release(keys=[self.key], args=[self.instance_id]):
            log.info("scheduler.leader.released", extra={"instance_id": self.instance_id})
        else:
            log.warning(
                "scheduler.leader.lost",
                extra={"instance_id": self.instance_id, "reason": "taken over before release"},
            )

    def _lose(self, reason: str) -> None:
        self._become(False)
        log.warning(
            "scheduler.leader.lost", extra={"instance_id": self.instance_id, "reason": reason}
        )

    def _become(self, leader: bool) -> None:
        self.is_leader = leader
        IS_LEADER.set(1 if leader else 0)
