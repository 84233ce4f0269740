"""matrix-js-sdk (the SDK under Element Web) as a test client, run with Node.

``make test`` installs it with ``npm ci`` from the committed ``js/package-lock.json``.
Run alone, :func:`require_js_sdk` does the same once; when npm cannot reach its
registry the tests that need the SDK are skipped, saying so (never silently).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS_DIR = Path(__file__).resolve().parent / "js"
SDK = JS_DIR / "node_modules" / "matrix-js-sdk"


def require_js_sdk() -> Path:
    """The Node executable, with matrix-js-sdk installed; skips when that cannot be."""
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None:
        pytest.skip("Node.js is not installed: the matrix-js-sdk client tests need it")
    if not SDK.is_dir():
        if npm is None:
            pytest.skip("npm is not installed: cannot install matrix-js-sdk")
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS_DIR,
            capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0 or not SDK.is_dir():
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            pytest.skip("npm ci could not install matrix-js-sdk (registry unreachable?): "
                        + " | ".join(tail))
    return Path(node)


async def run_js_sdk(baseurl: str, user_id: str, access_token: str,
                     steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run ``steps`` (see js/refusals.mjs) as ``user_id``; one result per step."""
    node = require_js_sdk()
    plan = {"baseUrl": baseurl, "userId": user_id, "accessToken": access_token,
            "steps": steps}
    proc = await asyncio.create_subprocess_exec(
        str(node), str(JS_DIR / "refusals.mjs"), json.dumps(plan), cwd=JS_DIR,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    results: list[dict[str, Any]] = json.loads(out)
    assert len(results) == len(steps), results
    return results
