//! The comparison with the budget, on lists and tables made here.

use super::list::{Row as ListRow, parse_rows};
use super::*;
use crate::model::Project;

fn table(dept: &str, name: &str, total: &str, file: &str) -> ProjectKey {
    let mut p = Project {
        department: Some(dept.into()),
        level2_project: Some(name.into()),
        ..Project::default()
    };
    p.funds.total = Some(total.parse().unwrap());
    p.source.file = file.into();
    p.source.sheet = "项目1".into();
    p.cells.insert("funds.total".into(), "D6".into());
    p.cells.insert("level2_project".into(), "F4".into());
    ProjectKey::of(&p)
}

fn list(file: &str, lines: &[&[&str]]) -> List {
    let rows: Vec<ListRow> = lines
        .iter()
        .enumerate()
        .map(|(r, cells)| {
            let cells = cells
                .iter()
                .enumerate()
                .filter(|(_, t)| !t.is_empty())
                .map(|(c, t)| (c as u32, t.to_string()))
                .collect();
            (r as u32, cells)
        })
        .collect();
    let sheet = file.ends_with(".xlsx").then_some("预算");
    parse_rows(file, sheet, &rows).unwrap()
}

const GW: &str = "中共黔南州直属机关工作委员会";

fn ids(r: &Reconciliation) -> Vec<(String, String, Option<String>)> {
    r.diagnostics
        .iter()
        .map(|d| (d.rule.to_string(), d.file.clone(), d.cell.clone()))
        .collect()
}

#[test]
fn a_mismatch_a_missing_project_and_a_table_without_a_line() {
    let budget = list(
        "预算.xlsx",
        &[
            &["主管部门", "项目名称", "金额（万元）"],
            &[GW, "机关党建工作", "24.02"],
            &[GW, "党建专项经费-党员教育培训", "12.00"],
            &[GW, "党建专项经费-州直机关党建工作", "30.00"],
        ],
    );
    let tables = [
        table(GW, "机关党建工作", "24.02", "a.xlsx"),
        table(GW, "党建专项经费-党员教育培训", "10.00", "b.xlsx"),
        table(GW, "党建专项“七一”系列活动、党建宣传", "22.50", "c.xlsx"),
    ];
    let r = reconcile(&budget, &tables, &Config::default());
    assert_eq!(
        ids(&r),
        [
            ("budget-mismatch".into(), "b.xlsx".into(), Some("D6".into())),
            ("budget-unlisted".into(), "c.xlsx".into(), Some("F4".into())),
            (
                "budget-missing".into(),
                "预算.xlsx".into(),
                Some("B4".into())
            ),
        ]
    );
    assert_eq!(
        r.diagnostics[0].message,
        "年度资金总额 10.00 万元 ≠ 预算金额 12.00 万元（预算.xlsx:预算!C3），比预算少 2.00 万元"
    );
    assert_eq!(
        r.diagnostics[2].message,
        format!("预算项目“党建专项经费-州直机关党建工作”（{GW}，30.00 万元）没有绩效目标表")
    );
    assert_eq!(r.diagnostics[2].sheet.as_deref(), Some("预算"));
    let statuses: Vec<(&str, Status)> = r
        .rows
        .iter()
        .map(|row| (row.project.as_str(), row.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("机关党建工作", Status::Matches),
            ("党建专项经费-党员教育培训", Status::Differs),
            ("党建专项经费-州直机关党建工作", Status::Missing),
            ("党建专项“七一”系列活动、党建宣传", Status::Unlisted),
        ]
    );
    assert_eq!(r.rows[1].difference(), Some("-2.00".parse().unwrap()));
    assert_eq!(
        summary_lines(&r),
        [
            "预算对比（预算.xlsx，3 个项目，66.02 万元）：相符 1 个，金额不符 1 个，未报送 1 个；另有 1 张表不在预算表中"
        ]
    );
}

#[test]
fn a_list_in_yuan_and_a_close_department_name() {
    let budget = list(
        "预算.csv",
        &[
            &["项目名称", "主管部门", "预算金额（元）"],
            &["机关党建工作", GW, "250,000.00"],
            &["党员教育培训", GW, "100000"],
        ],
    );
    let tables = [
        table(GW, "机关党建工作", "24.02", "a.xlsx"),
        table("中共黔南州直属机关工委", "党员教育培训", "10", "b.xlsx"),
        table("黔南州财政局", "预算评审", "10", "c.xlsx"),
    ];
    let r = reconcile(&budget, &tables, &Config::default());
    let rules: Vec<String> = r.diagnostics.iter().map(|d| d.rule.to_string()).collect();
    assert_eq!(
        rules,
        [
            "budget-mismatch",
            "budget-unlisted",
            "budget-unlisted",
            "budget-missing"
        ]
    );
    assert_eq!(
        r.diagnostics[0].message,
        "年度资金总额 24.02 万元 ≠ 预算金额 25.00 万元（预算.csv 第 2 行，为 250000.00 元），比预算少 0.98 万元"
    );
    // The near-miss department is pointed out on both sides, never matched.
    assert!(
        r.diagnostics[1].message.contains(&format!(
            "预算表中有名称相近的“{GW}”的“党员教育培训”（预算.csv 第 3 行，10.00 万元）"
        )),
        "{}",
        r.diagnostics[1].message
    );
    assert!(
        !r.diagnostics[2].message.contains("相近"),
        "{}",
        r.diagnostics[2].message
    );
    assert_eq!(
        r.diagnostics[3].message,
        format!(
            "第 3 行：预算项目“党员教育培训”（{GW}，10.00 万元）没有绩效目标表；收到名称相近的“中共黔南州直属机关工委”的“党员教育培训”（b.xlsx:项目1），请核对是否为同一项目（未自动匹配）"
        )
    );
    assert_eq!(
        (
            r.diagnostics[3].sheet.as_deref(),
            r.diagnostics[3].cell.as_deref()
        ),
        (None, None),
        "a .csv has no cells: the row is in the message"
    );
}

#[test]
fn folding_tolerance_and_an_unstated_unit() {
    let budget = list(
        "预算.csv",
        &[
            &["部门", "项目", "金额"],
            &[" 中共黔南州直属机关工作委员会 ", "机关党建工作", "240200"],
            &[GW, "党员教育培训", "１０．００"],
        ],
    );
    let tables = [
        table(GW, "机关党建工作", "24.02", "a.xlsx"),
        table(GW, "党员教育培训", "10.004", "b.xlsx"),
    ];
    let config = Config::from_toml("[rules.budget-mismatch]\ntolerance = \"0.01\"\n").unwrap();
    let r = reconcile(&budget, &tables, &config);
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert!(
        r.diagnostics[0]
            .message
            .ends_with("若以元计则两者相符，请在表头写明“金额（元）”"),
        "{}",
        r.diagnostics[0].message
    );
    assert_eq!(r.rows[1].status, Status::Matches, "within the tolerance");
    let off = Config::from_toml("[rules.budget-mismatch]\nseverity = \"off\"\n").unwrap();
    assert!(reconcile(&budget, &tables, &off).diagnostics.is_empty());
}

#[test]
fn rows_group_each_departments_tables_after_its_lines() {
    let budget = list(
        "b.csv",
        &[
            &["主管部门", "项目名称", "金额"],
            &["甲局", "一", "1"],
            &["乙局", "二", "2"],
        ],
    );
    let tables = [
        table("丙局", "四", "4", "x.xlsx"),
        table("甲局", "三", "3", "x.xlsx"),
        table("乙局", "二", "2", "x.xlsx"),
    ];
    let r = reconcile(&budget, &tables, &Config::default());
    let order: Vec<&str> = r.rows.iter().map(|row| row.project.as_str()).collect();
    assert_eq!(order, ["一", "三", "二", "四"]);
}
