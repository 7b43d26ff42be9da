"""What the EHR did not prefetch, read from its FHIR server.

CDS Hooks lets an EHR leave a prefetch out (or send it as null); the
service then reads it itself from `fhirServer` with the `fhirAuthorization`
bearer token. Each query is the prefetch template with the checked patient
id put in, nothing else from the request. Responses are bounded in time and
size. A searchset Bundle that pages (`link` with relation `next`) is read
to its last page, the pages' entries joined into one Bundle: the latest
result may be on any page. A next link is followed only to the same FHIR
server (the bearer token goes with it), at most `MAX_PAGES` pages and
`MAX_RESPONSE_BYTES` in all. A server that cannot be reached, answers an
error, answers something that is not JSON, or pages elsewhere or without
end is a 412 (CDS Hooks: the service could not retrieve the data it
needs), naming the query.
"""

from __future__ import annotations

import asyncio
import json

import httpx

from clinrules.service.discovery import PATIENT, InputBinding
from clinrules.service.hook_request import HookRequest, RequestError

MAX_RESPONSE_BYTES = 10 * 1024 * 1024  # all pages of one query together
MAX_PAGES = 100
TIMEOUT = httpx.Timeout(5.0)


def _failed(binding: InputBinding, why: str) -> RequestError:
    return RequestError(412, "fhir-fetch-failed", f"could not read `{binding.prefetch_key}` "
                                                  f"({binding.query}) from the FHIR server: {why}")


async def fetch_missing(client: httpx.AsyncClient, request: HookRequest, missing: list[InputBinding]) -> dict:
    """prefetch key -> the FHIR JSON the server returned, for each missing binding."""
    if not missing:
        return {}
    if request.fhir_server is None:
        keys = ", ".join(f"`{b.prefetch_key}`" for b in missing)
        raise RequestError(412, "prefetch-missing", f"prefetch {keys} missing and no `fhirServer` to read it from")
    results = await asyncio.gather(*(_fetch(client, request, b) for b in missing))
    return {b.prefetch_key: r for b, r in zip(missing, results)}


async def _fetch(client: httpx.AsyncClient, request: HookRequest, binding: InputBinding):
    url = f"{request.fhir_server}/{binding.query.replace(PATIENT, request.patient_id)}"
    headers = {"Accept": "application/fhir+json"}
    if request.access_token:
        headers["Authorization"] = f"Bearer {request.access_token}"
    budget = MAX_RESPONSE_BYTES
    first, pages = None, 0
    while url is not None:
        pages += 1
        if pages > MAX_PAGES:
            raise _failed(binding, f"the search has more than {MAX_PAGES} pages")
        page, size = await _get(client, url, headers, binding, budget)
        budget -= size
        if first is None:
            first = page
        elif not isinstance(page, dict) or page.get("resourceType") != "Bundle":
            raise _failed(binding, "a next page is not a Bundle")
        else:
            entries = page.get("entry") or []
            if not isinstance(first.get("entry") or [], list) or not isinstance(entries, list):
                break  # malformed: `select` refuses it, naming the element
            first["entry"] = (first.get("entry") or []) + entries
        url = _next_page(page, request.fhir_server, binding)
    return first


def _next_page(page, server: str, binding: InputBinding) -> str | None:
    """The `next` link of a searchset page, checked to stay on `server`."""
    links = page.get("link") if isinstance(page, dict) and page.get("resourceType") == "Bundle" else None
    if not isinstance(links, list):
        return None
    for link in links:
        if isinstance(link, dict) and link.get("relation") == "next":
            url = link.get("url")
            if not isinstance(url, str) or not url.startswith((f"{server}/", f"{server}?")) or any(
                    c in url for c in "\r\n"):
                raise _failed(binding, f"its next page link is not on the FHIR server ({str(url)[:200]})")
            return url
    return None


async def _get(client: httpx.AsyncClient, url: str, headers: dict, binding: InputBinding, budget: int):
    """(JSON, size) of one GET, refused past `budget` bytes."""
    try:
        async with client.stream("GET", url, headers=headers, timeout=TIMEOUT, follow_redirects=False) as response:
            if response.status_code != 200:
                raise _failed(binding, f"it answered HTTP {response.status_code}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > budget:
                    raise _failed(binding, f"the answer is larger than {MAX_RESPONSE_BYTES} bytes")
    except httpx.HTTPError as exc:
        raise _failed(binding, f"{type(exc).__name__}") from None
    try:
        return json.loads(bytes(body), parse_float=_decimal), len(body)
    except (ValueError, RecursionError):
        raise _failed(binding, "the answer is not JSON") from None


def _decimal(text: str):
    from decimal import Decimal

    return Decimal(text)
