"""Schemathesis hooks for scripts/fuzz.ts: a session token on every call, except on the engine-rest
passthrough paths, which are for workers and get the machine token. (Headers given with --header
would win over anything set here, so the tokens come from the environment instead.)"""
import os

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    token = os.environ["FUZZ_MACHINE_TOKEN" if case.path.startswith("/engine-rest/") else "FUZZ_SESSION_TOKEN"]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
