#!/usr/bin/python3
"""test_security.py - a local page is still an attack surface.

With a real baosongd and a real `baosong ui`:
 1. it listens on loopback only (every listening socket of the process, read
    from /proc), and --listen with any other address is refused (exit 64);
 2. a request without the per-launch cookie, or with a wrong key at /login,
    is refused (403); /login with the right key sets an HttpOnly,
    SameSite=Strict cookie;
 3. a wrong Host header (DNS rebinding) is refused (421), with the cookie;
 4. a POST without the CSRF token, or from another origin, is refused (403)
    and changes nothing; in a real browser, a page of another origin that
    posts a form to the UI gets 403 and no sync starts;
 5. every page carries a strict Content-Security-Policy; bodies over the
    cap are refused (413) before they are read; no path reaches a file.

  test_security.py BAOSONGD BAOSONG [SHOTS_DIR]
"""
import http.server
import json
import os
import socket
import subprocess
import threading
import time

import harness as h


def listening_addrs(pid):
    """The local addresses of the TCP sockets in LISTEN state that pid holds."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if t.startswith("socket:["):
            inodes.add(t[8:-1])
    found = []
    for fam in ("tcp", "tcp6"):
        with open("/proc/%d/net/%s" % (pid, fam)) as f:
            next(f)
            for line in f:
                p = line.split()
                local, state, inode = p[1], p[3], p[9]
                if state != "0A" or inode not in inodes:
                    continue
                addr, port = local.split(":")
                raw = bytes.fromhex(addr)
                if fam == "tcp":
                    ip = socket.inet_ntop(socket.AF_INET, raw[::-1])
                else:
                    raw = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    ip = socket.inet_ntop(socket.AF_INET6, raw)
                found.append((ip, int(port, 16)))
    return found


def test(bd, bc):
    tmp = h.tmpdir("security")
    county = h.County(bd, bc, tmp)
    county.unit_add("xinzhen", "新镇")
    county.start()
    clerk = county.client("clerk", "xinzhen", "reporter")
    ui = clerk.ui()

    # 1. loopback only
    addrs = listening_addrs(ui.proc.pid)
    h.check(addrs and all(ip in ("127.0.0.1", "::1") for ip, _ in addrs),
            "baosong ui listens on loopback only: %s" % addrs)
    h.check(ui.host == "127.0.0.1" and (ui.host, ui.port) in addrs,
            "the printed address is the listening one")
    for bad in ("0.0.0.0", "192.168.1.10", "::", "example.org", "127.0.0.2"):
        r = clerk.run("ui", "--no-open", "--listen", bad, check_rc=False, timeout=10)
        h.check(r.returncode == 64 and "只能在本机地址" in r.stderr.decode(),
                "--listen %s refused with exit 64 and a reason" % bad)
    ui6 = clerk.ui("--listen", "::1")
    h.check(all(ip == "::1" for ip, _ in listening_addrs(ui6.proc.pid)), "--listen ::1 works")
    ui6.stop()

    # 2. the cookie
    st, hd, body = ui.request("GET", "/", cookie=False)
    h.check(st == 403 and "没有登录凭据".encode() in body, "GET / without the cookie: 403")
    st, _, _ = ui.request("GET", "/static/app.js", cookie=False)
    h.check(st == 403, "even the script needs the cookie")
    st, _, _ = ui.request("GET", "/login?k=" + "0" * 64, cookie=False)
    h.check(st == 403, "/login with a wrong key: 403")
    st, _, _ = ui.request("GET", "/login?k=" + ui.key[:-1], cookie=False)
    h.check(st == 403, "/login with a truncated key: 403")
    st, hd, _ = ui.request("GET", "/login?k=" + ui.key, cookie=False)
    ck = hd.get("set-cookie", "")
    h.check(st == 303 and hd.get("location") == "/" and "HttpOnly" in ck and
            "SameSite=Strict" in ck and ck.startswith(ui.cookie_name() + "="),
            "/login with the key: 303 and an HttpOnly SameSite=Strict cookie")
    st, _, _ = ui.request("GET", "/", headers={"Cookie": "%s=%s" % (ui.cookie_name(), "f" * 64)},
                          cookie=False)
    h.check(st == 403, "a wrong cookie value: 403")
    st, _, _ = ui.request("GET", "/", cookie=False, headers={
        "Cookie": "%s=%s; %s=%s" % (ui.cookie_name(), "0" * 64, ui.cookie_name(), ui.key)})
    h.check(st == 200, "a decoy cookie of the same name set first (by another port's page) "
            "does not lock the clerk out")

    # 3. Host
    for host in ("evil.example:%d" % ui.port, "127.0.0.1", "127.0.0.1:1", "attacker.localhost"):
        st, _, _ = ui.request("GET", "/", headers={"Host": host})
        h.check(st == 421, "Host %s: 421" % host)
    st, _, _ = ui.request("GET", "/", headers={"Host": "localhost:%d" % ui.port})
    h.check(st == 200, "Host localhost:PORT is this server")

    # 4. CSRF
    st, _, page = ui.request("GET", "/")
    h.check(st == 200, "GET / with the cookie: 200")
    csrf = page.split(b'name="csrf" content="')[1].split(b'"')[0].decode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    st, _, _ = ui.request("POST", "/sync/start", body="x=1", headers=form)
    h.check(st == 403, "POST without the CSRF token: 403")
    st, _, _ = ui.request("POST", "/sync/start", body="_csrf=" + "a" * 64, headers=form)
    h.check(st == 403, "POST with a wrong CSRF token: 403")
    st, _, _ = ui.request("POST", "/sync/start", body="_csrf=" + csrf,
                          headers=dict(form, Origin="http://evil.example"))
    h.check(st == 403, "POST from another origin, even with the token: 403")
    st, _, _ = ui.request("POST", "/sync/start", body="_csrf=" + csrf,
                          headers=dict(form, **{"Sec-Fetch-Site": "cross-site"}))
    h.check(st == 403, "POST marked cross-site by the browser: 403")
    st, _, body = ui.request("GET", "/sync/status")
    h.check(json.loads(body)["started"] is False, "none of them started a sync")

    # ... and in a real browser: another origin's page posts a form to the UI.
    evil_port = []

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            page = ("<!doctype html><form id=f method=post action='%s/sync/start'>"
                    "<input name=_csrf value=guess></form>"
                    "<script>document.getElementById('f').submit()</script>" % ui.base)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page.encode())

        def log_message(self, *a):
            pass
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    d = h.browser()
    h.login(d, ui)
    h.check("今日待办" in d.title, "the browser logged in with the printed address")
    d.get("http://127.0.0.1:%d/" % srv.server_address[1])
    for _ in range(100):
        if d.current_url.startswith(ui.base):
            break
        time.sleep(0.05)
    time.sleep(0.3)
    h.check(d.current_url.startswith(ui.base + "/sync/start") and "403" in d.page_source,
            "a cross-site form post from a real browser page: refused (403)")
    h.shot(d, "security-cross-site-refused")
    srv.shutdown()
    st, _, body = ui.request("GET", "/sync/status")
    h.check(json.loads(body)["started"] is False, "and no sync started")

    # 5. headers, caps, paths
    st, hd, _ = ui.request("GET", "/")
    csp = hd.get("content-security-policy", "")
    h.check("default-src 'none'" in csp and "script-src 'self'" in csp and
            "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp,
            "a strict Content-Security-Policy: %s" % csp)
    h.check(hd.get("x-content-type-options") == "nosniff" and
            hd.get("cache-control") == "no-store" and hd.get("referrer-policy") == "same-origin",
            "nosniff, no-store, no referrer to other origins")
    st, _, _ = ui.request("POST", "/sync/start", body=b"",
                          headers=dict(form, **{"Content-Length": str(65 * 1024 * 1024)}))
    h.check(st == 413, "a body over the cap is refused before it is read (413)")
    for p in ("/static/../../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/etc/passwd",
              "/static/app.css/../../baosong.db", "/baosong.db", "/client.key"):
        st, _, body = ui.request("GET", p)
        h.check(st == 404 and b"root:" not in body and b"SQLite" not in body,
                "GET %s: 404, no file" % p)
    st, _, _ = ui.request("PUT", "/")
    h.check(st == 405, "PUT: 405")
    h.check(ui.stop() == 0, "baosong ui stops on SIGTERM with exit 0")

    # A data directory whose database is a link to nothing (a disk not
    # mounted): said in words, no crash.
    broken = os.path.join(tmp, "broken")
    os.makedirs(broken, mode=0o700)
    os.symlink("/nonexistent/baosong.db", os.path.join(broken, "baosong.db"))
    env = dict(os.environ, BAOSONG_DIR=broken)
    r = subprocess.run([bc, "ui", "--no-open"], env=env, capture_output=True, timeout=20)
    h.check(r.returncode in (66, 74) and "baosong.db" in r.stderr.decode(),
            "a dangling database link: exit %d with the file named, no crash" % r.returncode)


if __name__ == "__main__":
    h.main(test)
