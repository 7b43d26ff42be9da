"""`clinrules cds-hooks DIR`: serve compiled rulesets as a CDS Hooks service."""

from __future__ import annotations

import click

from clinrules.cli._output import EXIT_USAGE, echo_err, render_diagnostics
from clinrules.errors import RulesError

# Seconds an EHR's idle keep-alive connection stays open (uvicorn's default is 5). A client that
# sends its next call just as the server closes the connection gets a dropped request; EHRs
# calling again within a minute keep their connection.
KEEP_ALIVE = 75


@click.command("cds-hooks")
@click.argument("folder", metavar="DIR", type=click.Path())
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--config", "config_path", metavar="FILE.json", help="Issuers and their keys, FHIR servers, "
              "site bindings, limits (docs/cds-hooks.md).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (evaluation is CPU-bound: one per core).")
@click.option("--insecure-no-auth", is_flag=True, help="Accept calls without a JWT: local testing only.")
def cds_hooks_command(folder: str, host: str, port: int, config_path: str | None, workers: int,
                      insecure_no_auth: bool) -> None:
    """Serve every compiled ruleset in DIR (what `clinrules build` writes) as
    a CDS Hooks 2.0 service over FHIR R4: GET /cds-services, POST
    /cds-services/{id}. Exit code 2 when DIR or the configuration cannot be
    used (every problem is listed)."""
    try:
        import uvicorn

        from clinrules.service.app import make_app
        from clinrules.service.config import load_config
        from clinrules.service.discovery import load_services
    except ImportError as exc:
        echo_err(f"clinrules cds-hooks needs the service extra: pip install 'clinrules[service]' ({exc.name} "
                 "is missing)")
        raise SystemExit(EXIT_USAGE) from None
    try:
        config = load_config(config_path)
        services = load_services(folder, config)
    except RulesError as exc:
        echo_err(render_diagnostics(exc.diagnostics, "text"))
        raise SystemExit(EXIT_USAGE) from None
    if not insecure_no_auth and not config.issuers:
        echo_err("clinrules cds-hooks: no issuer is configured, so every call would be refused; give --config "
                 "with `issuers` (docs/cds-hooks.md), or --insecure-no-auth for local testing")
        raise SystemExit(EXIT_USAGE)
    if insecure_no_auth:
        echo_err("WARNING: --insecure-no-auth: calls are accepted WITHOUT authentication. Never use this with "
                 "patient data or on a network others can reach.")
    for service in services.values():
        for warning in service.warnings:
            echo_err(f"warning: {service.id}: {warning}")
        if service.unreadable:
            echo_err(f"note: {service.id}: not readable from FHIR (always unknown): {', '.join(service.unreadable)}")
    base_url = f"http://{host}:{port}"
    echo_err(f"serving {len(services)} CDS service(s) at {base_url}/cds-services")
    if workers == 1:
        app = make_app(services, config, base_url=base_url, insecure_no_auth=insecure_no_auth)
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                    timeout_keep_alive=KEEP_ALIVE)
        return
    import json
    import os

    from clinrules.service.app import ENVIRONMENT

    os.environ[ENVIRONMENT] = json.dumps({"folder": os.path.abspath(folder), "base_url": base_url,
                                          "config": os.path.abspath(config_path) if config_path else None,
                                          "insecure_no_auth": insecure_no_auth})
    uvicorn.run("clinrules.service.app:app_from_environment", factory=True, workers=workers, host=host, port=port,
                log_level="warning", access_log=False, timeout_keep_alive=KEEP_ALIVE,
                # a worker busy evaluating under load is not dead: do not restart it (and drop its connections)
                timeout_worker_healthcheck=60)
