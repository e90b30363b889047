"""Schemathesis hooks for scripts/fuzz.ts: engine-rest passthrough paths are for workers, so they get the machine token."""
import os

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.path.startswith("/engine-rest/"):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {os.environ['FUZZ_MACHINE_TOKEN']}"}
