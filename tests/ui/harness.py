"""harness.py - what the browser tests of `baosong ui` share.

A County is a real baosongd on 127.0.0.1 (a port the OS picks) with its
units; County.client() enrols a real baosong data directory; Client.ui()
starts `baosong ui --no-open` and reads the address it prints.  browser()
opens Debian's chromium (headless, 1366x768) through chromedriver, and
shot() keeps a screenshot as a test artefact.

Time is an input, as in tests/integration/clock.sh: every process gets
BAOSONG_NOW (default an ordinary Wednesday, 2026-11-18 10:00 Beijing time)
and BAOSONG_NOW_SINCE (when this test started), so they share one running
clock; now_bj() is that clock, for expectations.  Nothing here reads the
wall clock to decide what to expect.

Every process is killed when the test ends (atexit), and every wait has a
timeout, so a test stops by itself.
"""
import atexit
import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import http.client

os.environ.setdefault("BAOSONG_NOW", "2026-11-18 10:00")
os.environ["BAOSONG_NOW_SINCE"] = "%.6f" % time.time()
os.environ["TZ"] = "UTC"
os.environ["LC_ALL"] = "C.UTF-8"
_SINCE = float(os.environ["BAOSONG_NOW_SINCE"])
_PROCS = []
_FAILED = [False]


def now_bj():
    """Now on the tests' clock, as a naive datetime in Beijing time."""
    v = os.environ["BAOSONG_NOW"]
    fmt = "%Y-%m-%d %H:%M:%S" if v.count(":") == 2 else "%Y-%m-%d %H:%M"
    start = datetime.datetime.strptime(v, fmt)
    return start + datetime.timedelta(seconds=time.time() - _SINCE)


def _cleanup():
    for p in _PROCS:
        if p.poll() is None:
            p.kill()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                pass


atexit.register(_cleanup)


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        _FAILED[0] = True
        raise Fail(what)
    print("ok -", what, flush=True)


def tmpdir(name):
    d = tempfile.mkdtemp(prefix="bs-ui-%s-" % name)

    def rm():
        if not _FAILED[0]:
            shutil.rmtree(d, ignore_errors=True)
        else:
            print("kept %s for inspection" % d, file=sys.stderr)
    atexit.register(rm)
    return d


def run(argv, env=None, timeout=60, check_rc=True):
    r = subprocess.run(argv, env=env, capture_output=True, timeout=timeout)
    if check_rc and r.returncode != 0:
        raise Fail("%s: exit %d\n%s%s" % (" ".join(argv), r.returncode,
                                           r.stdout.decode(errors="replace"),
                                           r.stderr.decode(errors="replace")))
    return r


class County:
    """A server: baosongd serve on 127.0.0.1:0 with a fresh database."""

    def __init__(self, bd, bc, tmp, year=None):
        self.bd, self.bc, self.tmp = os.path.abspath(bd), os.path.abspath(bc), tmp
        self.srv = os.path.join(tmp, "server")
        os.makedirs(self.srv)
        self.db = os.path.join(self.srv, "baosong.db")
        self.key = os.path.join(self.srv, "server.key")
        run([self.bd, "keygen", "--out", self.key])
        run([self.bd, "init", "--db", self.db])
        self.proc = None
        self.port = None
        year = year or now_bj().isocalendar()[0]
        scheme = run([self.bd, "scheme", "example"]).stdout.decode()
        scheme = re.sub(r"(?m)^year = .*$", "year = %d" % year, scheme)
        path = os.path.join(tmp, "scheme.ini")
        with open(path, "w") as f:
            f.write(scheme)
        self.scheme = path

    def admin(self, *args, **kw):
        return run([self.bd] + list(args) + ["--db", self.db], **kw)

    def unit_add(self, code, name, kind="township"):
        self.admin("unit", "add", "--code", code, "--name", name, "--type", kind,
                   "--region", "620421")

    def token(self, unit, role):
        out = self.admin("token", "create", "--unit", unit, "--role", role).stdout.decode()
        return [l for l in out.split("\n") if l.strip() and len(l.split()) == 1][0].strip()

    def start(self):
        portfile = os.path.join(self.srv, "port")
        log = open(os.path.join(self.srv, "log"), "ab")
        self.proc = subprocess.Popen([self.bd, "serve", "--listen", "127.0.0.1:0",
                                      "--port-file", portfile, "--key", self.key,
                                      "--data", self.srv], stdout=log, stderr=log)
        _PROCS.append(self.proc)
        for _ in range(500):
            if os.path.exists(portfile) and os.path.getsize(portfile) > 0:
                break
            time.sleep(0.02)
        with open(portfile) as f:
            self.port = int(f.read().strip())
        self.fp = run([self.bd, "fingerprint", "--key", self.key]).stdout.decode().strip()

    def client(self, name, unit, role):
        c = Client(self, os.path.join(self.tmp, name))
        c.run("init", "--server", "127.0.0.1:%d" % self.port, "--server-key", self.fp,
              "--token", self.token(unit, role))
        return c


class Client:
    """A baosong data directory."""

    def __init__(self, county, path):
        self.county, self.dir = county, path

    def env(self):
        e = dict(os.environ)
        e["BAOSONG_DIR"] = self.dir
        return e

    def run(self, *args, **kw):
        return run([self.county.bc] + list(args), env=self.env(), **kw)

    def ui(self, *extra):
        return UI(self, list(extra))


class UI:
    """`baosong ui --no-open` of a client: its process and address."""

    def __init__(self, client, extra):
        self.out = os.path.join(client.dir, "ui.out")
        self.err = open(os.path.join(client.dir, "ui.err"), "ab")
        self.proc = subprocess.Popen([client.county.bc, "ui", "--no-open"] + extra,
                                     env=client.env(), stdout=open(self.out, "wb"),
                                     stderr=self.err)
        _PROCS.append(self.proc)
        self.url = None
        for _ in range(500):
            with open(self.out, "rb") as f:
                m = re.search(rb"http://[^\s]+/login\?k=[0-9a-f]+", f.read())
            if m:
                self.url = m.group(0).decode()
                break
            if self.proc.poll() is not None:
                raise Fail("baosong ui exited %d" % self.proc.returncode)
            time.sleep(0.02)
        if self.url is None:
            raise Fail("baosong ui printed no address")
        p = urllib.parse.urlsplit(self.url)
        self.base = "%s://%s" % (p.scheme, p.netloc)
        self.host, self.port = p.hostname, p.port
        self.key = urllib.parse.parse_qs(p.query)["k"][0]

    def cookie_name(self):
        return "baosong_ui_%d" % self.port

    def request(self, method, path, body=None, headers=None, cookie=True):
        """A raw request (http.client): (status, headers dict, body bytes)."""
        h = {"Host": "%s:%d" % (self.host, self.port)}
        if cookie:
            h["Cookie"] = "%s=%s" % (self.cookie_name(), self.key)
        h.update(headers or {})
        c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.returncode


def browser():
    """Headless Debian chromium at 1366x768 through /usr/bin/chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1366,768", "--lang=zh-CN", "--no-first-run",
              "--disable-extensions", "--disable-background-networking"):
        o.add_argument(a)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.set_page_load_timeout(30)
    # The page itself 1366x768, whatever the window's own bars take.
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})
    atexit.register(d.quit)
    return d


def shots_dir():
    d = os.environ.get("BS_UI_SHOTS") or os.path.join(os.getcwd(), "ui-shots")
    os.makedirs(d, exist_ok=True)
    return d


def shot(driver, name, full=False):
    """Keep a screenshot NAME.png at 1366x768 (full: the whole page's height)."""
    path = os.path.join(shots_dir(), name + ".png")
    def size(height):
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1366, "height": height, "deviceScaleFactor": 1,
                                "mobile": False})
    if full:
        h = driver.execute_script("return document.documentElement.scrollHeight")
        size(max(768, min(int(h), 4000)))
    driver.save_screenshot(path)
    if full:
        size(768)
    print("screenshot", path, flush=True)
    return path


def wait_for(cond, what, timeout=30.0):
    """Call cond() until it returns a true value (exceptions from a page
    being replaced count as not yet); Fail after timeout seconds."""
    end = time.time() + timeout
    last = None
    while time.time() < end:
        try:
            v = cond()
            if v:
                return v
        except Exception as e:  # stale elements while a page loads
            last = e
        time.sleep(0.1)
    raise Fail("timed out waiting for %s (%s)" % (what, last))


def main_text(driver):
    """The text of the page's <main>, once the page has one."""
    from selenium.webdriver.common.by import By
    return wait_for(lambda: driver.find_element(By.TAG_NAME, "main").text, "a page")


def login(driver, ui):
    driver.get(ui.url)
    return driver


def main(fn):
    """Run fn(bd, bc) with the binaries from argv; exit 0 or 1."""
    if len(sys.argv) < 3:
        print("usage: %s BAOSONGD BAOSONG [SHOTS_DIR]" % sys.argv[0], file=sys.stderr)
        sys.exit(64)
    if len(sys.argv) > 3:
        os.environ["BS_UI_SHOTS"] = sys.argv[3]
    try:
        fn(sys.argv[1], sys.argv[2])
    except Fail as e:
        _FAILED[0] = True
        print("FAIL:", e, file=sys.stderr)
        sys.exit(1)
    except Exception:
        _FAILED[0] = True
        raise
    sys.exit(0)
