#!/usr/bin/python3
"""test_records.py - 项目库, 周报 and 其他报表 in a real browser.

A township clerk adds a project in the form: a bad amount is refused beside
its field with the command line's message and the other values kept; with
the amount fixed it is saved and listed with its marks.  The clerk opens
the week's report of a project, finds it pre-filled from last week, picks
a file that is not a photo (refused with a message), then two photos (a
PNG and a JPEG the browser draws itself), sees the previews, saves, and
sees the two thumbnails served by the page.  Through 其他报表 the clerk adds
a problem and edits it.  A sync then sends everything, photos included,
and the server accepts it all.  Screenshots of each page at 1366x768.

  test_records.py BAOSONGD BAOSONG [SHOTS_DIR]
"""
import base64
import datetime
import os

import harness as h


def deadline_passed(now):
    """Whether this ISO week's Friday 12:00 (Beijing) has passed at now."""
    monday = (now - datetime.timedelta(days=now.isoweekday() - 1)).date()
    friday_noon = datetime.datetime.combine(monday + datetime.timedelta(days=4),
                                            datetime.time(12, 0))
    return now >= friday_noon


def drawn_image(d, mime, w, h_, colour):
    """An image of w x h_ pixels drawn by the browser, as bytes of mime."""
    url = d.execute_script(
        "var c=document.createElement('canvas');c.width=arguments[0];c.height=arguments[1];"
        "var x=c.getContext('2d');x.fillStyle=arguments[2];x.fillRect(0,0,c.width,c.height);"
        "x.fillStyle='#ffffff';x.fillRect(c.width/4,c.height/4,c.width/2,c.height/6);"
        "return c.toDataURL(arguments[3]);", w, h_, colour, mime)
    return base64.b64decode(url.split(",", 1)[1])


def select(d, elem_id, text):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    Select(d.find_element(By.ID, elem_id)).select_by_visible_text(text)


def fill(d, elem_id, text):
    from selenium.webdriver.common.by import By
    e = d.find_element(By.ID, elem_id)
    e.clear()
    e.send_keys(text)


def test(bd, bc):
    from selenium.webdriver.common.by import By
    tmp = h.tmpdir("records")
    county = h.County(bd, bc, tmp)
    county.unit_add("xinzhen", "新镇")
    county.start()
    clerk = county.client("clerk", "xinzhen", "reporter")
    now = h.now_bj()
    year = now.year
    week = "%d-W%02d" % now.isocalendar()[:2]
    last = now - datetime.timedelta(days=7)
    last_week = "%d-W%02d" % last.isocalendar()[:2]
    road = clerk.run("project", "add", "--name", "新镇中学教学楼", "--year", str(year),
                     "--stage", "续建", "--total", "3000", "--annual", "1500",
                     "--township", "新镇", "--leader", "李娜").stdout.decode().split()[-1]
    clerk.run("report", "add", "--project", road, "--week", last_week, "--period", "120",
              "--ytd", "860.5", "--total", "2300", "--progress", "主体结构完成80%",
              "--percent", "45")
    ui = clerk.ui()
    d = h.browser()
    h.login(d, ui)

    # ---- 项目库: add a project, a bad amount first ----
    d.get(ui.base + "/projects")
    h.main_text(d)
    d.find_element(By.LINK_TEXT, "新增项目").click()
    h.wait_for(lambda: d.find_element(By.ID, "f-name"), "the project form")
    fill(d, "f-name", "城东污水处理厂扩建")
    fill(d, "f-plan_year", str(year))
    select(d, "f-stage", "新开工")
    fill(d, "f-total_investment_fen", "12.345")
    fill(d, "f-annual_plan_fen", "4000.5")
    fill(d, "f-township", "新镇")
    fill(d, "f-leader", "张伟")
    fill(d, "f-contents", "新建日处理2万吨污水处理设施及配套管网")
    d.find_element(By.ID, "save").click()
    bad = h.wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#field-total_investment_fen.bad"),
                     "the refused amount")
    h.check("金额应为万元，最多两位小数，如 1234.56" in bad.text,
            "a bad amount is refused beside its field with the CLI's message")
    h.check(d.find_element(By.ID, "f-name").get_attribute("value") == "城东污水处理厂扩建" and
            d.find_element(By.ID, "f-total_investment_fen").get_attribute("value") == "12.345",
            "the values typed are kept")
    h.shot(d, "project-form-error")
    fill(d, "f-total_investment_fen", "12,500")
    d.find_element(By.ID, "save").click()
    body = h.wait_for(lambda: "已保存" in h.main_text(d) and h.main_text(d), "the saved project")
    h.check("/projects/edit?uid=" in d.current_url and
            d.find_element(By.ID, "f-total_investment_fen").get_attribute("value") == "12500.00",
            "the project is saved and its form shows it")
    h.shot(d, "project-form")
    d.get(ui.base + "/projects")
    body = h.main_text(d)
    h.check("城东污水处理厂扩建" in body and "新镇中学教学楼" in body and "共 2 个项目" in body,
            "项目库 lists both projects")
    row = d.find_element(By.XPATH, "//tr[td/a[text()='城东污水处理厂扩建']]").text
    h.check("≥1亿" in row and "缺佐证" in row and "待发送" in row,
            "with the CLI's marks and its state")
    h.shot(d, "projects")
    select(d, "f-stage", "续建")
    d.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    body = h.wait_for(lambda: "显示 1 个" in h.main_text(d) and h.main_text(d), "the filter")
    h.check("新镇中学教学楼" in body and "城东污水处理厂扩建" not in body, "the stage filter")

    # ---- 周报: the week's report with two photos ----
    d.get(ui.base + "/weekly")
    h.main_text(d)
    h.shot(d, "weekly-before")
    d.find_element(By.XPATH, "//tr[td[starts-with(text(),'新镇中学教学楼')]]//a[text()='填报']").click()
    h.wait_for(lambda: d.find_element(By.ID, "f-invested_ytd_fen"), "the weekly form")
    body = h.main_text(d)
    h.check(("已按 %s 的周报预填" % last_week) in body and
            d.find_element(By.ID, "f-invested_ytd_fen").get_attribute("value") == "860.50" and
            d.find_element(By.ID, "f-period").get_attribute("value") == week,
            "the form is pre-filled from last week's report, for this week")
    late = deadline_passed(h.now_bj())
    ontime = d.find_element(By.ID, "ontime").text
    h.check("没有现场照片" in ontime and ("将记为迟报" in ontime) == late,
            "是否按时 says at once: no photo yet, late or not as the clock says (%s)" % late)
    png = os.path.join(tmp, "现场1.png")
    jpg = os.path.join(tmp, "现场2.jpg")
    txt = os.path.join(tmp, "说明.txt")
    with open(png, "wb") as f:
        f.write(drawn_image(d, "image/png", 320, 240, "#3a7d44"))
    with open(jpg, "wb") as f:
        f.write(drawn_image(d, "image/jpeg", 320, 240, "#1f4e8c"))
    with open(txt, "wb") as f:
        f.write("不是照片\n".encode())
    fill(d, "f-invested_period_fen", "140")
    fill(d, "f-invested_ytd_fen", "1000.5")
    fill(d, "f-invested_total_fen", "2440")
    fill(d, "f-progress", "主体结构封顶")
    fill(d, "f-progress_percent", "60")
    d.find_element(By.ID, "f-photos").send_keys(txt)
    d.find_element(By.ID, "save").click()
    msg = h.wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#field-photos.bad"),
                     "the refused file")
    h.check("「说明.txt」不是照片" in msg.text and
            d.find_element(By.ID, "f-invested_ytd_fen").get_attribute("value") == "1000.5",
            "a file that is not a photo is refused with a message, the figures kept")
    d.find_element(By.ID, "f-photos").send_keys(png + "\n" + jpg)
    h.wait_for(lambda: len(d.find_elements(By.CSS_SELECTOR, "#photo-preview img")) == 2,
               "two previews")
    h.check(True, "the two photos chosen are previewed before saving")
    h.shot(d, "weekly-form-preview", full=True)
    d.find_element(By.ID, "save").click()
    h.wait_for(lambda: "已保存" in h.main_text(d), "the saved report")
    thumbs = d.find_elements(By.CSS_SELECTOR, "#field-photos .thumbs img")
    h.check(len(thumbs) == 2, "the saved report shows two thumbnails")
    h.wait_for(lambda: all(d.execute_script("return arguments[0].complete && "
                                            "arguments[0].naturalWidth", t) == 320
                           for t in thumbs), "the thumbnails to load")
    h.check(True, "both thumbnails are the photos themselves (320 px wide, from /photo)")
    h.check(("将记为迟报" in d.find_element(By.ID, "ontime").text) == late,
            "with its photos it counts as on time unless the deadline passed")
    h.shot(d, "weekly-form", full=True)
    d.get(ui.base + "/weekly")
    body = h.main_text(d)
    row = d.find_element(By.XPATH, "//tr[td[starts-with(text(),'新镇中学教学楼')]]")
    h.check("1,000.50" in row.text or "1000.50" in row.text, "周报 lists the report")
    h.check(len(row.find_elements(By.CSS_SELECTOR, ".thumbs img")) == 2,
            "with its two thumbnails")
    h.shot(d, "weekly")

    # ---- 其他报表: a problem added, then edited ----
    d.get(ui.base + "/kinds")
    body = h.main_text(d)
    h.check("月报" in body and "问题清单" in body and "目标任务" not in body,
            "其他报表 offers the kinds a reporter writes")
    h.shot(d, "kinds")
    d.find_element(By.LINK_TEXT, "问题清单").click()
    h.main_text(d)
    d.find_element(By.LINK_TEXT, "新增问题清单").click()
    h.wait_for(lambda: d.find_element(By.ID, "f-description"), "the problem form")
    select(d, "f-project_uid", "新镇中学教学楼")
    select(d, "f-category", "用地")
    fill(d, "f-description", "施工便道用地未协调")
    fill(d, "f-deadline", "2026-13-01")
    select(d, "f-status", "待解决")
    d.find_element(By.ID, "save").click()
    bad = h.wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#field-deadline.bad"),
                     "the refused date")
    h.check("日期格式应为 YYYY-MM-DD" in bad.text, "a bad date is refused beside its field")
    fill(d, "f-deadline", "%d-12-30" % year)
    d.find_element(By.ID, "save").click()
    h.wait_for(lambda: "已保存" in h.main_text(d), "the saved problem")
    select(d, "f-status", "推进中")
    fill(d, "f-resolution", "已与自然资源所对接")
    d.find_element(By.ID, "save").click()
    h.wait_for(lambda: "已保存" in h.main_text(d), "the edited problem")
    h.shot(d, "kinds-form", full=True)
    d.find_element(By.LINK_TEXT, "返回列表").click()
    body = h.main_text(d)
    h.check("施工便道用地未协调" in body and "推进中" in body and "共 1 条" in body,
            "the problem list shows the edited problem")
    h.shot(d, "kinds-list")

    # ---- everything reaches the server ----
    r = clerk.run("sync")
    out = r.stdout.decode() + r.stderr.decode()
    h.check("被拒 0" in out and "冲突 0" in out and "上传 2 个文件" in out,
            "a sync sends it all with the two photos, nothing refused: " + out.strip()[:200])
    h.check(ui.stop() == 0, "baosong ui stops cleanly")


if __name__ == "__main__":
    h.main(test)
