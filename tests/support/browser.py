"""A real browser on a page of `redline serve`: headless Chromium driven through selenium.

The terminal on the page draws on a canvas, so what the user sees is read back as the crash
tests read a pty: every byte the page's websocket receives is also fed to a terminal
emulator (pyte) of the page's size. The browser's "Leave site?" prompts are seen through
WebDriver BiDi, which reports a beforeunload prompt (classic WebDriver only accepts it).
"""

from __future__ import annotations

import base64
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pyte
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.bidi.browsing_context import UserPromptOpenedParameters

RECORD_THE_SOCKET = """
window.redlineTest = { frames: [], size: null };
const PageSocket = window.WebSocket;
window.WebSocket = class extends PageSocket {
  constructor(url, ...rest) {
    super(url, ...rest);
    const query = new URL(url).searchParams;
    window.redlineTest.size = [Number(query.get("width")), Number(query.get("height"))];
    this.addEventListener("message", (event) => {
      if (typeof event.data === "string") return;
      window.redlineTest.frames.push(new Uint8Array(event.data));
    });
  }
  send(data) {
    const message = typeof data === "string" && data.startsWith("[") ? JSON.parse(data) : null;
    if (message && message[0] === "resize") {
      window.redlineTest.size = [message[1].width, message[1].height];
    }
    return super.send(data);
  }
};
"""
"""Runs before the page's own scripts: the page's socket also keeps what it receives, and
the terminal size it asked for, for :class:`PageTerminal`."""

TAKE_FRAMES = """
const frames = window.redlineTest.frames.splice(0).map((bytes) => {
  let text = "";
  for (let at = 0; at < bytes.length; at += 8192) {
    text += String.fromCharCode.apply(null, bytes.subarray(at, at + 8192));
  }
  return btoa(text);
});
return [window.redlineTest.size, frames];
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not after {timeout} s"
        time.sleep(0.05)


def leave(driver: webdriver.Chrome) -> None:
    """Navigate away, as a click on a link would; from a timer, so that the script returns
    before a prompt can block it."""
    driver.execute_script("setTimeout(() => { window.location.href = 'about:blank'; }, 0)")


def wait_until_listening(port: int, alive: Callable[[], bool], timeout: float) -> None:
    """Until 127.0.0.1:``port`` accepts a connection; ``alive()`` false fails at once."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert alive(), "the server exited before listening"
            assert time.monotonic() < deadline, f"nothing listens on {port} after {timeout} s"
            time.sleep(0.05)


def _executable(name: str) -> str:
    found = shutil.which(name)
    assert found, (
        f"{name} is not on PATH: install Debian's chromium and chromium-driver "
        "(apt-get install -y chromium chromium-driver; .ci/run does it)"
    )
    return found


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """Headless Chromium with BiDi, a beforeunload prompt left open for the test to answer,
    and the socket recorder installed on every page it opens."""
    options = webdriver.ChromeOptions()
    options.binary_location = _executable("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1400,1000")
    options.enable_bidi = True
    options.set_capability("unhandledPromptBehavior", {"beforeUnload": "ignore"})
    # The driver named outright: selenium would otherwise go looking for one to download.
    driver = webdriver.Chrome(options=options, service=Service(_executable("chromedriver")))
    # Read when the BiDi socket opens. It bounds each BiDi reply, and also how long quit()
    # waits for the socket's reader thread, which, after a beforeunload prompt, is often left
    # in a select() that only its own timeout (10 s) ends.
    driver.command_executor.client_config.websocket_timeout = 3
    try:
        driver.set_script_timeout(10)
        driver.set_page_load_timeout(20)
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_THE_SOCKET}
        )
        yield driver
    finally:
        driver.quit()


class PageTerminal:
    """The terminal of a textual-serve page as the user sees it."""

    def __init__(self, driver: webdriver.Chrome) -> None:
        self.driver = driver
        self.screen: pyte.Screen | None = None
        self.stream: pyte.ByteStream | None = None

    def focus(self) -> None:
        """Keys to the terminal, as a click on it would send them (without the click, which
        the app would take as one)."""
        self.driver.execute_script("document.querySelector('.xterm-helper-textarea').focus()")

    def text(self) -> str:
        size, frames = self.driver.execute_script(TAKE_FRAMES)
        if size is None:
            return ""
        columns, lines = size
        if self.screen is None:
            self.screen = pyte.Screen(columns, lines)
            self.stream = pyte.ByteStream(self.screen)
        elif (self.screen.columns, self.screen.lines) != (columns, lines):
            self.screen.resize(lines, columns)
        assert self.stream is not None
        for frame in frames:
            self.stream.feed(base64.b64decode(frame))
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in (screen := self.text()):
            assert time.monotonic() < deadline, (
                f"{needle!r} not on the page after {timeout} s:\n{screen}"
            )
            time.sleep(0.05)


class Prompts:
    """The user prompts (alert, confirm, beforeunload) the browser opens, as BiDi reports
    them; each one stays open until :meth:`answer`."""

    def __init__(self, driver: webdriver.Chrome) -> None:
        self.driver = driver
        self._opened: list[UserPromptOpenedParameters] = []
        self._lock = threading.Lock()
        driver.browsing_context.add_event_handler("user_prompt_opened", self._on_opened)

    def _on_opened(self, prompt: UserPromptOpenedParameters) -> None:
        with self._lock:
            self._opened.append(prompt)

    def opened(self) -> list[UserPromptOpenedParameters]:
        with self._lock:
            return list(self._opened)

    def wait_for_one(self, timeout: float = 5.0) -> UserPromptOpenedParameters:
        deadline = time.monotonic() + timeout
        while not (opened := self.opened()):
            assert time.monotonic() < deadline, f"no prompt opened in {timeout} s"
            time.sleep(0.05)
        assert len(opened) == 1, opened
        return opened[0]

    def answer(self, prompt: UserPromptOpenedParameters, accept: bool) -> None:
        self.driver.browsing_context.handle_user_prompt(context=prompt.context, accept=accept)
        with self._lock:
            self._opened.remove(prompt)
