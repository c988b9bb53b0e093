//! `check --feedback`: the workbook a department gets back, read with openpyxl — its
//! noted and filled cells exactly the cells of the findings, its list linked to them —
//! and 问题清单's links in the merged workbook.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jixiao::model::Project;
use serde_json::Value as Json;

use crate::samples;
use crate::workdir::Workdir;
use crate::write::openpyxl;

/// Excel's light red, as tests/openpyxl_view.py reports a fill.
const FILL: &str = "FFC7CE";

/// samples/check/ with a damaged file beside it: 重复报送.xlsx arrived last.
fn check_inbox() -> Workdir {
    let dir = Workdir::new();
    for s in samples::problems() {
        dir.write(&s.name, &s.bytes);
    }
    dir.touch("check/有问题的报表.xlsx", 1);
    dir.touch("check/重复报送.xlsx", 2);
    dir.write("check/损坏.xlsx", b"PK\x03\x04 not a workbook");
    dir
}

/// `check` as JSON, and its findings.
fn findings(dir: &Workdir, args: &[&str]) -> Vec<Json> {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = dir.run(&all);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Json = serde_json::from_slice(&out.stdout).unwrap();
    json["diagnostics"].as_array().unwrap().clone()
}

/// One finding's row on a list: (file, sheet, cell, 级别, rule, message) as written.
fn row(cells: &Json, r: usize) -> [String; 6] {
    let t = |c: &str| match &cells[format!("{c}{r}")] {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        v => v.to_string(),
    };
    [t("D"), t("E"), t("F"), t("B"), t("C"), t("G")]
}

fn expected_row(d: &Json) -> [String; 6] {
    let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
    let level = if d["severity"] == "error" {
        "错误"
    } else {
        "警告"
    };
    [
        s("file"),
        s("sheet"),
        s("cell"),
        level.into(),
        s("rule"),
        s("message"),
    ]
}

/// (sheet, cell) of a link's location `'sheet'!A1`.
fn target(location: &str) -> (String, String) {
    let (sheet, cell) = location.rsplit_once('!').expect("sheet!cell");
    (
        sheet.trim_matches('\'').replace("''", "'"),
        cell.to_string(),
    )
}

/// A cell of a sheet: (sheet, A1).
type At = (String, String);

/// Every noted cell (with its note) and every filled cell of the table sheets.
fn marks(seen: &Json) -> (BTreeMap<At, String>, BTreeSet<At>) {
    let mut notes = BTreeMap::new();
    let mut fills = BTreeSet::new();
    for sheet in seen["sheets"].as_array().unwrap().iter().skip(1) {
        let sheet = sheet.as_str().unwrap();
        for (cell, text) in seen["comments"][sheet].as_object().unwrap() {
            notes.insert(
                (sheet.to_string(), cell.clone()),
                text.as_str().unwrap().to_string(),
            );
        }
        for (cell, rgb) in seen["fills"][sheet].as_object().unwrap() {
            assert_eq!(rgb, FILL, "{sheet}!{cell} has another fill");
            fills.insert((sheet.to_string(), cell.clone()));
        }
    }
    (notes, fills)
}

#[test]
fn the_feedback_marks_exactly_the_cells_of_the_findings() {
    let dir = check_inbox();
    let all = findings(&dir, &["check", "--feedback", "反馈"]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("反馈"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "中共黔南州直属机关工作委员会.xlsx",
            "未能读取的文件.xlsx",
            "（未填主管部门）.xlsx"
        ]
    );

    let seen = openpyxl(&dir.path().join("反馈/中共黔南州直属机关工作委员会.xlsx"));
    assert_eq!(
        seen["sheets"],
        serde_json::json!([
            "审核意见",
            "机关党建工作（未计入）",
            "党建专项“七一”系列活动、党建宣传（未计入）",
            "党建专项“七一”系列活动、党建宣传"
        ])
    );
    // The tables are in the official layout as written: a finding's cell is the same A1
    // on the sheet of its table. Those are the noted cells, and no other.
    let sheet_of = |d: &Json| match (d["file"].as_str().unwrap(), d["sheet"].as_str()) {
        ("check/有问题的报表.xlsx", Some("项目1")) => "机关党建工作（未计入）",
        ("check/有问题的报表.xlsx", Some("项目2")) => {
            "党建专项“七一”系列活动、党建宣传（未计入）"
        }
        (f, s) => panic!("a finding of {f}:{s:?} in this department's workbook"),
    };
    let mine: Vec<&Json> = all
        .iter()
        .filter(|d| {
            d["file"] == "check/有问题的报表.xlsx"
                || (d["file"] == "check/重复报送.xlsx" && d["sheet"] == "项目1")
        })
        .collect();
    assert_eq!(mine.len(), 9, "{mine:?}");
    let mut expected: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for d in &mine {
        let key = (
            sheet_of(d).to_string(),
            d["cell"].as_str().unwrap().to_string(),
        );
        expected
            .entry(key)
            .or_default()
            .push(d["message"].as_str().unwrap());
    }
    let (notes, fills) = marks(&seen);
    assert_eq!(
        notes.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert_eq!(fills, expected.keys().cloned().collect());
    for (key, messages) in &expected {
        for m in messages {
            assert!(notes[key].contains(m), "{key:?}: {} lacks {m}", notes[key]);
        }
    }
    assert!(
        notes[&("机关党建工作（未计入）".into(), "D6".into())].starts_with("【错误】年度资金总额")
    );

    // The first sheet lists the department's findings in check's order, each linked to
    // its noted cell.
    let list = &seen["cells"]["审核意见"];
    assert_eq!(
        list["A1"],
        "中共黔南州直属机关工作委员会项目支出绩效目标表审核意见"
    );
    assert!(
        list["A2"]
            .as_str()
            .unwrap()
            .starts_with("共检查 3 张表（其中 2 张因重新报送未计入合计"),
        "{}",
        list["A2"]
    );
    assert_eq!(list["H4"], "位置（点击跳转）");
    let links = &seen["links"]["审核意见"];
    for (i, d) in mine.iter().enumerate() {
        let r = 5 + i;
        assert_eq!(row(list, r), expected_row(d), "row {r}");
        let (sheet, cell) = target(links[format!("H{r}")].as_str().expect("a link"));
        assert_eq!(
            (sheet.as_str(), cell.as_str()),
            (sheet_of(d), d["cell"].as_str().unwrap())
        );
        assert_eq!(list[format!("H{r}")], format!("{sheet}!{cell}"));
    }
    assert!(
        list[format!("A{}", 5 + mine.len())].is_null(),
        "nothing more"
    );

    // The table without a department has its own workbook; the damaged file, with no
    // department at all, is listed apart.
    let nameless = openpyxl(&dir.path().join("反馈/（未填主管部门）.xlsx"));
    let (notes, _) = marks(&nameless);
    let empty = ("党建专项经费-党员教育培训".to_string(), "C5".to_string());
    assert_eq!(notes.keys().collect::<Vec<_>>(), [&empty]);
    assert_eq!(notes[&empty], "【错误】主管部门为空");
    let unread = openpyxl(&dir.path().join("反馈/未能读取的文件.xlsx"));
    let cells = &unread["cells"]["未能读取的文件"];
    assert_eq!(cells["B5"], "check/损坏.xlsx");
    assert_eq!(cells["D5"], "unreadable-file");
    let broken = all.iter().find(|d| d["file"] == "check/损坏.xlsx").unwrap();
    assert_eq!(cells["E5"], broken["message"]);
    // Every finding is in one of the workbooks: none is dropped.
    let listed = mine.len() + 1 + 1;
    assert_eq!(listed, all.len());
}

/// A table that does not start at A1 and has no merges: each link and note lands on
/// the cell of the official layout that holds the value the finding is about.
#[test]
fn a_shifted_table_is_marked_where_its_values_are_written() {
    let dir = Workdir::new();
    let mut bad: Project = samples::seed()[0].clone();
    bad.funds.fiscal = Some("20.00".parse().unwrap());
    for i in &mut bad.indicators {
        match i.name.as_str() {
            "机关“志愿服务”工作" => i.value = jixiao::value::Value::parse("*"),
            "推进模范机关创建工作" => i.value = jixiao::value::Value::parse("＝1"),
            _ => {}
        }
    }
    bad.indicators.retain(|i| i.level1 != "满意度指标");
    let input = samples::xlsx(&[samples::plain_sheet(&[bad], samples::Plain::default())]);
    dir.write("收件箱/机关工委.xlsx", &input);
    let all = findings(&dir, &["收件箱", "--feedback", "反馈"]);
    let source = openpyxl(&dir.path().join("收件箱/机关工委.xlsx"));
    let seen = openpyxl(&dir.path().join("反馈/中共黔南州直属机关工作委员会.xlsx"));
    let links = &seen["links"]["审核意见"];
    let (notes, fills) = marks(&seen);
    let mut targets = BTreeSet::new();
    for (i, d) in all.iter().enumerate() {
        let at = format!("H{}", 5 + i);
        let (sheet, cell) = target(links[&at].as_str().unwrap_or_else(|| panic!("{d}")));
        let from = d["cell"].as_str().unwrap();
        assert_ne!(cell, from, "the table moved: {d}");
        assert_eq!(
            seen["cells"][&sheet][&cell], source["cells"]["Sheet1"][from],
            "{d} points at {sheet}!{cell}"
        );
        targets.insert((sheet, cell));
    }
    assert_eq!(notes.keys().cloned().collect::<BTreeSet<_>>(), targets);
    assert_eq!(fills, targets);
}

#[test]
fn feedback_is_refused_over_old_files_and_the_same_each_run() {
    let dir = check_inbox();
    let write = |force: bool| {
        let mut args = vec!["check", "check", "--feedback", "反馈"];
        if force {
            args.push("--force");
        }
        dir.run(&args)
    };
    assert_eq!(write(false).status.code(), Some(1));
    let first = read_all(&dir.path().join("反馈"));
    let again = write(false);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("已存在；如需覆盖，请加 --force"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(write(true).status.code(), Some(1));
    assert_eq!(read_all(&dir.path().join("反馈")), first, "byte-identical");
    // --force alone means nothing without --feedback.
    dir.run_status(&["check", "check", "--force"], 2);
    // Feedback left in the inbox is not read as a submission on the next run.
    std::fs::rename(dir.path().join("反馈"), dir.path().join("check/反馈")).unwrap();
    let out = dir.run(&["check", "check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("warning[own-output]").count(), 3, "{text}");
    assert!(text.contains("这是 jixiao 写出的审核意见工作簿"), "{text}");
}

fn read_all(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// 问题清单 of the merged workbook: each finding about a table that counts links to the
/// cell of the department's sheet that holds its value; one about a version set aside
/// says the table is not in the workbook.
#[test]
fn the_merged_issue_list_links_to_each_cell() {
    let dir = check_inbox();
    // The seed, shifted, arrives last: it replaces both check/ workbooks.
    let mut seed = samples::seed();
    seed[3].funds.fiscal = Some("20.00".parse().unwrap());
    let shifted = samples::xlsx(&[samples::plain_sheet(&seed, samples::Plain::default())]);
    dir.write("check/机关工委（修改）.xlsx", &shifted);
    dir.touch("check/机关工委（修改）.xlsx", 3);
    dir.run_status(&["merge", "check", "-o", "汇总.xlsx"], 1);
    let seen = openpyxl(&dir.path().join("汇总.xlsx"));
    let source = openpyxl(&dir.path().join("check/机关工委（修改）.xlsx"));
    let issues = &seen["cells"]["问题清单"];
    let links = &seen["links"]["问题清单"];
    let dept = "中共黔南州直属机关工作委员会";
    let mut linked = 0;
    for r in 2.. {
        let Some(rule) = issues[format!("C{r}")].as_str() else {
            break;
        };
        let file = issues[format!("D{r}")].as_str().unwrap();
        let place = issues[format!("H{r}")].as_str().unwrap_or_default();
        if file == "check/机关工委（修改）.xlsx" {
            assert_eq!(rule, "funds-sum");
            let (sheet, cell) = target(links[format!("H{r}")].as_str().expect("a link"));
            assert_eq!(sheet, dept);
            let from = issues[format!("F{r}")].as_str().unwrap();
            assert_eq!(seen["cells"][dept][&cell], source["cells"]["Sheet1"][from]);
            assert_eq!(place, format!("{sheet}!{cell}"));
            linked += 1;
        } else if file == "check/有问题的报表.xlsx" {
            assert!(links[format!("H{r}")].is_null());
            assert_eq!(place, "本工作簿中没有这张表");
        }
    }
    assert_eq!(linked, 1);
    dir.run_status(&["merge", "check", "-o", "汇总2.xlsx"], 1);
    assert_eq!(
        std::fs::read(dir.path().join("汇总.xlsx")).unwrap(),
        std::fs::read(dir.path().join("汇总2.xlsx")).unwrap(),
        "byte-identical across runs, links and all"
    );
}

/// A stage's layout (监控表) places the table otherwise again: the links follow it.
#[test]
fn the_issue_list_links_in_a_stage_layout_too() {
    let dir = check_inbox();
    // The workbook with every mistake counts.
    dir.touch("check/有问题的报表.xlsx", 3);
    let template = crate::workdir::repo().join("templates/jiankong.toml");
    dir.run_status(
        &[
            "merge",
            "check",
            "-o",
            "汇总.xlsx",
            "--template",
            template.to_str().unwrap(),
        ],
        1,
    );
    let seen = openpyxl(&dir.path().join("汇总.xlsx"));
    let source = openpyxl(&dir.path().join("check/有问题的报表.xlsx"));
    let issues = &seen["cells"]["问题清单"];
    let links = &seen["links"]["问题清单"];
    let mut checked = 0;
    for r in 2.. {
        let Some(rule) = issues[format!("C{r}")].as_str() else {
            break;
        };
        if issues[format!("D{r}")] != "check/有问题的报表.xlsx"
            || issues[format!("E{r}")] != "项目1"
        {
            continue;
        }
        let (sheet, cell) = target(links[format!("H{r}")].as_str().expect(rule));
        let from = issues[format!("F{r}")].as_str().unwrap();
        assert_ne!(cell, from, "{rule}: the layout moved it");
        assert_eq!(
            seen["cells"][&sheet][&cell], source["cells"]["项目1"][from],
            "{rule} at {from} → {sheet}!{cell}"
        );
        checked += 1;
    }
    assert_eq!(checked, 7, "every finding of the table with mistakes");
}

/// With `--budget`, a table's mismatch is the department's, on its cell; the list's own
/// findings (a budgeted project nobody sent) are the bureau's and stay in the output.
#[test]
fn budget_findings_on_a_table_go_back_and_the_lists_stay() {
    let dir = Workdir::new();
    dir.write(
        "收件箱/机关工委.xlsx",
        &samples::official_workbook(&samples::seed(), false),
    );
    let dept = "中共黔南州直属机关工作委员会";
    let csv = format!(
        "主管部门,项目名称,金额（万元）\n{dept},机关党建工作,24.02\n{dept},党建专项“七一”系列活动、党建宣传,10.00\n\
         {dept},党建专项经费-党员教育培训,32.00\n{dept},党建专项经费-州直机关党建工作,22.50\n{dept},机关档案数字化,5.00\n"
    );
    dir.write("预算.csv", csv.as_bytes());
    let all = findings(
        &dir,
        &["收件箱", "--budget", "预算.csv", "--feedback", "反馈"],
    );
    let rules: Vec<&str> = all.iter().map(|d| d["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["budget-mismatch", "budget-missing"], "{all:?}");
    let names: Vec<String> = std::fs::read_dir(dir.path().join("反馈"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [format!("{dept}.xlsx")],
        "no 未能读取的文件 for the list"
    );
    let seen = openpyxl(&dir.path().join(format!("反馈/{dept}.xlsx")));
    let list = &seen["cells"]["审核意见"];
    assert_eq!(row(list, 5), expected_row(&all[0]));
    assert!(list["A6"].is_null(), "only the table's finding");
    let (sheet, cell) = target(seen["links"]["审核意见"]["H5"].as_str().unwrap());
    assert_eq!(
        (sheet.as_str(), cell.as_str()),
        ("党建专项经费-党员教育培训", "D6")
    );
    let (notes, _) = marks(&seen);
    assert!(notes[&(sheet, cell)].contains("预算金额 32.00 万元"));
}
