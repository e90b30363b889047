"""Schemathesis hooks for scripts/fuzz.ts: a session token on every call, except on the engine-rest
passthrough paths, which are for workers and get the machine token. (Headers given with --header
would win over anything set here, so the tokens come from the environment instead.)"""
import os

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    token = os.environ["FUZZ_MACHINE_TOKEN" if case.path.startswith("/engine-rest/") else "FUZZ_SESSION_TOKEN"]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@schemathesis.check
def no_proxy_made_server_error(ctx, response, case):
    """No 5xx of the proxy's own making. On /api every answer is the proxy's (a 502 there means it
    sent the engine something the engine could not take). On /engine-rest the engine's own answers
    pass through unchanged by design, its 5xx included; only the proxy's envelope counts there."""
    if response.status_code < 500:
        return None
    if case.path.startswith("/engine-rest/"):
        try:
            body = response.json()
        except ValueError:
            body = None
        if not (isinstance(body, dict) and "error" in body and "requestId" in body):
            return None
    raise AssertionError(f"the proxy answered {response.status_code}: {response.text[:300]}")
