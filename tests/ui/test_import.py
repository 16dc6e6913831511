#!/usr/bin/python3
"""test_import.py - 导入, 冲突 and 放弃这项修改 in a real browser.

A township clerk uploads the plan table as Chinese Windows saves it (CSV in
GB18030, with a character outside GBK) with one bad row: the preview names
the row's line and the reason and queues nothing; "只导入有效的 N 行" queues
the others, which the command line then lists.  Two PCs of the township
change the same two fields of one project: the clerk picks this PC's value
for one and the server's for the other on the conflict page, and after both
sync the other PC holds exactly those picks.  A change the server refused
(its week was closed) is given up from 今日待办, and the PC shows the
server's figures again.

  test_import.py BAOSONGD BAOSONG [SHOTS_DIR]
"""
import os

import harness as h

# Line 1 the header, line 2 good, line 3 a negative total (refused), line 4
# good with 㙟 (GB18030 only, outside GBK), line 5 an unknown stage.
PLAN = ("项目名称,项目代码,计划年度,总投资(万元),年度计划投资(万元),项目阶段,所在乡镇,序号\n"
        "城东污水处理厂,2501-620421-04-01-300001,{y},12500,4000.50,新开工,新镇,1\n"
        "负投资项目,2501-620421-04-01-300002,{y},-500,0,前期,新镇,2\n"
        "㙟头村道路硬化,2501-620421-04-01-300003,{y},\"1,200\",600,续建,新镇,3\n"
        "开挖项目,2501-620421-04-01-300004,{y},100,50,开挖,新镇,4\n")


def project_uid(client, name):
    for line in client.run("project", "list", "--csv").stdout.decode().splitlines():
        cells = line.split(",")
        if len(cells) > 1 and cells[1] == name:
            return cells[0]
    raise h.Fail("no project %s on %s" % (name, client.dir))


def project_field(client, uid, label):
    for line in client.run("project", "show", uid).stdout.decode().splitlines():
        if line.startswith(label):
            return line[len(label):].split()[-1]
    return None


def test(bd, bc):
    from selenium.webdriver.common.by import By
    tmp = h.tmpdir("import")
    county = h.County(bd, bc, tmp)
    county.unit_add("xinzhen", "新镇")
    county.unit_add("fgj", "县发改局", "bureau")
    county.start()
    clerk = county.client("clerk", "xinzhen", "reporter")
    other = county.client("other", "xinzhen", "reporter")
    reviewer = county.client("reviewer", "fgj", "reviewer")
    year = h.now_bj().year
    week = "%d-W%02d" % h.now_bj().isocalendar()[:2]
    path = os.path.join(tmp, "2026年新镇重点项目计划表.csv")
    with open(path, "wb") as f:
        f.write(PLAN.format(y=year).encode("gb18030"))

    ui = clerk.ui()
    d = h.browser()
    h.login(d, ui)

    # ---- 导入: upload, preview, import the valid rows --------------------------------
    d.get(ui.base + "/import")
    h.main_text(d)
    h.shot(d, "import")
    d.find_element(By.ID, "file").send_keys(path)
    d.find_element(By.CSS_SELECTOR, "form[action='/import/preview'] button[type=submit]").click()
    body = h.wait_for(lambda: "导入预览" in d.title and h.main_text(d), "the preview")
    h.check("GB18030" in body and "共 4 行" in body and "有效 2 行" in body and "有误 2 行" in body,
            "the preview reads the GB18030 file: 4 rows, 2 valid, 2 refused")
    bad = d.find_element(By.ID, "line-3")
    h.check("bad" in bad.get_attribute("class") and "3" == bad.find_element(By.CSS_SELECTOR,
            "td.num").text and "金额不能为负数" in bad.text and "«-500»" in bad.text,
            "line 3 is refused with its column, cell and reason (金额不能为负数)")
    stage = d.find_element(By.ID, "line-5")
    h.check("bad" in stage.get_attribute("class") and "未知的项目阶段" in stage.text,
            "line 5 is refused: unknown stage")
    good = d.find_element(By.ID, "line-4")
    h.check("good" in good.get_attribute("class") and "㙟头村道路硬化" in good.text,
            "line 4 (a character outside GBK) is valid")
    h.check("忽略的列" in body and "序号" in body, "the ignored column is named")
    pending = clerk.run("status").stdout.decode()
    h.check("待发送 pending: 0" in pending, "the preview queued nothing")
    h.shot(d, "import-preview", full=True)
    button = d.find_element(By.CSS_SELECTOR, "form[action='/import/commit'] button[value=valid]")
    h.check("只导入有效的 2 行" in button.text, "the page offers to import the 2 valid rows")
    h.check(not d.find_elements(By.CSS_SELECTOR, "button[value=all]"),
            "and no 全部导入 while rows are bad")
    button.click()
    body = h.wait_for(lambda: "ok=imported" in d.current_url and h.main_text(d), "the import")
    h.check("导入完成" in body, "the page says the rows are imported")
    names = clerk.run("project", "list").stdout.decode()
    h.check("城东污水处理厂" in names and "㙟头村道路硬化" in names and "负投资项目" not in names
            and "开挖项目" not in names, "the valid rows are projects on this PC, the bad ones not")
    st, _, page = ui.request("GET", "/projects")
    if st == 200:
        h.check("城东污水处理厂" in page.decode(), "项目库 lists the imported project")

    # ---- a conflict made by two PCs, settled field by field ----------------------------
    clerk.run("sync")
    other.run("sync")
    uid = project_uid(other, "城东污水处理厂")
    other.run("project", "edit", uid, "--leader", "王五", "--owner", "县水务集团")
    clerk.run("project", "edit", uid, "--leader", "李四", "--owner", "城投公司")
    other.run("sync")
    r = clerk.run("sync", check_rc=False)
    h.check(r.returncode == 79, "the clerk's sync reports a conflict (exit 79)")
    d.get(ui.base + "/")
    link = h.wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#conflicts a.btn"),
                      "the conflict on 今日待办")
    link.click()
    body = h.wait_for(lambda: "处理冲突" in d.title and h.main_text(d), "the conflict page")
    h.check("李四" in body and "王五" in body and "城投公司" in body and "县水务集团" in body,
            "both values of both fields side by side")
    h.shot(d, "conflict")
    rows = d.find_elements(By.CSS_SELECTOR, "table.conflict tbody tr")
    h.check(len(rows) == 2, "two fields in conflict")
    # A field left out is asked for again, inline, with the other pick kept.
    leader = [r for r in rows if "包抓领导" in r.text][0]
    leader.find_element(By.CSS_SELECTOR, "input[value=mine]").click()
    d.execute_script("document.querySelectorAll('input[type=radio]')"
                     ".forEach(function(i){i.required=false})")
    d.find_element(By.CSS_SELECTOR, "form[action='/conflict/resolve'] button[type=submit]").click()
    body = h.wait_for(lambda: "请选择一个值" in h.main_text(d) and h.main_text(d),
                      "the missing pick")
    h.check(d.find_element(By.CSS_SELECTOR, ".field.bad").text.startswith("业主单位"),
            "a field left out is marked inline")
    rows = d.find_elements(By.CSS_SELECTOR, "table.conflict tbody tr")
    leader = [r for r in rows if "包抓领导" in r.text][0]
    owner = [r for r in rows if "业主单位" in r.text][0]
    h.check(leader.find_element(By.CSS_SELECTOR, "input[value=mine]").is_selected(),
            "the pick already made is kept")
    owner.find_element(By.CSS_SELECTOR, "input[value=theirs]").click()
    d.find_element(By.CSS_SELECTOR, "form[action='/conflict/resolve'] button[type=submit]").click()
    body = h.wait_for(lambda: "ok=resolved" in d.current_url and h.main_text(d), "the resolve")
    h.check("冲突已处理" in body and "逐项选择" not in body, "resolved; no conflict left on 今日待办")
    clerk.run("sync")
    other.run("sync")
    h.check(project_field(other, uid, "包抓领导") == "李四" and
            project_field(other, uid, "业主单位") == "县水务集团",
            "after sync the other PC has this PC's 包抓领导 and the server's 业主单位")

    # ---- a refused change given up -------------------------------------------------------
    rid = clerk.run("report", "add", "--project", uid, "--week", week, "--ytd", "500",
                    "--total", "800").stdout.decode().split()[-1]
    clerk.run("sync")
    reviewer.run("sync")
    reviewer.run("period", "close", "weekly_report", week)
    clerk.run("report", "edit", rid[:8], "--ytd", "700")
    r = clerk.run("sync", check_rc=False)
    h.check(r.returncode == 79, "the edit of a closed week is refused (exit 79)")
    d.get(ui.base + "/")
    refused = h.wait_for(lambda: d.find_element(By.ID, "refused"), "the refused change")
    h.check("周期已关闭" in refused.text, "今日待办 lists the refused change with the reason")
    h.shot(d, "today-refused-conflict")
    refused.find_element(By.CSS_SELECTOR, "form[action='/refused/discard'] button").click()
    h.wait_for(lambda: d.switch_to.alert, "the confirmation").accept()
    body = h.wait_for(lambda: "ok=discarded" in d.current_url and h.main_text(d), "the discard")
    h.check("已放弃这项修改" in body and not d.find_elements(By.ID, "refused"),
            "given up; nothing refused is left")
    rows = clerk.run("report", "list", "--csv").stdout.decode()
    h.check(any(l.startswith(rid) and ",500.00,800.00," in l for l in rows.splitlines()),
            "the PC shows the server's figures again (500, not 700)")
    h.check(ui.stop() == 0, "baosong ui stops cleanly")


if __name__ == "__main__":
    h.main(test)
