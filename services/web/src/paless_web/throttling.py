"""Login throttling, kept in Redis so every web replica sees the same counts.

Failed password checks are counted per username and per client address over
PALESS_LOGIN_WINDOW_SECONDS. Reaching PALESS_LOGIN_MAX_FAILURES for a username (or
PALESS_LOGIN_MAX_FAILURES_PER_ADDRESS for an address) locks it out for
PALESS_LOGIN_LOCKOUT_SECONDS: attempts then get 429 with Retry-After before any
password is verified, which also spares the Argon2 work. Unknown usernames are counted
like known ones, so a lockout tells nothing about which accounts exist. A successful
login clears its username's count; the address count is left to expire, so one valid
account does not reset an address spraying guesses at others.

Each attempt is counted as a failure *before* its password is checked, in the same
Redis script that checks the lockout, and handed back if the password was right. A
check followed by a separate count would let parallel guesses all pass the check
before any of them is counted; this way at most the limit of guesses get through.

The client address is the one uvicorn reports: behind a proxy or an ingress, set
PALESS_WEB_FORWARDED_ALLOW_IPS to the proxy's addresses so that it is the client's
(from X-Forwarded-For) rather than the proxy's, which every client would share.
"""

from __future__ import annotations

import hashlib
import math

from redis.asyncio import Redis

from paless_shared.platform.errors import TooManyRequests
from paless_shared.platform.settings import AuthSettings

KEY_PREFIX = "paless:login:"

# Refuse the attempt while a lock holds; else count it as a failure on both keys,
# locking a key (and refusing) when this attempt would go past its limit. Returns the
# lock's remaining milliseconds, or 0 when the attempt may go ahead. One script, so
# replicas racing on the same keys cannot all pass the check before one is counted.
_BEGIN_ATTEMPT = """
local remaining = math.max(redis.call('PTTL', KEYS[2]), redis.call('PTTL', KEYS[4]))
if remaining > 0 then
    return remaining
end
local refused = false
for i = 1, 3, 2 do
    local limit = tonumber(ARGV[i == 1 and 2 or 3])
    if tonumber(redis.call('GET', KEYS[i]) or '0') + 1 > limit then
        redis.call('SET', KEYS[i + 1], '1', 'EX', ARGV[4])
        redis.call('DEL', KEYS[i])
        refused = true
    end
end
if refused then
    return tonumber(ARGV[4]) * 1000
end
for i = 1, 3, 2 do
    if redis.call('INCR', KEYS[i]) == 1 then
        redis.call('EXPIRE', KEYS[i], ARGV[1])
    end
end
return 0
"""

# Give back the failure an attempt was counted as: on a right password the username's
# count starts afresh (ARGV[1] = 1); an attempt that ended before its password was
# judged (a database error) only gives back its own count on both keys.
_GIVE_BACK = """
if ARGV[1] == '1' then
    redis.call('DEL', KEYS[1])
end
for _, key in ipairs(KEYS) do
    if tonumber(redis.call('GET', key) or '0') > 0 then
        redis.call('DECR', key)
    end
end
return 0
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

    async def begin_attempt(self, username: str, address: str) -> None:
        """Raise TooManyRequests while the username or the address is locked out (or
        when this attempt would go past a limit); else count the attempt as a failure
        until `succeeded` says otherwise."""
        settings = self.settings
        user, addr = _username_key(username), _address_key(address)
        script = self.redis.register_script(_BEGIN_ATTEMPT)
        remaining_ms = await script(
            keys=[user + ":failures", user + ":locked", addr + ":failures", addr + ":locked"],
            args=[
                settings.login_window_seconds,
                settings.login_max_failures,
                settings.login_max_failures_per_address,
                settings.login_lockout_seconds,
            ],
        )
        if int(remaining_ms) > 0:
            seconds = max(1, math.ceil(int(remaining_ms) / 1000))
            raise TooManyRequests(
                f"too many failed logins; try again in {seconds} seconds", retry_after=seconds
            )

    async def succeeded(self, username: str, address: str) -> None:
        """The password was right: the username's count starts afresh, and the address
        gets back the failure the attempt was counted as."""
        await self._give_back(username, address, clear_username=True)

    async def undecided(self, username: str, address: str) -> None:
        """The attempt ended before its password was judged: it does not count."""
        await self._give_back(username, address, clear_username=False)

    async def _give_back(self, username: str, address: str, *, clear_username: bool) -> None:
        keys = (_username_key(username) + ":failures", _address_key(address) + ":failures")
        script = self.redis.register_script(_GIVE_BACK)
        await script(keys=list(keys), args=[int(clear_username)])
