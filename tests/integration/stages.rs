//! The year's tables after the 批复表: each stage's blank form, and `prefill` carrying the
//! seed's four approved projects into 自评表 and 监控表 that a department fills in (with
//! openpyxl here), `score` scores and `check` checks.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use jixiao::model::{Extraction, Project};
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use crate::samples;
use crate::workdir::{Workdir, repo};
use crate::write::openpyxl;

fn extract(path: &Path) -> Extraction {
    jixiao::extract(&[path.to_path_buf()])
}

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

/// Fills `cells` ({sheet: {A1: value}}) into `from` with openpyxl, saved as `to`.
fn fill(from: &Path, to: &Path, cells: &Json) {
    let mut child = Command::new("python3")
        .arg(repo().join("tests/openpyxl_fill.py"))
        .arg(from)
        .arg(to)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (CI installs openpyxl)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(cells.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openpyxl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The seed's four projects as a bureau approved them, one workbook.
fn approved(w: &Workdir) {
    w.write("批复.xlsx", &samples::all()[0].bytes);
}

/// The prefilled workbooks of `dir`, by 二级项目名称, read back.
fn read_dir(dir: &Path) -> BTreeMap<String, (std::path::PathBuf, Project)> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let x = extract(&path);
        assert_eq!(
            x.projects.len(),
            1,
            "{}: {:?}",
            path.display(),
            x.diagnostics
        );
        let p = x.projects[0].clone();
        out.insert(p.level2_project.clone().unwrap(), (path, p));
    }
    out
}

/// What a table carried forward must keep of the approved one.
fn same_targets(carried: &Project, approved: &Project) {
    let name = approved.level2_project.as_deref().unwrap_or_default();
    assert_eq!(carried.department, approved.department, "{name}");
    assert_eq!(carried.implementer, approved.implementer, "{name}");
    assert_eq!(carried.funds, approved.funds, "{name}");
    assert_eq!(carried.goal, approved.goal, "{name}");
    assert_eq!(carried.year, approved.year, "{name}");
    let targets = |p: &Project| -> Vec<(String, String, String, String)> {
        let mut v: Vec<_> = p
            .indicators
            .iter()
            .map(|i| {
                (
                    i.level1.clone(),
                    i.level2.clone(),
                    i.name.clone(),
                    i.value.text.clone(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(targets(carried), targets(approved), "{name}");
}

/// The cell under the 项目资金 header `header` on the 年度资金总额 line.
fn fund_cell(path: &Path, sheet: &str, header: &str, total_at: &str) -> String {
    let seen = openpyxl(path);
    let cells = seen["cells"][sheet].as_object().unwrap();
    let (col, _) = cells
        .iter()
        .find(|(_, v)| v.as_str() == Some(header))
        .unwrap_or_else(|| panic!("no {header} in {sheet}"));
    let letters: String = col.chars().take_while(char::is_ascii_alphabetic).collect();
    let row: String = total_at
        .chars()
        .skip_while(char::is_ascii_alphabetic)
        .collect();
    format!("{letters}{row}")
}

/// What a department writes for a target met: the number and unit again, or, for a
/// qualitative one, 达成年度指标 (graded in full below).
fn met(i: &jixiao::model::Indicator) -> String {
    match i.value.number {
        Some(n) => format!("{n}{}", i.value.unit.as_deref().unwrap_or_default()),
        None => "达成年度指标".into(),
    }
}

#[test]
fn approved_targets_prefilled_filled_in_scored_and_checked() {
    let w = Workdir::new();
    approved(&w);
    let out = w.run(&["prefill", "--stage", "自评", "批复.xlsx", "-o", "自评"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("已预填 4 张自评表到 自评"), "{stderr}");
    // Named as split names them.
    let mut names: Vec<String> = std::fs::read_dir(w.path().join("自评"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want = jixiao::batch::split_names(&samples::seed());
    want.sort();
    assert_eq!(names, want);

    // Read back: a 自评表 of the same project, funds and targets, with 10号's 分值.
    let seed = samples::seed();
    let read = read_dir(&w.path().join("自评"));
    for a in &seed {
        let (_, p) = &read[a.level2_project.as_deref().unwrap()];
        assert_eq!(p.stage.as_deref(), Some("自评"));
        assert_eq!(p.title.as_deref(), Some("黔南州2024年度项目支出绩效自评表"));
        same_targets(p, a);
        let ex = p.execution.as_ref().expect("fund columns");
        assert_eq!((ex.initial, ex.budget), (a.funds.total, a.funds.total));
        assert_eq!((ex.executed, ex.weight), (None, Some(d("10"))));
        let weights: Decimal = p.indicators.iter().filter_map(|i| i.weight).sum();
        assert_eq!(weights, d("90"), "产出 50 + 效益 30 + 满意度 10");
        assert!(
            p.indicators
                .iter()
                .all(|i| i.actual.is_none() && i.score.is_none())
        );
    }
    // 机关党建工作: twelve 产出 share 50 (4.17 each, the last 4.13), four 效益 30.
    let (_, first) = &read["机关党建工作"];
    let weight_of = |name: &str| {
        first
            .indicators
            .iter()
            .find(|i| i.name == name)
            .and_then(|i| i.weight)
            .unwrap()
    };
    assert_eq!(weight_of("创建合格率"), d("4.17"));
    assert_eq!(weight_of("项目或定额成本控制率"), d("4.13"));
    assert_eq!(weight_of("推进州直部门党建工作常态化制度化"), d("7.5"));
    // The formulas are there, with their values stored (blank until filled).
    let (path, _) = &read["机关党建工作"];
    let seen = openpyxl(path);
    let sheet = "机关党建工作";
    let formulas = seen["formulas"][sheet].as_object().unwrap();
    let score_cell = first.indicators[0].cells.score.clone().unwrap();
    assert!(
        formulas[&score_cell]
            .as_str()
            .unwrap()
            .starts_with("=IF(TRIM("),
        "{formulas:?}"
    );
    assert!(
        formulas
            .values()
            .any(|f| f.as_str().unwrap().contains("ROUND(MIN("))
    );
    let total_row = seen["cells"][sheet]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, v)| v.as_str() == Some("总分"))
        .map(|(k, _)| k.trim_start_matches('A').to_string())
        .expect("总分");
    assert_eq!(seen["cells"][sheet][format!("G{total_row}")], 100, "{seen}");

    // The department fills in: 机关党建工作 with misses (one without a reason), a
    // qualitative one graded in its band; the other three all met.
    for (name, (path, p)) in &read {
        let sheet = name.as_str();
        let total_at = p.cells["execution.initial"].clone();
        let executed_at = fund_cell(path, sheet, "全年执行数", &total_at);
        let mut cells = serde_json::Map::new();
        let budget = p.funds.total.unwrap();
        let first = name == "机关党建工作";
        // 22.819 of 24.02 is 95%: 9.5 of 10.
        let executed = if first { d("22.819") } else { budget };
        cells.insert(
            executed_at,
            json!(executed.to_string().parse::<f64>().unwrap()),
        );
        for i in &p.indicators {
            let actual = i.cells.actual.clone().unwrap();
            let score = i.cells.score.clone().unwrap();
            let deviation = i.cells.deviation.clone().unwrap();
            let (value, grade, reason): (String, Option<f64>, Option<&str>) =
                match (first, i.name.as_str()) {
                    (true, "创建合格率") => ("95%".into(), None, None),
                    (true, "模范机关相关工作经费") => (
                        "17万元".into(),
                        None,
                        Some("物价上涨，超支 1 万元，已调减下年预算"),
                    ),
                    (true, "州直机关党组织及党员") => (
                        "98%".into(),
                        None,
                        Some("个别党员对活动安排不满意，将提前征求意见"),
                    ),
                    (true, "加大州直机关党员志愿服务力度") => (
                        "部分达成年度指标".into(),
                        Some(5.0),
                        Some("志愿服务次数偏少，下年按季度安排"),
                    ),
                    (true, "推进州直部门党建工作常态化制度化") => {
                        ("达成年度指标".into(), Some(7.0), None)
                    }
                    _ => (
                        met(i),
                        i.value
                            .number
                            .is_none()
                            .then(|| i.weight.unwrap().to_string().parse().unwrap()),
                        None,
                    ),
                };
            cells.insert(actual, json!(value));
            if let Some(g) = grade {
                cells.insert(score, json!(g));
            }
            if let Some(r) = reason {
                cells.insert(deviation, json!(r));
            }
        }
        let filled = w.path().join("已填").join(path.file_name().unwrap());
        std::fs::create_dir_all(filled.parent().unwrap()).unwrap();
        fill(path, &filled, &json!({ sheet: cells }));
    }

    // score: by hand. 机关党建工作: 执行率 95% → 9.5. 产出: nine met at 4.17 (37.53),
    // 创建合格率 95% of ＝100% → 4.17 × 0.95 = 3.9615 → 3.96, 17万元 past ≤16万元 →
    // 4.17 × 16 ÷ 17 = 3.9247 → 3.92, 成本控制率 met → 4.13: 49.54. 效益: 7.5 + 7.5 (met,
    // graded in full) + 7 + 5 (graded in their bands) = 27. 满意度 98% of ＝100% → 9.8.
    // 9.5 + 49.54 + 27 + 9.8 = 95.84, 优. The other three: everything met, 100.
    let out = w.run(&["score", "已填", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let scored: Json = serde_json::from_slice(&out.stdout).expect("json");
    let by_name: BTreeMap<&str, &Json> = scored
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["project"].as_str().unwrap(), s))
        .collect();
    assert_eq!(by_name.len(), 4, "{stderr}");
    let s = by_name["机关党建工作"];
    assert_eq!(s["execution_score"], "9.5", "{s}");
    assert_eq!(s["total"], "95.84", "{s}");
    assert_eq!(s["grade"], "优");
    let computed = |name: &str| {
        s["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .map(|i| i["computed"].clone())
            .unwrap()
    };
    assert_eq!(computed("创建合格率"), "3.96");
    assert_eq!(computed("模范机关相关工作经费"), "3.92");
    assert_eq!(computed("州直机关党组织及党员"), "9.8");
    assert_eq!(computed("加大州直机关党员志愿服务力度"), Json::Null);
    for other in [
        "党建专项“七一”系列活动、党建宣传",
        "党建专项经费-党员教育培训",
    ] {
        assert_eq!(by_name[other]["total"], "100", "{}", by_name[other]);
    }
    assert_eq!(by_name["党建专项经费-州直机关党建工作"]["total"], "100");

    // openpyxl saves the prefilled formulas without computing them (Excel and WPS
    // compute them as the department types): each is said, never read as a blank.
    let out = w.run(&["check", "已填"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let unvalued = text
        .lines()
        .filter(|l| l.contains("warning[formula-without-value]"))
        .count();
    assert!(unvalued > 0, "{text}");
    assert!(
        text.lines()
            .filter(|l| l.contains("[formula-without-value]"))
            .all(|l| l.contains("其值未读取")),
        "{text}"
    );
    // check: the one missed target without a reason, and nothing else.
    let out = w.run(&["check", "已填", "--allow", "formula-without-value"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let findings: Vec<&str> = text.lines().filter(|l| l.contains('[')).collect();
    let reason_at = read["机关党建工作"]
        .1
        .indicators
        .iter()
        .find(|i| i.name == "创建合格率")
        .and_then(|i| i.cells.deviation.clone())
        .unwrap();
    assert_eq!(
        findings.len(),
        1,
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        findings[0].ends_with(&format!(
            "机关党建工作!{reason_at}: error[missing-deviation-reason] 指标“创建合格率”未完成（指标值 ＝100%，实际完成值 95%），没有填写偏差原因分析及改进措施"
        )),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn approved_targets_carried_into_a_monitoring_table_and_back() {
    let w = Workdir::new();
    approved(&w);
    w.run_ok(&["prefill", "--stage", "监控", "批复.xlsx", "-o", "监控"]);
    let read = read_dir(&w.path().join("监控"));
    assert_eq!(read.len(), 4);
    for a in samples::seed() {
        let (_, p) = &read[a.level2_project.as_deref().unwrap()];
        assert_eq!(p.stage.as_deref(), Some("监控"));
        same_targets(p, &a);
        let ex = p.execution.as_ref().expect("fund columns");
        assert_eq!((ex.initial, ex.budget), (a.funds.total, a.funds.total));
    }
    // Half a year on: the department writes what is done and what it expects.
    let (path, p) = &read["党建专项经费-党员教育培训"];
    let sheet = "党建专项经费-党员教育培训";
    let executed_at = fund_cell(path, sheet, "1-6月执行数", &p.cells["execution.initial"]);
    let training = p.indicators.iter().find(|i| i.name == "开展培训").unwrap();
    let row: String = training
        .cells
        .actual
        .as_deref()
        .unwrap()
        .chars()
        .skip_while(char::is_ascii_alphabetic)
        .collect();
    let cells = json!({ sheet: {
        executed_at.as_str(): 12.5,
        training.cells.actual.as_deref().unwrap(): "1次",
        format!("G{row}"): "4次",
        format!("H{row}"): "确定能",
        training.cells.deviation.as_deref().unwrap(): "下半年集中办班",
        format!("J{row}"): "9 月前完成 3 期培训",
    }});
    let filled = w.path().join("已填.xlsx");
    fill(path, &filled, &cells);
    let x = extract(&filled);
    let back = &x.projects[0];
    same_targets(back, p);
    assert_eq!(back.execution.as_ref().unwrap().executed, Some(d("12.50")));
    let t = back
        .indicators
        .iter()
        .find(|i| i.name == "开展培训")
        .unwrap();
    assert_eq!(t.actual.as_deref(), Some("1次"));
    assert_eq!(t.deviation.as_deref(), Some("下半年集中办班"));
    // The columns after the first of their kind are kept under their headers.
    assert_eq!(
        t.extra.get("全年预计\n完成情况").map(String::as_str),
        Some("4次"),
        "{:?}",
        t.extra
    );
    assert_eq!(
        t.extra.get("完成可能性").map(String::as_str),
        Some("确定能")
    );
    assert_eq!(
        t.extra.get("改进措施").map(String::as_str),
        Some("9 月前完成 3 期培训")
    );
}

#[test]
fn every_stage_has_a_blank_form_read_as_its_table() {
    let w = Workdir::new();
    for (stage, sheet, title, grid_header) in [
        ("申报", "申报表", "项目支出绩效目标申报表", "评（扣）分标准"),
        ("监控", "监控表", "项目支出绩效运行监控表", "完成可能性"),
        (
            "自评",
            "自评表",
            "项目支出绩效自评表",
            "偏差原因分析\n及改进措施",
        ),
    ] {
        w.run_ok(&["template", "--stage", stage]);
        let path = w.path().join(format!("{title}（空白）.xlsx"));
        let seen = openpyxl(&path);
        // The form, and the hidden lists its 二级 dropdown depends on.
        assert_eq!(seen["sheets"], json!([sheet, "指标选项"]), "{stage}");
        assert_eq!(seen["states"]["指标选项"], "hidden", "{stage}");
        let indirect = seen["validations"][sheet]
            .as_object()
            .unwrap()
            .values()
            .filter(|v| v[1].as_str().is_some_and(|f| f.starts_with("INDIRECT(")))
            .count();
        assert_eq!(indirect, 1, "{stage}: {}", seen["validations"][sheet]);
        let cells = seen["cells"][sheet].as_object().unwrap();
        assert_eq!(cells["A1"], title, "{stage}");
        assert!(
            cells.values().any(|v| v.as_str() == Some(grid_header)),
            "{stage}: {cells:?}"
        );
        let x = extract(&path);
        assert_eq!(x.projects.len(), 1, "{stage}: {:?}", x.diagnostics);
        assert_eq!(x.projects[0].stage.as_deref(), Some(stage));
        // Written twice, the same bytes.
        w.run_ok(&["template", "--stage", stage, "-o", "again.xlsx", "--force"]);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(w.path().join("again.xlsx")).unwrap(),
            "{stage}"
        );
    }
    // 批复 is the official layout's form, under its own title.
    w.run_ok(&["template", "--stage", "批复", "-o", "批复.xlsx"]);
    let seen = openpyxl(&w.path().join("批复.xlsx"));
    assert_eq!(seen["cells"]["绩效目标表"]["A1"], "附表7");
    assert_eq!(seen["cells"]["绩效目标表"]["A2"], "项目支出绩效目标批复表");
}

#[test]
fn a_filled_application_form_gives_its_weights_to_the_self_evaluation() {
    use jixiao::read::{CellValue, Grid, Sheet};
    let w = Workdir::new();
    assert_eq!(
        w.run(&["template", "--stage", "申报", "-o", "申报.xlsx"])
            .status
            .code(),
        Some(0)
    );
    let blank =
        jixiao::read::read_bytes(&std::fs::read(w.path().join("申报.xlsx")).unwrap()).unwrap();
    let g = &blank[0].grid;
    let mut cells: Vec<(u32, u32, CellValue)> = g
        .row_indices()
        .flat_map(|r| g.row(r).iter().map(move |(c, v)| (r, *c, v.clone())))
        .collect();
    let t = |s: &str| CellValue::Text(s.into());
    let n = CellValue::Number;
    // Rows from the top: title, unit, two header rows, three funds lines, goal, grid.
    for (r, c, v) in [
        (2, 2, t("特定目标-单位发展专项")),
        (2, 7, t("党建专项经费-党员教育培训")),
        (3, 2, t("中共黔南州直属机关工作委员会")),
        (3, 7, t("中共黔南州直属机关工作委员会")),
        (4, 3, n(30.0)),
        (5, 3, n(30.0)),
        (6, 3, n(0.0)),
        (7, 2, t("目标1：开展培训。")),
        (9, 1, t("产出指标")),
        (9, 2, t("数量指标")),
        (9, 3, t("开展培训")),
        (9, 4, t("定量")),
        (9, 5, t("＝")),
        (9, 6, t("4")),
        (9, 7, t("次")),
        (9, 8, n(30.0)),
        (9, 9, t("每少 1 次扣 5 分")),
        (10, 1, t("产出指标")),
        (10, 2, t("成本指标")),
        (10, 3, t("培训费")),
        (10, 4, t("定量")),
        (10, 5, t("≤")),
        (10, 6, t("30")),
        (10, 7, t("万元")),
        (10, 8, n(20.0)),
        (11, 1, t("效益指标")),
        (11, 2, t("社会效益指标")),
        (11, 3, t("党员教育管理")),
        (11, 4, t("定性")),
        (11, 6, t("不断增强")),
        (12, 1, t("满意度指标")),
        (12, 2, t("服务对象满意度指标")),
        (12, 3, t("参训人员满意度")),
        (12, 4, t("定量")),
        (12, 5, t("≥")),
        (12, 6, t("90")),
        (12, 7, t("%")),
    ] {
        cells.push((r, c, v));
    }
    let filled = samples::xlsx(&[Sheet::new(
        "申报表".into(),
        Grid::new(cells, g.merges().to_vec()),
    )]);
    w.write("已填申报表.xlsx", &filled);
    let x = extract(&w.path().join("已填申报表.xlsx"));
    let p = &x.projects[0];
    assert_eq!(p.stage.as_deref(), Some("申报"));
    let read: Vec<(&str, &str, Option<Decimal>)> = p
        .indicators
        .iter()
        .map(|i| (i.name.as_str(), i.value.text.as_str(), i.weight))
        .collect();
    assert_eq!(
        read,
        [
            ("开展培训", "＝4次", Some(d("30"))),
            ("培训费", "≤30万元", Some(d("20"))),
            ("党员教育管理", "不断增强", None),
            ("参训人员满意度", "≥90%", None),
        ]
    );
    assert_eq!(p.indicators[0].scoring.as_deref(), Some("每少 1 次扣 5 分"));
    // Carried forward: the 分值 given stay; the rest are 10号's (效益 30, 满意度 10).
    w.run_ok(&[
        "prefill",
        "--stage",
        "自评",
        "已填申报表.xlsx",
        "-o",
        "自评",
    ]);
    let back = read_dir(&w.path().join("自评"));
    let (_, q) = &back["党建专项经费-党员教育培训"];
    let weights: Vec<Option<Decimal>> = q.indicators.iter().map(|i| i.weight).collect();
    assert_eq!(
        weights,
        [Some(d("30")), Some(d("20")), Some(d("30")), Some(d("10"))]
    );
}

#[test]
fn prefill_refuses_what_split_refuses_and_another_stages_layout() {
    let w = Workdir::new();
    approved(&w);
    assert_eq!(
        w.run(&["prefill", "--stage", "自评", "批复.xlsx", "-o", "out"])
            .status
            .code(),
        Some(0)
    );
    // A second run keeps what is there unless --force.
    let again = w.run_status(&["prefill", "--stage", "自评", "批复.xlsx", "-o", "out"], 2);
    assert!(String::from_utf8_lossy(&again.stderr).contains("已存在；如需覆盖，请加 --force"));
    assert_eq!(
        w.run(&[
            "prefill",
            "--stage",
            "自评",
            "批复.xlsx",
            "-o",
            "out",
            "--force"
        ])
        .status
        .code(),
        Some(0)
    );
    // A 监控表's layout cannot write a 自评表.
    let layout = repo().join("templates/jiankong.toml");
    let wrong = w.run(&[
        "prefill",
        "--stage",
        "自评",
        "批复.xlsx",
        "-o",
        "x",
        "--template",
        layout.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert_eq!(wrong.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("是监控表的版式，不能用来写自评表"),
        "{stderr}"
    );
    // Nothing found, nothing made.
    use jixiao::read::{CellValue, Grid, Sheet};
    let unrelated = Grid::new(vec![(0, 0, CellValue::Text("会议纪要".into()))], vec![]);
    w.write(
        "空.xlsx",
        &samples::xlsx(&[Sheet::new("Sheet1".into(), unrelated)]),
    );
    w.run_status(&["prefill", "--stage", "监控", "空.xlsx", "-o", "无"], 1);
    assert!(!w.path().join("无").exists());
}

#[test]
fn a_self_evaluation_split_in_its_own_layout_reads_back_the_same() {
    let w = Workdir::new();
    let text =
        std::fs::read_to_string(repo().join("samples/real/a_shanghai_putuo_2022_ziping.grid"))
            .unwrap();
    w.write(
        "普陀.xlsx",
        &samples::xlsx(&crate::grid::parse(&text).sheets),
    );
    let layout = repo().join("templates/ziping.toml");
    w.run_ok(&[
        "split",
        "普陀.xlsx",
        "-o",
        "拆分",
        "--template",
        layout.to_str().unwrap(),
    ]);
    let a = &extract(&w.path().join("普陀.xlsx")).projects[0];
    let read = read_dir(&w.path().join("拆分"));
    let (_, b) = read.values().next().unwrap();
    assert_eq!(b.stage.as_deref(), Some("自评"));
    assert_eq!(
        (&b.level2_project, &b.department),
        (&a.level2_project, &a.department)
    );
    assert_eq!(b.funds, a.funds);
    let (ea, eb) = (a.execution.as_ref().unwrap(), b.execution.as_ref().unwrap());
    assert_eq!(
        (eb.initial, eb.budget, eb.executed, eb.weight, &eb.score),
        (ea.initial, ea.budget, ea.executed, ea.weight, &ea.score)
    );
    type Row = (String, Option<String>, Option<Decimal>, Option<String>);
    let scores = |p: &Project| -> Vec<Row> {
        p.indicators
            .iter()
            .map(|i| (i.name.clone(), i.actual.clone(), i.weight, i.score.clone()))
            .collect()
    };
    assert_eq!(scores(b), scores(a));
}
