#!/usr/bin/python3
"""test_today.py - 今日待办 and 同步 in a real browser.

A clerk with two projects under way and one weekly report: the start page
shows this week's count, the project still missing with a 填报 link, whether
a report now counts as on time (from the tests' clock: Friday 12:00 Beijing
time), the changes not yet sent; the 同步 button sends them with a photo and
the summary says so; the page then shows the last successful sync.  With
the server down, the page still opens and the sync says it failed and that
nothing is lost.

  test_today.py BAOSONGD BAOSONG [SHOTS_DIR]
"""
import base64
import datetime
import os
import re
import time

import harness as h

# A 1x1 PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def deadline_passed(now):
    """Whether this ISO week's Friday 12:00 (Beijing) has passed at now."""
    monday = (now - datetime.timedelta(days=now.isoweekday() - 1)).date()
    friday_noon = datetime.datetime.combine(monday + datetime.timedelta(days=4),
                                            datetime.time(12, 0))
    return now >= friday_noon


def test(bd, bc):
    from selenium.webdriver.common.by import By
    tmp = h.tmpdir("today")
    county = h.County(bd, bc, tmp)
    county.unit_add("xinzhen", "新镇")
    county.start()
    clerk = county.client("clerk", "xinzhen", "reporter")
    year = h.now_bj().year
    week = "%d-W%02d" % h.now_bj().isocalendar()[:2]
    pid = clerk.run("project", "add", "--name", "城东污水处理厂", "--year", str(year), "--stage", "新开工",
              "--total", "12000", "--annual", "6000", "--township", "新镇").stdout.decode().split()[-1]
    clerk.run("project", "add", "--name", "新镇中学教学楼", "--year", str(year), "--stage", "续建",
              "--total", "3000", "--annual", "1500", "--township", "新镇")
    photo = os.path.join(tmp, "site.png")
    with open(photo, "wb") as f:
        f.write(PNG)
    clerk.run("report", "add", "--project", pid, "--week", week, "--period", "300",
              "--ytd", "2500", "--total", "4000", "--progress", "主体施工", "--photo", photo)
    ui = clerk.ui()
    d = h.browser()
    h.login(d, ui)
    body = h.main_text(d)
    h.check("1 / 2" in body and week in body, "this week: 1 of 2 projects reported (%s)" % week)
    missing = d.find_element(By.CSS_SELECTOR, "ul.missing").text
    h.check("新镇中学教学楼" in missing and "城东污水处理厂" not in missing,
            "the project without a report is listed as missing")
    link = d.find_element(By.CSS_SELECTOR, "ul.missing a")
    h.check("/weekly/edit?project=" in link.get_attribute("href"), "with a 填报 link to its form")
    late = deadline_passed(h.now_bj())
    h.check(("计为迟报" in body) == late and ("现在报送按时" in body) == (not late),
            "on time or late as the clock says (deadline passed: %s)" % late)
    h.check("待报送的修改：3 条" in body, "three changes wait to be sent")
    h.check("尚未上传的照片：1 张" in body, "one photo not uploaded yet")
    h.shot(d, "today")

    # 同步 by keyboard alone: Tab from the top of the page (the first stop is
    # the skip link), on to the button, Enter.
    from selenium.webdriver.common.keys import Keys
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    first = d.switch_to.active_element
    h.check(first.text == "跳到正文" and first.is_displayed(),
            "the first Tab stop is a visible 跳到正文 (skip to the content) link")
    for _ in range(60):
        el = d.switch_to.active_element
        if el.tag_name == "button" and el.text == "立即同步":
            break
        el.send_keys(Keys.TAB)
    h.check(d.switch_to.active_element.text == "立即同步", "Tab reaches the 立即同步 button")
    d.switch_to.active_element.send_keys(Keys.ENTER)
    text = h.wait_for(lambda: "/sync" in d.current_url and
                      "同步完成" in d.find_element(By.ID, "summary").text and h.main_text(d),
                      "the sync")
    h.check("同步完成" in text and "服务器已确认 3 条修改" in text and "上传 1 个文件" in text,
            "the sync sent three changes and the photo")
    h.shot(d, "sync")
    d.get(ui.base + "/")
    body = h.main_text(d)
    h.check("待报送的修改：0 条" in body and "照片已全部上传" in body and "上次成功同步：—" not in body,
            "the start page shows nothing left to send and the last sync")
    r = clerk.run("status")
    h.check(b"2026" in r.stdout or r.returncode == 0, "the command line agrees (baosong status runs)")

    # The server down: the page works, the sync fails and says nothing is lost.
    county.proc.kill()
    county.proc.wait()
    clerk.run("project", "add", "--name", "离线新增项目", "--year", str(year), "--stage", "前期",
              "--total", "100", "--annual", "10", "--township", "新镇")
    d.get(ui.base + "/sync")
    d.find_element(By.ID, "sync-now").click()
    # (a failure this quick is over before the page is drawn: no polling)
    text = h.wait_for(lambda: "/sync" in d.current_url and
                      "同步失败" in d.find_element(By.ID, "summary").text and h.main_text(d),
                      "the failed sync", timeout=60)
    h.check("同步完成" not in text, "a failed sync is not called finished")
    h.check("同步失败" in text and "数据未丢失" in text and "待报送的修改：1 条" in text,
            "server down: the sync fails, says nothing is lost, the change waits")
    h.shot(d, "sync-offline")
    d.get(ui.base + "/")
    card = h.wait_for(lambda: d.find_element(By.ID, "sync").text, "the start page")
    days = {(h.now_bj() - datetime.timedelta(minutes=m)).strftime("%Y-%m-%d") for m in (0, 2)}
    h.check(any(("上次同步失败（%s" % s) in card for s in days) and
            not re.search(r"\d{13}", card),
            "今日待办 says when the last sync failed, as a date, not a raw number")
    h.check(ui.stop() == 0, "baosong ui stops cleanly")


if __name__ == "__main__":
    h.main(test)
