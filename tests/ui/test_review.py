#!/usr/bin/python3
"""test_review.py - 审核, 排名 and 看板 in a real browser.

Two townships report (新镇: two projects, this week's reports with photos
and last week's for one; 东关街道: one); the bureau sets their targets and
publishes this week's bulletin.  Then, in the reviewer's `baosong ui`:

 1. the queue lists unit, project, period and figures; the photos are not
    on the reviewer's device until 从服务器下载照片 fetches them, then the
    thumbnails show (served by hash from /photo);
 2. one report beside last week's figures, its photos full size and its
    history; 退回 without a comment is refused inline (the field marked,
    the message beside it, nothing sent), with a comment it is returned -
    the township's own device shows the comment after its sync;
 3. two reports ticked in the queue and approved at once; one reopened
    (the confirmation accepted): the command line agrees on every state;
 4. 排名 on the township's device marks its own row (class "mine");
 5. 看板 on the reviewer's device draws one completion bar per unit of the
    bulletin, the time-progress line, and late/missing bars per unit.
A township's device may not open 审核 (403).  Screenshots of each page.

  test_review.py BAOSONGD BAOSONG [SHOTS_DIR]
"""
import datetime
import os
import re
import struct
import zlib

import harness as h


def png(path, rgb, w=320, h_=240):
    """A plain-coloured PNG of w x h_ (a site photo stand-in)."""
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h_))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h_, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def uid_of(out):
    """The 32-hex id a `... add` prints on a line of its own."""
    m = re.search(r"(?m)^([0-9a-f]{32})$", out.stdout.decode())
    if not m:
        raise h.Fail("no record id in: %s" % out.stdout.decode())
    return m.group(1)


def states(reviewer):
    """uid prefix (8) -> state word, from `baosong review list --all`."""
    out = reviewer.run("review", "list", "--all").stdout.decode()
    found = {}
    for line in out.split("\n"):
        f = line.split()
        if len(f) >= 8 and len(f[0]) == 8:
            for word in ("待审核", "已退回", "已通过"):
                if word in f:
                    found[f[0]] = word
    return found


def test(bd, bc):
    from selenium.webdriver.common.by import By
    tmp = h.tmpdir("review")
    now = h.now_bj()
    iso_year, iso_week = now.isocalendar()[:2]
    week = "%d-W%02d" % (iso_year, iso_week)
    last = now - datetime.timedelta(days=7)
    lastweek = "%d-W%02d" % last.isocalendar()[:2]
    county = h.County(bd, bc, tmp, year=iso_year)
    county.unit_add("fgj", "县发改局", "bureau")
    county.unit_add("xinzhen", "新镇")
    county.unit_add("dongguan", "东关街道")
    county.admin("scheme", "set", county.scheme)
    county.start()
    clerk = county.client("clerk", "xinzhen", "reporter")
    clerk2 = county.client("clerk2", "dongguan", "reporter")
    admin = county.client("admin", "fgj", "admin")
    reviewer = county.client("reviewer", "fgj", "reviewer")
    red, blue = os.path.join(tmp, "red.png"), os.path.join(tmp, "blue.png")
    png(red, (196, 80, 60))
    png(blue, (60, 120, 200))

    p1 = uid_of(clerk.run("project", "add", "--name", "县城供水管网改造工程", "--year", str(iso_year),
                          "--stage", "续建", "--total", "12345.6", "--annual", "6000"))
    p2 = uid_of(clerk.run("project", "add", "--name", "新镇产业园道路", "--year", str(iso_year),
                          "--stage", "新开工", "--total", "900", "--annual", "500"))
    p3 = uid_of(clerk2.run("project", "add", "--name", "东关老旧小区改造", "--year", str(iso_year),
                           "--stage", "续建", "--total", "3000", "--annual", "1200"))
    if lastweek.split("-")[0] == str(iso_year):  # last week's figures, same year
        clerk.run("report", "add", "--project", p1, "--week", lastweek, "--period", "100",
                  "--ytd", "150", "--total", "650", "--photo", red)
    r1 = uid_of(clerk.run("report", "add", "--project", p1, "--week", week, "--period", "150",
                          "--ytd", "300", "--total", "800", "--photo", red, "--photo", blue))
    r2 = uid_of(clerk.run("report", "add", "--project", p2, "--week", week, "--period", "20",
                          "--ytd", "120", "--total", "120", "--photo", blue))
    r3 = uid_of(clerk2.run("report", "add", "--project", p3, "--week", week, "--period", "80",
                           "--ytd", "900", "--total", "2100", "--photo", red))
    for y in sorted({iso_year, now.year}):
        admin.run("target", "add", "--unit-code", "xinzhen", "--period", str(y), "--fai", "2000")
        admin.run("target", "add", "--unit-code", "dongguan", "--period", str(y), "--fai", "1500")
    for c in (clerk, clerk2, admin):
        c.run("sync", "--quiet")
    county.admin("assess", "publish", "--scope", "week", "--period", week)
    for c in (reviewer, clerk):
        c.run("sync", "--quiet")

    # A township may not review.
    cui = clerk.ui()
    st, _, body = cui.request("GET", "/review")
    h.check(st == 403 and "审核只供".encode() in body, "a township's device may not open 审核 (403)")

    ui = reviewer.ui()
    d = h.browser()
    h.login(d, ui)

    # 1. The queue, photos fetched on demand.
    d.get(ui.base + "/review?kind=weekly_report")
    body = h.main_text(d)
    h.check("新镇" in body and "东关街道" in body and "县城供水管网改造工程" in body and week in body
            and "本期 150.00 本年 300.00 累计 800.00" in body,
            "the queue: unit, project, period and key figures")
    h.check(not d.find_elements(By.CSS_SELECTOR, "table.queue img")
            and len(d.find_elements(By.CSS_SELECTOR, "table.queue .nophoto")) >= 4,
            "the photos are not on the reviewer's device yet")
    d.find_element(By.XPATH, "//button[contains(., '从服务器下载照片')]").click()
    h.wait_for(lambda: "ok=fetched" in d.current_url, "the fetch")
    imgs = d.find_elements(By.CSS_SELECTOR, "table.queue img")
    h.check(len(imgs) >= 4 and all(i.get_attribute("src").split("?h=")[1].isalnum() for i in imgs),
            "after 从服务器下载照片 the thumbnails are there (%d)" % len(imgs))
    h.wait_for(lambda: all(d.execute_script("return arguments[0].complete && "
                                            "arguments[0].naturalWidth == 320", i) for i in imgs),
               "the thumbnails to load as images")
    h.shot(d, "review")

    # 2. One report: last week beside it, photos, history; return.
    d.get(ui.base + "/review/item?uid=" + r1)
    body = h.main_text(d)
    if lastweek.split("-")[0] == str(iso_year):
        h.check("上期 " + lastweek in body and "150.00 万元" in body and "100.00 万元" in body,
                "the report beside last week's figures")
    h.check(len(d.find_elements(By.CSS_SELECTOR, ".photo-full img")) == 2,
            "both photos full size")
    h.check("服务器收到" in d.find_element(By.ID, "history").text, "its history")
    d.find_element(By.CSS_SELECTOR, "#act button[value=return]").click()
    msg = h.wait_for(lambda: d.find_element(By.CSS_SELECTOR, ".field.bad .msg").text, "the message")
    h.check("请写明退回意见" in msg, "a return without a comment: the message inline, next to the field")
    h.check(states(reviewer)[r1[:8]] == "待审核", "and nothing was sent")
    d.find_element(By.ID, "comment").send_keys("本年累计投资与上周不符，请核实")
    d.find_element(By.CSS_SELECTOR, "#act button[value=return]").click()
    h.wait_for(lambda: "ok=reviewed" in d.current_url, "the return")
    h.check(d.find_element(By.ID, "state").text == "已退回"
            and "本年累计投资与上周不符" in h.main_text(d), "returned with the comment")
    h.shot(d, "review-item", full=True)
    h.check(states(reviewer)[r1[:8]] == "已退回", "the command line agrees: returned")
    clerk.run("sync", "--quiet")
    status = clerk.run("status").stdout.decode()
    h.check("本年累计投资与上周不符" in status, "the township sees the comment after its sync")

    # 3. Two approved at once, one reopened.
    d.get(ui.base + "/review")
    for uid in (r2, r3):
        d.find_element(By.ID, "c-" + uid).click()
    d.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
    h.wait_for(lambda: "ok=reviewed" in d.current_url, "the approval")
    s = states(reviewer)
    h.check(s[r2[:8]] == "已通过" and s[r3[:8]] == "已通过" and s[r1[:8]] == "已退回",
            "two reports approved at once")
    d.get(ui.base + "/review/item?uid=" + r3)
    d.find_element(By.CSS_SELECTOR, "#act button[value=reopen]").click()
    d.switch_to.alert.accept()
    h.wait_for(lambda: "ok=reviewed" in d.current_url, "the reopen")
    h.check(d.find_element(By.ID, "state").text == "待审核" and states(reviewer)[r3[:8]] == "待审核",
            "one reopened: waiting for review again")

    # 4. 排名 on the township's device: its row marked.
    d2 = h.browser()
    h.login(d2, cui)
    d2.get(cui.base + "/rank")
    mine = d2.find_elements(By.CSS_SELECTOR, "table.rank tr.mine")
    rows = d2.find_elements(By.CSS_SELECTOR, "table.rank tbody tr")
    h.check(len(mine) == 1 and "新镇" in mine[0].text and len(rows) >= 2,
            "排名: the unit's own row is marked (%d rows)" % len(rows))
    h.shot(d2, "rank")

    # 5. 看板: one bar per unit of the bulletin, the time-progress line.
    d.get(ui.base + "/dashboard")
    bars = d.find_elements(By.CSS_SELECTOR, "#chart-completion rect.bar")
    h.check(len(bars) == len(rows), "看板: one completion bar per unit (%d)" % len(bars))
    h.check(len(d.find_elements(By.CSS_SELECTOR, "#chart-completion line.time-line")) == 1,
            "with the time-progress line")
    h.check(len(d.find_elements(By.CSS_SELECTOR, "#chart-reports rect.bar-late")) == 2,
            "late and missing reports per unit")
    h.shot(d, "dashboard", full=True)
    h.check(ui.stop() == 0 and cui.stop() == 0, "both pages stop cleanly")


if __name__ == "__main__":
    h.main(test)
