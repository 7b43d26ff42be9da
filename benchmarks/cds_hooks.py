"""CDS Hooks service under load, on loopback: requests per second and latency.

Run: `python benchmarks/cds_hooks.py` (20,000 requests from 16 concurrent
clients) or `--smoke` (200 requests from 4 clients: a quick check that the
benchmark works). Needs the `[service]` extra.

The service runs as `clinrules cds-hooks` in its own process (two uvicorn
workers by default, one per core) serving the seed ruleset, with JWT
authentication on: every request carries a fresh ES256 token (signed just
before it is sent, outside its timing) and a full prefetch (16 FHIR Bundles:
scope, duration, labs and every red flag), so each request pays for what a
real call pays for: JWT verification, parsing the FHIR resources with
fhir.resources, unit conversion, evaluation with the explain trace, and
the cards. Patients cycle through three kinds: a red flag (MRI card with
citations), 2 weeks with ESR missing (undecided card naming ESR), and 3
weeks without red flags (no imaging).

The client is `httpx` async over keep-alive connections, in this process,
on the same cores as the service. Targets: no error, p99 under 20 ms and at
least 1,000 requests/s on 2 cores. Besides the rate and latency, it prints
the CPU time the service's processes spent per request (from /proc: what
the service costs, whatever else the machine was doing) and the client's,
and the runtime's own cost for the same patients (validate + evaluate with
explain, in-process).

Peer, in the same run: the same client against an endpoint that only
reads the body and returns a fixed card (Starlette on uvicorn, one
process). Its rate is the most this client can send on these cores, with
a service that costs nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clinrules.compiler import compile_file  # noqa: E402

SEED = ROOT / "rulesets" / "cervicogenic-upper-back-pain.rules"
SERVICE = "cervicogenic-upper-back-pain"
ISSUER = "https://ehr.bench.example"
SITE = "http://example.org/site-codes"
LOINC, SNOMED = "http://loinc.org", "http://snomed.info/sct"
CODED = {"fever": (SNOMED, "386661006"), "night sweats": (SNOMED, "42984000")}
UNCODED = ["upper back pain", "cervicogenic dizziness", "duration", "unexplained weight loss",
           "history of malignancy", "immunosuppression", "IV drug use",
           "intractable pain despite conservative therapy", "progressive neurological deficit",
           "myelopathic signs", "vertebral body tenderness"]


def slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def bundle(*resources) -> dict:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


def condition(pid: str, name: str, present: bool) -> dict:
    system, code = CODED.get(name, (SITE, slug(name)))
    return {"resourceType": "Condition", "id": f"{slug(name)}-{pid}", "subject": {"reference": f"Patient/{pid}"},
            "code": {"coding": [{"system": system, "code": code}]},
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                           "code": "active"}]},
            "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                                               "code": "confirmed" if present else "refuted"}]}}


def observation(pid: str, system: str, code: str, value, unit: str) -> dict:
    return {"resourceType": "Observation", "id": f"{code}-{pid}", "status": "final",
            "subject": {"reference": f"Patient/{pid}"}, "code": {"coding": [{"system": system, "code": code}]},
            "effectiveDateTime": "2026-11-30T09:00:00Z",
            "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}}


def patient(kind: int, pid: str, payload: str = "full") -> tuple[dict, dict]:
    """(prefetch, runtime facts) of one of three kinds of patient. `full`:
    every red flag recorded (16 resources); `typical`: only the scope
    conditions, the duration and the labs (6 resources, the red-flag searches
    come back empty, so those findings are unknown)."""
    crp = (1.2, "mg/dL") if kind == 0 else (3, "mg/L")
    weeks = 3 if kind == 2 else 2
    pre = {slug(n): bundle(condition(pid, n, n in ("upper back pain", "cervicogenic dizziness")))
           for n in UNCODED if n != "duration"}
    pre.update({slug(n): bundle(condition(pid, n, False)) for n in CODED})
    pre["duration"] = bundle(observation(pid, SITE, "duration", weeks, "wk"))
    pre["crp"] = bundle(observation(pid, LOINC, "1988-5", *crp))
    pre["wbc-count"] = bundle(observation(pid, LOINC, "6690-2", 7, "10*9/L"))
    pre["esr"] = bundle() if kind == 1 else bundle(observation(pid, LOINC, "4537-7", 10, "mm/h"))
    facts = {n: n in ("upper back pain", "cervicogenic dizziness") for n in UNCODED if n != "duration"}
    facts.update({n: False for n in CODED})
    facts.update({"duration": f"{weeks} weeks", "CRP": {"value": str(crp[0]), "unit": crp[1]}, "WBC count": 7})
    if kind != 1:
        facts["ESR"] = 10
    if payload == "typical":
        for name in [n for n in UNCODED[3:]] + list(CODED):
            pre[slug(name)] = bundle()
            facts.pop(name)
    return pre, facts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder: Path, key, workers: int) -> tuple[subprocess.Popen, str]:
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    public.update(kid="bench", alg="ES256", use="sig")
    config = {"issuers": {ISSUER: {"jwks": {"keys": [public]}}},
              "bindings": {SERVICE: {n: [{"system": SITE, "code": slug(n)}] for n in UNCODED}}}
    (folder / "service.json").write_text(json.dumps(config))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "clinrules", "cds-hooks", str(folder), "--port", str(port),
                             "--config", str(folder / "service.json"), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(proc, f"{url}/cds-services", "the service")
    return proc, url


def wait_until_up(proc: subprocess.Popen, probe: str, what: str, seconds: float = 60) -> None:
    """Until a GET of `probe` answers 200; exits naming `what` if it never does."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(probe, timeout=5).raise_for_status()
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise SystemExit(f"{what} did not start: " + (proc.stderr.read() if proc.stderr else ""))
            time.sleep(0.1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its descendants (the
    uvicorn workers), from /proc: what the service spent, whatever else the
    shared machine was doing meanwhile. 0 where /proc is not there."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def mint(key, endpoint: str) -> str:
    now = int(time.time())
    return jwt.encode({"iss": ISSUER, "sub": "bench", "aud": endpoint, "iat": now, "exp": now + 120,
                       "jti": str(uuid.uuid4())}, key, algorithm="ES256", headers={"kid": "bench"})


async def load(url: str, bodies: list[bytes], key, clients: int) -> tuple[list[float], list[str], float]:
    endpoint = f"{url}/cds-services/{SERVICE}"
    latencies: list[float] = []
    errors: list[str] = []
    next_index = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        async def worker():
            nonlocal next_index
            while next_index < len(bodies):
                i = next_index
                next_index += 1
                # signed just before sending (outside the timing), so no token expires during a long run
                headers = {"Authorization": f"Bearer {mint(key, endpoint)}", "Content-Type": "application/json"}
                t0 = time.perf_counter()
                try:
                    response = await client.post(endpoint, content=bodies[i], headers=headers)
                    failed = None if response.status_code == 200 and response.json()["cards"] else (
                        f"HTTP {response.status_code}: {response.text[:200]}")
                except httpx.HTTPError as exc:  # a dropped connection is an error of the run, counted, not a crash
                    failed = f"{type(exc).__name__}: {exc}"
                latencies.append(time.perf_counter() - t0)
                if failed:
                    errors.append(failed)
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - t0
    return latencies, errors, wall


EMPTY_ENDPOINT = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

async def answer(request):
    await request.body()
    return Response(b'{"cards": [{"summary": "-"}]}', media_type="application/json")

app = Starlette(routes=[Route("/cds-services/{service_id}", answer, methods=["POST", "GET"])])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="error")
"""


def empty_endpoint_peer(bodies: list[bytes], key, clients: int) -> tuple[float, float, float]:
    """(requests/s, client CPU ms per request, endpoint CPU ms per request)
    of the load test against an endpoint that does nothing."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", EMPTY_ENDPOINT, str(port)], stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, f"{url}/cds-services/{SERVICE}", "the empty endpoint")
        server0, client0 = cpu_seconds(proc.pid), time.process_time()
        _, errors, wall = asyncio.run(load(url, bodies, key, clients))
        server_cpu, client_cpu = cpu_seconds(proc.pid) - server0, time.process_time() - client0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    if errors:
        raise SystemExit(f"{len(errors)} requests to the empty endpoint failed; the first: {errors[0]}")
    return len(bodies) / wall, client_cpu / len(bodies) * 1000, server_cpu / len(bodies) * 1000


def runtime_alone(folder: Path, facts: list[dict], repeat: int) -> float:
    from clinrules.runtime import load as load_ruleset

    ruleset = load_ruleset(str(folder / f"{SERVICE}.json"))
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        ruleset.evaluate_validated(ruleset.validate_facts(facts[i % 3]), explain=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="200 requests from 4 clients")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="service worker processes (2: one per core)")
    parser.add_argument("--payload", choices=["full", "typical"], default="full",
                        help="full: 16 FHIR resources per request; typical: 6")
    args = parser.parse_args()
    requests, clients = (200, 4) if args.smoke else (args.requests, args.clients)
    key = ec.generate_private_key(ec.SECP256R1())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / f"{SERVICE}.json").write_text(json.dumps(compile_file(str(SEED))))
        proc, url = start(folder, key, args.workers)
        try:
            kinds = [patient(k, f"p{k}", args.payload) for k in range(3)]
            total = requests + 200  # the first 200 warm the service up and are not counted
            bodies = []
            for i in range(total):
                pre, _ = kinds[i % 3]
                bodies.append(json.dumps({"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                                          "context": {"userId": "Practitioner/1", "patientId": f"p{i % 3}"},
                                          "prefetch": pre}).encode())
            asyncio.run(load(url, bodies[:200], key, clients))
            server0, client0 = cpu_seconds(proc.pid), time.process_time()
            latencies, errors, wall = asyncio.run(load(url, bodies[200:], key, clients))
            server_cpu, client_cpu = cpu_seconds(proc.pid) - server0, time.process_time() - client0
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        runtime = runtime_alone(folder, [f for _, f in kinds], 300 if args.smoke else 3000)
        peer = empty_endpoint_peer(bodies[200:200 + min(requests, 5000)], key, clients)
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    resources = sum(len(b["entry"]) for b in kinds[0][0].values())
    print(f"CDS Hooks service, seed ruleset, {requests:,} requests from {clients} concurrent clients, "
          f"{args.workers} worker(s), {resources} FHIR resources per request ({os.cpu_count()} cores, loopback)")
    print(f"  requests/s {requests / wall:,.0f}   p50 {p50:.2f} ms   p99 {p99:.2f} ms   errors {len(errors)}")
    print(f"  CPU per request: service {server_cpu / requests * 1000:.2f} ms (all its processes), "
          f"load-test client {client_cpu / requests * 1000:.2f} ms (same machine)")
    print(f"  runtime alone (validate + evaluate explain=True, in-process): median {runtime * 1e6:.1f} µs per patient")
    print(f"  peer: the same client against an endpoint that does nothing: {peer[0]:,.0f} requests/s, "
          f"client CPU {peer[1]:.2f} ms per request, endpoint {peer[2]:.2f} ms (the most this client can send here)")
    body_kb = sum(len(b) for b in bodies) / len(bodies) / 1024
    print(f"  request body {body_kb:.1f} KB average; each carries a fresh ES256 JWT")
    if not args.smoke:
        met = p99 < 20 and requests / wall >= 1000
        print(f"  target (p99 < 20 ms, >= 1,000 requests/s): {'met' if met else 'NOT met'}")
    if errors:
        raise SystemExit(f"{len(errors)} requests failed; the first: {errors[0]}")


if __name__ == "__main__":
    main()
