"""Open a view in headless Chromium and report what it did: draw time, requests, a screenshot.

Used by the browser tests, the draw-time benchmark and to make the README screenshot.
It speaks the DevTools protocol over ``--remote-debugging-pipe`` (file descriptors 3 and
4), so it needs nothing but the ``chromium`` binary: no WebSocket library, no open port.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where Debian puts the browser; ``CITEGRAPH_CHROMIUM`` overrides it.
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
    "--remote-debugging-pipe",
)


class BrowserError(RuntimeError):
    """Chromium could not be started or did not answer in time."""


def find_chromium() -> str | None:
    """The Chromium binary to use, or None when none is installed."""
    override = os.environ.get("CITEGRAPH_CHROMIUM")
    if override:
        return override
    for path in CHROMIUM_PATHS:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("chromium")


@dataclass
class PageReport:
    """What happened while a page loaded."""

    requests: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


class Browser:
    """One headless Chromium with one page, driven over the DevTools pipe."""

    def __init__(self, width: int = 1280, height: int = 800, binary: str | None = None) -> None:
        binary = binary or find_chromium()
        if not binary:
            raise BrowserError("chromium is not installed")
        self._profile = tempfile.TemporaryDirectory(prefix="citegraph-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes() -> None:  # in the child: the pipe ends become fds 3 and 4
            r, w = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self._profile.name}",
             f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=wire_pipes,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session = ""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        self.report = PageReport()
        for domain in ("Page", "Network", "Runtime"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)

    # --- protocol -------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")

    def _receive(self, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise BrowserError("chromium closed the DevTools pipe")
                self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message = json.loads(raw)
        if "method" in message:
            self._record(message)
        return message

    def _record(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        params = event.get("params", {})
        if event["method"] == "Network.requestWillBeSent":
            self.report.requests.append(params["request"]["url"])
        elif event["method"] == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.report.exceptions.append(
                details.get("exception", {}).get("description") or details.get("text", ""))
        elif event["method"] == "Runtime.consoleAPICalled":
            self.report.console.append(" ".join(
                str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))

    def call(self, method: str, timeout: float = 30.0, **params: Any) -> dict[str, Any]:
        """Send one DevTools command to the page (or the browser) and wait for its answer."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        self._send(message)
        deadline = time.monotonic() + timeout
        while True:
            answer = self._receive(max(0.0, deadline - time.monotonic()))
            if answer is None:
                raise BrowserError(f"no answer to {method} within {timeout:.0f} s")
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error'].get('message')}")
                return answer.get("result", {})

    # --- page helpers ---------------------------------------------------------------
    def evaluate(self, expression: str, timeout: float = 30.0) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited)."""
        result = self.call("Runtime.evaluate", timeout=timeout, expression=expression,
                           returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"page script failed: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    def before_load(self, script: str) -> None:
        """Run ``script`` in every document before the page's own scripts."""
        self.call("Page.addScriptToEvaluateOnNewDocument", source=script)

    def open(self, path: str | Path) -> None:
        """Navigate to a local file (the page's ``performance.now()`` starts there)."""
        self.call("Page.navigate", url=Path(path).resolve().as_uri())

    def wait_for(self, expression: str, timeout: float = 30.0) -> Any:
        """Poll ``expression`` until it is truthy; its value, or BrowserError on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except BrowserError:
                value = None
            if value:
                return value
            self._receive(0.05)
        raise BrowserError(f"timed out waiting for {expression}")

    def pump(self, seconds: float) -> None:
        """Let the page run for a while, recording the events it sends."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._receive(deadline - time.monotonic())

    def screenshot(self, path: str | Path) -> Path:
        """Save a PNG of the viewport."""
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Stop this browser and remove its profile."""
        try:
            self._send({"id": 0, "method": "Browser.close", "params": {}})
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def screenshot(page: str | Path, png: str | Path, width: int = 1280, height: int = 800,
               timeout: float = 60.0) -> Path:
    """Open a saved view, wait until it is drawn, and save a PNG of it (e.g. for the docs)."""
    with Browser(width=width, height=height) as browser:
        browser.open(page)
        browser.wait_for("window.citegraphView && window.citegraphView.drawnAt", timeout)
        browser.pump(0.5)
        return browser.screenshot(png)
