"""The calling EHR's JWT, verified as CDS Hooks 2.0 asks ("Trusting CDS Clients").

The EHR signs a short-lived JWT with its private key and sends it as
`Authorization: Bearer ...`. The service accepts it only when:

- it is signed with an asymmetric algorithm (RS*, PS*, ES*): `alg: none` and
  shared-secret HS* tokens are refused whatever they claim;
- its `iss` is on the configured allow-list, and the signature verifies
  with that issuer's public key (its JWKS from the configuration file, or
  fetched from a `jku` URL only when that URL is on the issuer's list);
- `aud` is this service's endpoint URL (or its discovery URL), `exp` has not
  passed and is at most five minutes away, and `iat` and `jti` are present;
- its `jti` has not been seen before (a replayed token is refused).

Every refusal is a 401 with a message saying which check failed.
"""

from __future__ import annotations

import time

import httpx
import jwt

from clinrules.service.config import ServiceConfig
from clinrules.service.hook_request import RequestError

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "jti"]
LEEWAY = 30  # seconds of clock difference tolerated
MAX_LIFETIME = 300 + LEEWAY  # CDS Hooks: the JWT expires within five minutes
JKU_CACHE_SECONDS = 300


def refused(message: str) -> RequestError:
    return RequestError(401, "unauthorized", message)


def check_jwks(jwks: dict) -> str | None:
    """Why a JWKS cannot be used to verify EHR tokens, or None."""
    try:
        keys = jwt.PyJWKSet.from_dict(jwks)
    except jwt.PyJWTError as exc:
        return f"the JWKS cannot be read: {exc}"
    if any(k.key_type == "oct" for k in keys.keys):
        return "the JWKS holds a shared-secret (`oct`) key; EHRs sign with private keys and publish public ones"
    return None


class Authenticator:
    """Verifies each request's bearer JWT against the configured issuers."""

    def __init__(self, config: ServiceConfig) -> None:
        self.issuers = config.issuers
        self._seen: dict[tuple[str, str], float] = {}
        self._prune_at = 1024
        self._jku: dict[str, tuple[float, jwt.PyJWKSet]] = {}
        self._local = {iss: jwt.PyJWKSet.from_dict(i.jwks) for iss, i in self.issuers.items() if i.jwks}

    async def verify(self, authorization: str | None, audiences: list[str], client: httpx.AsyncClient) -> dict:
        if not authorization or not authorization.startswith("Bearer ") or not authorization[7:].strip():
            raise refused("a bearer JWT is required: `Authorization: Bearer <JWT>` signed by the EHR")
        token = authorization[7:].strip()
        try:  # read once, unverified, only to find the issuer's key; the claims used are those verified below
            unverified = jwt.decode_complete(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise refused("the bearer token is not a well-formed JWT") from None
        header = unverified["header"]
        unverified = unverified["payload"]
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise refused(f"JWT algorithm `{str(alg)[:20]}` is refused: the EHR must sign with its private key "
                          f"({', '.join(ALGORITHMS)}); unsigned and shared-secret tokens are never accepted")
        iss = unverified.get("iss")
        if not isinstance(iss, str) or iss not in self.issuers:
            raise refused(f"issuer `{str(iss)[:100]}` is not on this service's allow-list")
        key = await self._key(iss, header, client)
        try:
            claims = jwt.decode(
                token, key=key, algorithms=[alg], audience=audiences, issuer=iss, leeway=LEEWAY,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise refused("the JWT has expired (`exp` has passed)") from None
        except jwt.InvalidSignatureError:
            raise refused("the JWT signature does not verify with the issuer's key") from None
        except jwt.InvalidAudienceError:
            raise refused(f"the JWT `aud` is not this service's URL ({audiences[0]})") from None
        except jwt.MissingRequiredClaimError as exc:
            raise refused(f"the JWT has no `{exc.claim}` claim (required: {', '.join(REQUIRED_CLAIMS)})") from None
        except jwt.PyJWTError as exc:
            raise refused(f"the JWT is refused: {exc}") from None
        now = time.time()
        if claims["exp"] > now + MAX_LIFETIME:
            raise refused("the JWT lives longer than five minutes (`exp` too far ahead)")
        jti = claims["jti"]
        if not isinstance(jti, str) or not jti:
            raise refused("the JWT `jti` must be a non-empty string")
        self._remember(iss, jti, claims["exp"], now)
        return claims

    def _remember(self, iss: str, jti: str, exp: float, now: float) -> None:
        if (iss, jti) in self._seen:
            raise refused("the JWT was already used (its `jti` was seen before)")
        if len(self._seen) >= self._prune_at:  # forget expired tokens; amortised: the size doubles between sweeps
            self._seen = {k: e for k, e in self._seen.items() if e + LEEWAY >= now}
            self._prune_at = max(1024, 2 * len(self._seen))
        self._seen[(iss, jti)] = exp

    async def _key(self, iss: str, header: dict, client: httpx.AsyncClient):
        jku = header.get("jku")
        if jku is not None:
            if jku not in self.issuers[iss].jku:
                raise refused(f"the JWT `jku` {str(jku)[:200]} is not on the allow-list of issuer `{iss}`")
            keys = await self._fetch_jwks(jku, client)
        elif iss in self._local:
            keys = self._local[iss]
        else:
            raise refused(f"issuer `{iss}` publishes its keys by `jku`, and the JWT names none")
        kid = header.get("kid")
        usable = [k for k in keys.keys if kid is None or k.key_id == kid]
        if kid is None and len(usable) != 1:
            raise refused("the JWT names no key (`kid`) and the issuer has several")
        if not usable:
            raise refused(f"issuer `{iss}` has no key `{str(kid)[:100]}`")
        return usable[0]

    async def _fetch_jwks(self, url: str, client: httpx.AsyncClient) -> jwt.PyJWKSet:
        now = time.time()
        cached = self._jku.get(url)
        if cached and cached[0] > now:
            return cached[1]
        try:
            response = await client.get(url, timeout=5.0, follow_redirects=False)
            if response.status_code != 200 or len(response.content) > 1024 * 1024:
                raise ValueError(f"HTTP {response.status_code}")
            doc = response.json()
            problem = check_jwks(doc) if isinstance(doc, dict) else "not a JSON object"
            if problem:
                raise ValueError(problem)
            keys = jwt.PyJWKSet.from_dict(doc)
        except (httpx.HTTPError, ValueError) as exc:
            raise refused(f"the issuer's keys could not be read from {url}: {exc}") from None
        self._jku[url] = (now + JKU_CACHE_SECONDS, keys)
        return keys
