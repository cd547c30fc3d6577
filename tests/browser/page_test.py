#!/usr/bin/env python3
"""The wait page in a real browser, against the real gateway.

Starts target/gateway/prana-gateway (SQLite, a signing key, a throwaway
directory) with examples/workflows/expense_form.json and two variants made
from it here: `expense_echo` (the node after the wait passes the submitted
form on, so the execution's output is the typed form) and `expense_xss`
(XSS attempts in every text of its webhook_config). Then, with headless
Chromium driven by Selenium:

1. triggers expense_form and takes the resume URL from the trigger's answer;
2. a scanner-style GET (curl) and a Chromium prefetch/preload of the link
   leave the wait active;
3. opens the resume URL (the page, with its security headers), saves a
   phone-sized screenshot to docs/images/approval-page.png, fills the form
   and submits it: the execution completes; the same through expense_echo
   gives the typed output;
4. a second visit shows "already used" (409);
5. the XSS texts render as text: no dialog, no element but the page's own.

Run from the repository root after building the gateway
(scripts/page-browser-test.sh builds it, installs what it needs, runs this).
"""

import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GATEWAY = os.path.join(ROOT, "target", "gateway", "prana-gateway")
WORKFLOW = os.path.join(ROOT, "examples", "workflows", "expense_form.json")
SCREENSHOT = os.path.join(ROOT, "docs", "images", "approval-page.png")
KEY = "k1:browser-test-secret-0123456789"

HOSTILE_TITLE = "<script>alert('title')</script>\"'&"
HOSTILE = {
    "title": HOSTILE_TITLE,
    "description": "<img src=x onerror=alert('img')> <b>bold?</b>",
    "form": [
        {"name": "a", "label": "\"><svg onload=alert('label')>", "required": True},
        {"name": "s", "type": "select", "options": ["'><script>alert(1)</script>", "ok"]},
    ],
}


def variants(directory):
    """expense_form.json as is, plus the echo and XSS variants made from it."""
    wf = json.load(open(WORKFLOW, encoding="utf-8"))
    shutil.copy(WORKFLOW, directory)
    echo = json.loads(json.dumps(wf))
    echo["id"] = "expense_echo"
    for node in echo["nodes"]:
        if node["key"] == "record":
            node["type"] = "log"  # passes its input (the typed form) on
            node["params"] = {"message": "expense recorded"}
    json.dump(echo, open(os.path.join(directory, "expense_echo.json"), "w"))
    xss = json.loads(json.dumps(wf))
    xss["id"] = "expense_xss"
    for node in xss["nodes"]:
        if node["key"] == "wait_expense":
            node["params"]["webhook_config"] = HOSTILE
    json.dump(xss, open(os.path.join(directory, "expense_xss.json"), "w"))


class Gateway:
    def __init__(self, tmp):
        self.tmp = tmp
        workflows = os.path.join(tmp, "workflows")
        os.makedirs(workflows)
        variants(workflows)
        with open(os.path.join(tmp, "keys"), "w") as f:
            f.write(KEY + "\n")
        port_file = os.path.join(tmp, "port")
        self.log = open(os.path.join(tmp, "gateway.log"), "w")
        self.proc = subprocess.Popen(
            [GATEWAY, "--port", "0", "--port-file", port_file, "--db",
             os.path.join(tmp, "gw.db"), "--workflows", workflows, "--key-file",
             os.path.join(tmp, "keys")],
            stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            if self.proc.poll() is not None:
                raise SystemExit("the gateway exited at start: " + open(self.log.name).read())
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{open(port_file).read().strip()}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()

    def call(self, method, url, body=None, headers=None):
        """(status, headers, body text) of one request."""
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()

    def trigger(self, workflow):
        status, _, body = self.call(
            "POST", f"{self.base}/webhook/workflow/trigger/{workflow}", b"{}",
            {"Content-Type": "application/json"})
        assert status == 201, (status, body)
        d = json.loads(body)
        return d["execution_id"], d["resume_urls"]["wait_expense"]

    def execution(self, execution_id):
        status, _, body = self.call("GET", f"{self.base}/executions/{execution_id}")
        assert status == 200, (status, body)
        return json.loads(body)

    def resume_gets(self):
        """How many GETs of resume URLs the gateway answered 200 so far."""
        _, _, body = self.call("GET", f"{self.base}/metrics")
        for line in body.splitlines():
            if line.startswith('prana_gateway_requests_total{route="resume",status="200"} '):
                return int(line.split()[-1])
        return 0


def wait_status(gw, execution_id):
    d = gw.execution(execution_id)
    return d["status"], d["registrations"][0]["status"]


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


class LinkPage(http.server.BaseHTTPRequestHandler):
    """A page of another site that prefetches and preloads the resume URL,
    as a mail client or chat preview might."""

    link = ""

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = (
            "<!DOCTYPE html><html><head>"
            f'<link rel="prefetch" href="{self.link}">'
            f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{self.link}">'
            f'<link rel="preload" as="document" href="{self.link}">'
            f"</head><body><a href=\"{self.link}\">Approve the expense</a></body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def fill_and_submit(driver, url):
    driver.get(url)
    driver.find_element(By.NAME, "amount").send_keys("42.50")
    Select(driver.find_element(By.NAME, "category")).select_by_visible_text("travel")
    driver.find_element(By.NAME, "note").send_keys("Taxi & tip <ok>")
    driver.find_element(By.NAME, "urgent").click()
    form_heading = driver.find_element(By.TAG_NAME, "h1")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # The form page goes away first; an element read while it is being
    # replaced is stale, so wait for that, then read the result page's.
    wait = WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,))
    wait.until(EC.staleness_of(form_heading))
    return wait.until(lambda d: d.find_element(By.TAG_NAME, "h1").text)


def main():
    if not os.access(GATEWAY, os.X_OK):
        raise SystemExit(f"missing {GATEWAY}: build it first (scripts/page-browser-test.sh does)")
    tmp = tempfile.mkdtemp(prefix="prana-browser-")
    gw = Gateway(tmp)
    driver = None
    links = None
    try:
        # 1. A trigger's answer holds the link a person would get.
        execution_id, url = gw.trigger("expense_form")
        assert wait_status(gw, execution_id) == ("suspended", "active")

        # 2. Scanners: curl's GET, then Chromium prefetching/preloading the link.
        out = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", url],
                             capture_output=True, text=True, check=True).stdout
        body, code = out.rsplit("\n", 1)
        assert code == "200" and json.loads(body)["status"] == "active", out
        assert wait_status(gw, execution_id) == ("suspended", "active"), "curl's GET acted"

        driver = browser()
        LinkPage.link = url
        links = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LinkPage)
        threading.Thread(target=links.serve_forever, daemon=True).start()
        before = gw.resume_gets()
        driver.get(f"http://127.0.0.1:{links.server_address[1]}/mail")
        deadline = time.time() + 5
        while gw.resume_gets() == before and time.time() < deadline:
            time.sleep(0.1)
        fetched = gw.resume_gets() - before
        assert fetched > 0, "Chromium did not prefetch or preload the link"
        assert wait_status(gw, execution_id) == ("suspended", "active"), "a prefetch acted"
        print(f"   scanners: curl and {fetched} Chromium prefetch/preload GET(s) left the wait active")

        # 3. The page: security headers, screenshot, the form.
        status, headers, _ = gw.call("GET", url, headers={"Accept": "text/html"})
        assert status == 200, status
        assert headers["Content-Security-Policy"].startswith("default-src 'none'"), headers
        assert headers["X-Frame-Options"] == "DENY", headers
        driver.get(url)
        assert driver.title == "Expense approval", driver.title
        assert driver.find_element(By.TAG_NAME, "h1").text == "Expense approval"
        # The inline style is allowed by its hash in the CSP: the button is green.
        button = driver.find_element(By.CSS_SELECTOR, "button[type=submit]")
        assert button.value_of_css_property("background-color") in (
            "rgb(21, 128, 61)", "rgba(21, 128, 61, 1)"), "the CSP blocked the page's style"
        os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
        driver.save_screenshot(SCREENSHOT)
        assert os.path.getsize(SCREENSHOT) > 1000
        done = fill_and_submit(driver, url)
        assert wait_status(gw, execution_id) == ("completed", "consumed"), gw.execution(execution_id)
        assert gw.execution(execution_id)["state"]["output"] == {"result": "recorded"}
        print(f"   expense_form: submitted ('{done}'), execution completed")

        # The typed output, through the variant that passes the form on.
        echo_id, echo_url = gw.trigger("expense_echo")
        fill_and_submit(driver, echo_url)
        d = gw.execution(echo_id)
        expected = {"amount": 42.5, "category": "travel", "note": "Taxi & tip <ok>", "urgent": True}
        assert d["status"] == "completed" and d["state"]["output"] == expected, d

        # 4. A second visit: already used.
        driver.get(url)
        assert "already used" in driver.page_source.lower(), driver.page_source
        status, _, _ = gw.call("GET", url, headers={"Accept": "text/html"})
        assert status == 409, status

        # 5. XSS attempts in webhook_config show as text.
        xss_id, xss_url = gw.trigger("expense_xss")
        driver.get(xss_url)
        try:
            alert = driver.switch_to.alert
            raise SystemExit(f"a script ran: {alert.text}")
        except NoAlertPresentException:
            pass
        assert driver.title == HOSTILE_TITLE, driver.title
        assert driver.find_element(By.TAG_NAME, "h1").text == HOSTILE_TITLE
        for tag in ("script", "img", "svg", "b"):
            assert not driver.find_elements(By.TAG_NAME, tag), f"<{tag}> was created"
        options = [o.text for o in driver.find_elements(By.TAG_NAME, "option")]
        assert HOSTILE["form"][1]["options"][0] in options, options
        assert wait_status(gw, xss_id) == ("suspended", "active")
    finally:
        if driver:
            driver.quit()
        if links:
            links.shutdown()
        gw.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"browser test passed; screenshot in {os.path.relpath(SCREENSHOT, ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
