"""Login throttling, kept in Redis so every web replica sees the same counts.

Failed password checks are counted per username and per client address over
PALESS_LOGIN_WINDOW_SECONDS. Reaching PALESS_LOGIN_MAX_FAILURES for a username (or
PALESS_LOGIN_MAX_FAILURES_PER_ADDRESS for an address) locks it out for
PALESS_LOGIN_LOCKOUT_SECONDS: attempts then get 429 with Retry-After before any
password is verified, which also spares the Argon2 work. Unknown usernames are counted
like known ones, so a lockout tells nothing about which accounts exist. A successful
login clears its username's count; the address count is left to expire, so one valid
account does not reset an address spraying guesses at others.
"""

from __future__ import annotations

import hashlib
import math

from redis.asyncio import Redis

from paless_shared.platform.errors import TooManyRequests
from paless_shared.platform.settings import AuthSettings

KEY_PREFIX = "paless:login:"

# Count one failure; at the limit, set the lock and start counting afresh. One script,
# so replicas racing on the same key cannot lose a count or leave a counter without
# an expiry.
_RECORD_FAILURE = """
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
if failures >= tonumber(ARGV[2]) then
    redis.call('SET', KEYS[2], '1', 'EX', ARGV[3])
    redis.call('DEL', KEYS[1])
end
return failures
"""


def _username_key(username: str) -> str:
    # Hashed: usernames are arbitrary client input, and need not appear in Redis.
    return KEY_PREFIX + "user:" + hashlib.sha256(username.encode()).hexdigest()


def _address_key(address: str) -> str:
    return KEY_PREFIX + "addr:" + address


class LoginThrottle:
    def __init__(self, redis: Redis, settings: AuthSettings) -> None:
        self.redis = redis
        self.settings = settings

    async def check(self, username: str, address: str) -> None:
        """Raise TooManyRequests while the username or the address is locked out."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.pttl(_username_key(username) + ":locked")
            pipe.pttl(_address_key(address) + ":locked")
            remaining_ms = max(await pipe.execute())
        if remaining_ms > 0:
            seconds = max(1, math.ceil(remaining_ms / 1000))
            raise TooManyRequests(
                f"too many failed logins; try again in {seconds} seconds", retry_after=seconds
            )

    async def record_failure(self, username: str, address: str) -> None:
        settings = self.settings
        script = self.redis.register_script(_RECORD_FAILURE)
        for key, limit in (
            (_username_key(username), settings.login_max_failures),
            (_address_key(address), settings.login_max_failures_per_address),
        ):
            await script(
                keys=[key + ":failures", key + ":locked"],
                args=[settings.login_window_seconds, limit, settings.login_lockout_seconds],
            )

    async def record_success(self, username: str) -> None:
        await self.redis.delete(_username_key(username) + ":failures")
