//! `--budget`: the tables against the budget list, on `check` and on `merge`.

use crate::samples;
use crate::workdir::Workdir;
use crate::write::openpyxl;

const GW: &str = "中共黔南州直属机关工作委员会";

/// A budget list as a workbook in 元: a title, a unit in the header, the columns in
/// another order than the tables' (项目名称 | 金额（元） | 主管部门).
fn list_in_yuan(rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("预算").unwrap();
    ws.write_string(0, 0, "2024年州级部门预算项目表").unwrap();
    for (c, h) in ["序号", "项目名称", "金额（元）", "主管部门"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (i, (dept, project, amount)) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        ws.write_string(r, 1, *project).unwrap();
        ws.write_number(r, 2, amount.parse::<f64>().unwrap())
            .unwrap();
        ws.write_string(r, 3, *dept).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// The seed's four tables; the budget lists three of them (one at another amount) and
/// a fourth project nobody sent.
fn inbox(dir: &Workdir) {
    dir.write(
        "收件箱/机关工委.xlsx",
        &samples::official_workbook(&samples::seed(), false),
    );
}

fn lines(out: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_mismatch_a_missing_project_and_a_table_without_a_line_in_yuan() {
    let dir = Workdir::new();
    inbox(&dir);
    dir.write(
        "预算.xlsx",
        &list_in_yuan(&[
            (GW, "机关党建工作", "240200"),
            (GW, "党建专项“七一”系列活动、党建宣传", "100000"),
            (GW, "党建专项经费-党员教育培训", "320000"),
            (GW, "机关档案数字化", "50000"),
        ]),
    );
    let out = dir.run_status(&["check", "收件箱", "--budget", "预算.xlsx"], 1);
    assert_eq!(
        lines(&out),
        [
            "收件箱/机关工委.xlsx:项目3!D6: error[budget-mismatch] 年度资金总额 30.00 万元 ≠ 预算金额 32.00 万元（预算.xlsx:预算!C5，为 320000.00 元），比预算少 2.00 万元".to_string(),
            format!("收件箱/机关工委.xlsx:项目4!F4: warning[budget-unlisted] 项目“党建专项经费-州直机关党建工作”（{GW}）不在预算表 预算.xlsx 中"),
            format!("预算.xlsx:预算!B6: error[budget-missing] 预算项目“机关档案数字化”（{GW}，5.00 万元）没有绩效目标表"),
            "已检查 1 个文件、4 个项目：2 个错误，1 个警告".to_string(),
            "预算对比（预算.xlsx，4 个项目，71.02 万元）：相符 2 个，金额不符 1 个，未报送 1 个；另有 1 张表不在预算表中".to_string(),
        ]
    );
}

#[test]
fn the_same_in_wan_as_csv_with_a_close_department_name() {
    let dir = Workdir::new();
    inbox(&dir);
    // 万元 said by a unit line; a header in yet another order; the fourth table's
    // project listed under a shortened department name.
    dir.write(
        "预算.csv",
        format!(
            "单位：万元\n金额,主管部门,项目名称\n24.02,{GW},机关党建工作\n10,{GW},党建专项“七一”系列活动、党建宣传\n32.00,{GW},党建专项经费-党员教育培训\n5,{GW},机关档案数字化\n22.5,中共黔南州直属机关工委,党建专项经费-州直机关党建工作\n"
        )
        .as_bytes(),
    );
    let out = dir.run(&["check", "收件箱", "--budget", "预算.csv"]);
    assert_eq!(
        lines(&out),
        [
            "收件箱/机关工委.xlsx:项目3!D6: error[budget-mismatch] 年度资金总额 30.00 万元 ≠ 预算金额 32.00 万元（预算.csv 第 5 行），比预算少 2.00 万元".to_string(),
            format!("收件箱/机关工委.xlsx:项目4!F4: warning[budget-unlisted] 项目“党建专项经费-州直机关党建工作”（{GW}）不在预算表 预算.csv 中；预算表中有名称相近的“中共黔南州直属机关工委”的“党建专项经费-州直机关党建工作”（预算.csv 第 7 行，22.50 万元），请核对是否为同一项目（未自动匹配）"),
            format!("预算.csv: error[budget-missing] 第 6 行：预算项目“机关档案数字化”（{GW}，5.00 万元）没有绩效目标表"),
            format!("预算.csv: error[budget-missing] 第 7 行：预算项目“党建专项经费-州直机关党建工作”（中共黔南州直属机关工委，22.50 万元）没有绩效目标表；收到名称相近的“{GW}”的“党建专项经费-州直机关党建工作”（收件箱/机关工委.xlsx:项目4），请核对是否为同一项目（未自动匹配）"),
            "已检查 1 个文件、4 个项目：3 个错误，1 个警告".to_string(),
            "预算对比（预算.csv，5 个项目，93.52 万元）：相符 2 个，金额不符 1 个，未报送 2 个；另有 1 张表不在预算表中".to_string(),
        ]
    );
    // --allow turns a budget rule off as any other.
    dir.run_ok(&[
        "check",
        "收件箱",
        "--budget",
        "预算.csv",
        "--allow",
        "budget-missing",
        "--allow",
        "budget-mismatch",
    ]);
}

#[test]
fn merge_adds_a_budget_sheet_and_nothing_without_one() {
    let dir = Workdir::new();
    inbox(&dir);
    dir.write(
        "预算.xlsx",
        &list_in_yuan(&[
            (GW, "机关党建工作", "240200"),
            (GW, "党建专项“七一”系列活动、党建宣传", "100000"),
            (GW, "党建专项经费-党员教育培训", "320000"),
            (GW, "机关档案数字化", "50000"),
        ]),
    );
    dir.run_ok(&["merge", "收件箱", "-o", "plain.xlsx"]);
    let out = dir.run_status(
        &["merge", "收件箱", "-o", "m.xlsx", "--budget", "预算.xlsx"],
        1,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("预算对比（预算.xlsx，4 个项目"), "{stderr}");
    // merge holds its tables' heads only, but its findings still name the cell.
    assert!(
        stderr.contains("收件箱/机关工委.xlsx:项目3!D6: error[budget-mismatch]"),
        "{stderr}"
    );
    let seen = openpyxl(&dir.path().join("m.xlsx"));
    assert_eq!(seen["sheets"][1], "预算对比");
    let plain_seen = openpyxl(&dir.path().join("plain.xlsx"));
    assert!(
        !plain_seen["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "预算对比")
    );
    // 汇总 is the same with or without the budget.
    assert_eq!(seen["cells"]["汇总"], plain_seen["cells"]["汇总"]);
    let s = &seen["cells"]["预算对比"];
    // Numbers as numbers, whatever form openpyxl gives them (24 or 24.0).
    let cell = |a1: &str| -> String {
        match &s[a1] {
            serde_json::Value::Number(n) => format!("{:.2}", n.as_f64().unwrap()),
            serde_json::Value::String(t) => t.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    };
    let row =
        |r: u32| -> Vec<String> { "BCDEFG".chars().map(|c| cell(&format!("{c}{r}"))).collect() };
    assert_eq!(
        row(4),
        [GW, "机关党建工作", "24.02", "24.02", "0.00", "相符"]
    );
    assert_eq!(row(6)[2..], ["32.00", "30.00", "-2.00", "金额不符"]);
    assert_eq!(row(7)[1..], ["机关档案数字化", "5.00", "", "", "未报送"]);
    assert_eq!(
        row(8)[1..],
        [
            "党建专项经费-州直机关党建工作",
            "",
            "22.50",
            "",
            "不在预算表中"
        ]
    );
    assert_eq!(
        cell("B9"),
        format!("{GW} 小计（5 个项目）"),
        "one group: the department's lines and its unlisted table"
    );
    assert_eq!(
        (cell("D9"), cell("E9"), cell("F9")),
        ("71.02".into(), "86.52".into(), "15.50".into())
    );
    assert_eq!(cell("B10"), "合计（5 个项目）");
    assert_eq!(seen["formulas"]["预算对比"]["F6"], "=E6-D6");
    assert_eq!(seen["formulas"]["预算对比"]["D10"], "=SUBTOTAL(9,D4:D9)");
    let fills = &seen["fills"]["预算对比"];
    assert_eq!(fills["G6"], "FFEB9C", "a mismatch is yellow");
    assert_eq!(fills["G7"], "FFC7CE", "a missing table is red");
    assert!(fills.get("G4").is_none(), "a match is not coloured");
    // The findings are in 问题清单 too.
    let issues = seen["cells"]["问题清单"].as_object().unwrap();
    for rule in ["budget-mismatch", "budget-unlisted", "budget-missing"] {
        assert!(issues.values().any(|v| v == rule), "{rule} not in 问题清单");
    }
}

#[test]
fn a_list_without_a_header_is_refused_naming_the_file() {
    let dir = Workdir::new();
    inbox(&dir);
    dir.write("预算.csv", "名称,说明\n甲,乙\n".as_bytes());
    let out = dir.run_status(&["check", "收件箱", "--budget", "预算.csv"], 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("预算表 预算.csv 中没有找到表头"),
        "{stderr}"
    );
}
