"""The public form's anti-robot check: a proof of work that the resident's browser does by
itself (ALTCHA), with a plain-word question for browsers without JavaScript.

Nothing to read or solve for the person. The form's page fetches a challenge from a JSON view
(`challenge_new`); the browser searches for the number the server chose, which takes a phone a
second or so and costs a robot the same for every submission. A challenge is signed (HMAC with
a key derived from SECRET_KEY) and carries its expiry, so handing one out writes nothing; a
solution is accepted once: its signature is claimed in the shared cache (one SET NX with the
challenge's remaining lifetime), so a replayed solution is refused without a table of
challenges.

Without JavaScript the form asks the person to type one common word shown in large text
(NOSCRIPT_WORDS); robots that run no script can answer it too once they know it, so that path
has a stricter per-address limit of its own (RESIDENT_ISSUE_NOSCRIPT_RATE).
"""

import hashlib
import secrets
import time
import unicodedata

import altcha
from django.conf import settings
from django.core.cache import cache

ALGORITHM = "SHA-256"
USED_KEY = "residents:antirobot:used:{}"
# What the no-JavaScript question asks to type: the two characters of 政协 (CPPCC).
NOSCRIPT_WORDS = frozenset({"政协", "cppcc"})
# What the CAPTCHA_TEST_MODE answer is (tests, browser journeys that do not test the check,
# benchmarks).
TEST_MODE_ANSWER = "passed"

PASSED = "passed"
MISSING = "missing"
INVALID = "invalid"
EXPIRED = "expired"
REPLAYED = "replayed"


def _secret(purpose: str) -> bytes:
    return hashlib.sha256(f"residents.antirobot.{purpose}:{settings.SECRET_KEY}".encode()).digest()


def challenge_new() -> dict:
    """A new signed challenge, as the widget expects it (JSON). Writes nothing anywhere."""
    high = max(2, settings.ANTIROBOT_MAX_COUNTER)
    counter = high // 10 + secrets.randbelow(high - high // 10)
    challenge = altcha.create_challenge(
        ALGORITHM,
        1,
        counter=counter,
        expires_at=int(time.time()) + settings.ANTIROBOT_EXPIRES_SECONDS,
        hmac_secret=_secret("challenge"),
        hmac_key_secret=_secret("key"),
    )
    return challenge.to_dict()


def solution_check(payload: str) -> str:
    """PASSED for a correct, unexpired solution seen for the first time; else why not."""
    if not payload:
        return MISSING
    if settings.CAPTCHA_TEST_MODE and payload == TEST_MODE_ANSWER:
        # Still claim a key, so that a benchmark pays the round trip a real check costs.
        cache.add(USED_KEY.format(secrets.token_hex(8)), 1, timeout=60)
        return PASSED
    if len(payload) > 4096:
        return INVALID
    result = altcha.verify_solution(payload, _secret("challenge"), hmac_key_secret=_secret("key"))
    if result.expired:
        return EXPIRED
    if not result.verified:
        return INVALID
    parsed = altcha.Payload.from_base64(payload)
    lifetime = (parsed.challenge.parameters.expires_at or 0) - int(time.time()) + 1
    if not cache.add(USED_KEY.format(parsed.challenge.signature), 1, timeout=max(lifetime, 1)):
        return REPLAYED
    return PASSED


def word_check(answer: str) -> bool:
    """The no-JavaScript question: the word typed, whatever the width, case or spaces."""
    typed = unicodedata.normalize("NFKC", answer or "")
    typed = "".join(ch for ch in typed if ch.isalnum()).lower()
    return typed in NOSCRIPT_WORDS
