#!/usr/bin/env python3
"""The wait page in a real browser (headless Chromium through Selenium).

A tiny local HTTP server serves the page the core renders for
examples/workflows/expense_form.json (through the `approval_page` example)
with the security headers of `page::SECURITY_HEADERS`, and records what the
browser posts. The test:

1. opens the page, saves a phone-sized screenshot to
   docs/images/approval-page.png;
2. fills the form (amount, category, note, urgent) and submits it;
3. decodes the posted body with the core (the `decode_form` example) and
   checks the typed JSON; clicks Reject on an Approve/Reject page and checks
   it decodes to {"approved": false};
4. opens a page whose webhook_config is full of XSS attempts and checks they
   show as text: no dialog opens and no element but the page's own exists.

Run from the repository root: python3 tests/browser/page_test.py
(scripts/browser-test.sh installs what it needs and runs it).
"""

import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(ROOT, "target", "debug", "examples")
WORKFLOW = os.path.join(ROOT, "examples", "workflows", "expense_form.json")
SCREENSHOT = os.path.join(ROOT, "docs", "images", "approval-page.png")
RESUME_PATH = "/webhook/workflow/resume/webhook_exec_1_wait_expense_0123456789abcdefghjkmnpqrs"

# Must match page::SECURITY_HEADERS (checked against the Rust constant below).
CSP_PREFIX = "default-src 'none'; style-src 'sha256-"

HOSTILE = {
    "title": "<script>alert('title')</script>\"'&",
    "description": "<img src=x onerror=alert('img')> <b>bold?</b>",
    "form": [
        {"name": "a", "label": "\"><svg onload=alert('label')>", "required": True},
        {"name": "s", "type": "select", "options": ["'><script>alert(1)</script>", "ok"]},
    ],
}


def run(cmd, stdin=None):
    out = subprocess.run(cmd, input=stdin, capture_output=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {out.stdout.decode()} {out.stderr.decode()}")
    return out.stdout


def security_headers():
    """The header values from core/src/page.rs, so the test serves exactly them."""
    src = open(os.path.join(ROOT, "core", "src", "page.rs"), encoding="utf-8").read()
    start = src.index("pub const CONTENT_SECURITY_POLICY: &str = \"") + len(
        "pub const CONTENT_SECURITY_POLICY: &str = \""
    )
    csp = src[start : src.index('";', start)].replace("\\\n", "")
    assert csp.startswith(CSP_PREFIX), csp
    return [
        ("Content-Security-Policy", csp),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ]


class Server(http.server.ThreadingHTTPServer):
    page = b""
    posts = []


class Handler(http.server.BaseHTTPRequestHandler):
    def send_page(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for name, value in security_headers():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_page(200, self.server.page)

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.server.posts.append((self.path, self.headers.get("Content-Type"), body))
        self.send_page(200, b"<!DOCTYPE html><title>Thank you</title><h1>Thank you</h1>")

    def log_message(self, *args):
        pass


def browser():
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=420,1000",
    ):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def main():
    run(["cargo", "build", "-q", "-p", "prana-webhook-core",
         "--example", "approval_page", "--example", "decode_form"])
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    resume_url = f"{base}{RESUME_PATH}?sig=test"
    server.page = run([os.path.join(EXAMPLES, "approval_page"), WORKFLOW, resume_url])

    driver = browser()
    try:
        # 1. The page, and its screenshot.
        driver.get(resume_url)
        assert driver.title == "Expense approval", driver.title
        assert driver.find_element(By.TAG_NAME, "h1").text == "Expense approval"
        # The inline style is allowed by its hash in the CSP: the button is green.
        button = driver.find_element(By.CSS_SELECTOR, "button[type=submit]")
        assert button.value_of_css_property("background-color") in (
            "rgb(21, 128, 61)", "rgba(21, 128, 61, 1)"), "the CSP blocked the page's style"
        os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
        driver.save_screenshot(SCREENSHOT)
        assert os.path.getsize(SCREENSHOT) > 1000

        # 2. Fill and submit.
        driver.find_element(By.NAME, "amount").send_keys("42.50")
        Select(driver.find_element(By.NAME, "category")).select_by_visible_text("travel")
        driver.find_element(By.NAME, "note").send_keys("Taxi & tip <ok>")
        driver.find_element(By.NAME, "urgent").click()
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 10).until(lambda _: server.posts)
        path, ctype, body = server.posts[0]
        assert path == f"{RESUME_PATH}?sig=test", path
        assert ctype == "application/x-www-form-urlencoded", ctype

        # 3. The core decodes what the browser sent.
        decoded = json.loads(run([os.path.join(EXAMPLES, "decode_form"), WORKFLOW], stdin=body))
        expected = {"amount": 42.5, "category": "travel", "note": "Taxi & tip <ok>", "urgent": True}
        assert decoded == expected, (decoded, body)

        # Approve/Reject without a form: Reject posts decision=reject.
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"title": "Deploy v2?"}, f)
        server.page = run([os.path.join(EXAMPLES, "approval_page"), f.name, resume_url])
        driver.get(resume_url)
        driver.find_element(By.CSS_SELECTOR, "button.no").click()
        WebDriverWait(driver, 10).until(lambda _: len(server.posts) == 2)
        decoded = json.loads(run([os.path.join(EXAMPLES, "decode_form"), f.name],
                                 stdin=server.posts[1][2]))
        os.unlink(f.name)
        assert decoded == {"approved": False}, decoded

        # 4. XSS attempts in webhook_config show as text.
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(HOSTILE, f)
        server.page = run([os.path.join(EXAMPLES, "approval_page"), f.name, resume_url])
        os.unlink(f.name)
        driver.get(resume_url)
        try:
            alert = driver.switch_to.alert
            raise SystemExit(f"a script ran: {alert.text}")
        except NoAlertPresentException:
            pass
        assert driver.title == HOSTILE["title"], driver.title
        assert driver.find_element(By.TAG_NAME, "h1").text == HOSTILE["title"]
        for tag in ("script", "img", "svg", "b"):
            assert not driver.find_elements(By.TAG_NAME, tag), f"<{tag}> was created"
        options = [o.text for o in driver.find_elements(By.TAG_NAME, "option")]
        assert HOSTILE["form"][1]["options"][0] in options, options
    finally:
        driver.quit()
        server.shutdown()
    print(f"browser test passed; screenshot in {os.path.relpath(SCREENSHOT, ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
