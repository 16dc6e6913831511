#!/usr/bin/python3
"""test_scenario.py - the week of a township clerk, a bureau reviewer and a
county leader, each in their own `baosong ui`, against one real baosongd.

 1. The clerk adds a project in the 项目库 form (a bad amount first: the
    message beside the field), then the week's report with two site photos
    in the 周报 form, and presses 同步.
 2. The reviewer presses 同步, finds the report in the 审核 queue, opens it
    (its photos, its figures) and returns it with a comment.
 3. The clerk presses 同步 and finds the report on 今日待办 under 被退回 with
    the comment; 修改 opens the form; the corrected report is saved and sent.
 4. The reviewer presses 同步 and approves it in the queue (ticked, 通过所选).
 5. The bureau sets 新镇's investment target (1,000 万元) and publishes the
    week's bulletin; the leader presses 同步 and finds 新镇's completion on
    看板 (drawn as SVG): 320 of 1,000 万元, 32.00%, against 时序进度.
Screenshots of every step at 1366x768.

  test_scenario.py BAOSONGD BAOSONG [SHOTS_DIR]
"""
import base64
import datetime
import os

import harness as h


def drawn_image(d, mime, colour):
    url = d.execute_script(
        "var c=document.createElement('canvas');c.width=400;c.height=300;"
        "var x=c.getContext('2d');x.fillStyle=arguments[0];x.fillRect(0,0,400,300);"
        "x.fillStyle='#fff';x.fillRect(60,200,280,40);return c.toDataURL(arguments[1]);",
        colour, mime)
    return base64.b64decode(url.split(",", 1)[1])


def fill(d, elem_id, text):
    from selenium.webdriver.common.by import By
    e = h.wait_for(lambda: d.find_element(By.ID, elem_id), "#" + elem_id)
    e.clear()
    e.send_keys(text)


def select(d, elem_id, text):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    Select(d.find_element(By.ID, elem_id)).select_by_visible_text(text)


def sync(d, ui, who):
    """Press 同步 on the 同步 page and wait for its summary."""
    from selenium.webdriver.common.by import By
    d.get(ui.base + "/sync")
    d.find_element(By.ID, "sync-now").click()
    text = h.wait_for(lambda: "/sync" in d.current_url and
                      d.find_element(By.ID, "summary").text, "%s's sync" % who, timeout=60)
    h.check("同步完成" in text and "被拒 0" in text.replace("，", " "),
            "%s's sync is done, nothing refused" % who)
    return text


def test(bd, bc):
    from selenium.webdriver.common.by import By
    tmp = h.tmpdir("scenario")
    county = h.County(bd, bc, tmp)
    county.unit_add("fgj", "县发改局", "bureau")
    county.unit_add("xinzhen", "新镇")
    county.start()
    clerk = county.client("clerk", "xinzhen", "reporter")
    reviewer = county.client("reviewer", "fgj", "reviewer")
    leader = county.client("leader", "fgj", "leader")
    admin = county.client("admin", "fgj", "admin")
    now = h.now_bj()
    year, wk = now.isocalendar()[:2]   # the ISO year: 2027-01-01 is in 2026-W53
    week = "%d-W%02d" % (year, wk)
    ui_c, ui_r, ui_l = clerk.ui(), reviewer.ui(), leader.ui()
    d = h.browser()

    # ---- 1. the clerk: a project, the week's report with two photos, 同步 ----
    h.login(d, ui_c)
    d.get(ui_c.base + "/projects/edit")
    fill(d, "f-name", "城东污水处理厂扩建")
    fill(d, "f-plan_year", str(year))
    select(d, "f-stage", "新开工")
    fill(d, "f-total_investment_fen", "1.2万")
    fill(d, "f-annual_plan_fen", "4000")
    fill(d, "f-township", "新镇")
    d.find_element(By.ID, "save").click()
    bad = h.wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#field-total_investment_fen.bad"),
                     "the refused amount")
    h.check("万元" in bad.text, "a bad amount: the message beside the field (%s)" % bad.text)
    h.shot(d, "scenario-1-project-error")
    fill(d, "f-total_investment_fen", "12000")
    d.find_element(By.ID, "save").click()
    h.wait_for(lambda: "已保存" in h.main_text(d), "the saved project")
    d.get(ui_c.base + "/weekly")
    h.main_text(d)
    d.find_element(By.XPATH,
                   "//tr[td[starts-with(text(),'城东污水处理厂扩建')]]//a[text()='填报']").click()
    fill(d, "f-invested_period_fen", "300")
    fill(d, "f-invested_ytd_fen", "300")
    fill(d, "f-invested_total_fen", "300")
    fill(d, "f-progress", "场地平整完成")
    photos = []
    for i, colour in enumerate(("#3a7d44", "#1f4e8c")):
        p = os.path.join(tmp, "现场%d.jpg" % (i + 1))
        with open(p, "wb") as f:
            f.write(drawn_image(d, "image/jpeg", colour))
        photos.append(p)
    d.find_element(By.ID, "f-photos").send_keys("\n".join(photos))
    d.find_element(By.ID, "save").click()
    h.wait_for(lambda: "已保存" in h.main_text(d), "the saved report")
    h.check(len(d.find_elements(By.CSS_SELECTOR, "#field-photos .thumbs img")) == 2,
            "the clerk's report has its two photos")
    h.shot(d, "scenario-1-weekly", full=True)
    sync(d, ui_c, "the clerk")
    h.shot(d, "scenario-1-sync")

    # ---- 2. the reviewer returns it with a comment ----
    h.login(d, ui_r)
    sync(d, ui_r, "the reviewer")
    d.get(ui_r.base + "/review")
    row = h.wait_for(lambda: d.find_element(By.XPATH, "//tr[td[contains(.,'城东污水处理厂扩建')] and td[contains(.,'%s')]]" % week),
                     "the report in the queue")
    h.check("新镇" in row.text and week in row.text and "待审核" in row.text,
            "the queue shows the unit, the week and 待审核")
    h.shot(d, "scenario-2-queue")
    row.find_element(By.XPATH, ".//a[contains(@href,'/review/item')]").click()
    h.wait_for(lambda: d.find_element(By.ID, "comment"), "the report's page")
    # The reviewer's PC does not hold the photos yet: one button fetches them.
    d.find_element(By.XPATH, "//section[@id='photos']//button[text()='从服务器下载照片']").click()
    h.wait_for(lambda: len(d.find_elements(By.CSS_SELECTOR, "#photos img")) == 2,
               "its two photos")
    h.check("300.00" in h.main_text(d), "the reviewer sees the figures and the two photos")
    h.shot(d, "scenario-2-item", full=True)
    fill(d, "comment", "本年累计与月报不一致，请核实后重报")
    d.find_element(By.CSS_SELECTOR, "#act button[value=return]").click()
    h.wait_for(lambda: "已退回" in h.main_text(d), "the returned report")
    h.shot(d, "scenario-2-returned")

    # ---- 3. the clerk sees it on 今日待办, corrects it, sends it ----
    h.login(d, ui_c)
    sync(d, ui_c, "the clerk")
    d.get(ui_c.base + "/")
    ret = h.wait_for(lambda: d.find_element(By.ID, "returned"), "被退回 on 今日待办")
    h.check("本年累计与月报不一致，请核实后重报" in ret.text and "城东污水处理厂扩建" in ret.text,
            "今日待办 shows the returned report with the reviewer's comment")
    h.shot(d, "scenario-3-today")
    ret.find_element(By.LINK_TEXT, "修改").click()
    fill(d, "f-invested_ytd_fen", "320")
    fill(d, "f-invested_total_fen", "320")
    fill(d, "f-invested_period_fen", "320")
    d.find_element(By.ID, "save").click()
    h.wait_for(lambda: "已保存" in h.main_text(d), "the corrected report")
    sync(d, ui_c, "the clerk")
    d.get(ui_c.base + "/")
    h.check(not d.find_elements(By.ID, "returned"), "nothing returned is left on 今日待办")

    # ---- 4. the reviewer approves it from the queue ----
    h.login(d, ui_r)
    sync(d, ui_r, "the reviewer")
    d.get(ui_r.base + "/review")
    row = h.wait_for(lambda: d.find_element(By.XPATH, "//tr[td[contains(.,'城东污水处理厂扩建')] and td[contains(.,'%s')]]" % week),
                     "the corrected report in the queue")
    h.check("320.00" in row.text and "待审核" in row.text, "the queue shows the corrected figure")
    row.find_element(By.CSS_SELECTOR, "input[type=checkbox][name=uid]").click()
    d.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
    h.wait_for(lambda: "已通过" in h.main_text(d) or "审核意见已提交" in h.main_text(d),
               "the approval")
    r = reviewer.run("review", "list", "--state", "approved")
    h.check("城东污水处理厂扩建" in r.stdout.decode(), "the server holds it approved")
    h.shot(d, "scenario-4-approved")

    # ---- 5. a target, the week's bulletin, the leader's 看板 ----
    for y in sorted({year, now.year}):
        admin.run("target", "add", "--unit-code", "xinzhen", "--period", str(y), "--fai", "1000")
    admin.run("sync", "--quiet")
    county.admin("scheme", "set", county.scheme)
    county.admin("assess", "publish", "--scope", "week", "--period", week)
    h.login(d, ui_l)
    sync(d, ui_l, "the leader")
    d.get(ui_l.base + "/dashboard")
    body = h.main_text(d)
    svg = d.find_elements(By.CSS_SELECTOR, "main svg")
    h.check(svg and "新镇" in body, "the leader's 看板 draws the county with 新镇")
    h.check("32.00%" in d.page_source and "时序进度" in body,
            "with 新镇's completion from the bulletin: 320 of 1,000 万元, 32.00%")
    h.shot(d, "scenario-5-dashboard", full=True)
    for u in (ui_c, ui_r, ui_l):
        h.check(u.stop() == 0, "baosong ui stops cleanly")


if __name__ == "__main__":
    h.main(test)
