//! `jixiao score` on a published 自评表 (samples/real), scored by hand below.

use std::path::Path;

use crate::workdir::Workdir;

/// 永德县明朗中学's 2022 自评表 as published: every 分值 10, 执行率 100%.
fn yongde(w: &Workdir) {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/real/b_yunnan_yongde_2022_ziping.grid"),
    )
    .expect("grid");
    let fixture = crate::grid::parse(&text);
    w.write("永德.xlsx", &crate::samples::xlsx(&fixture.sheets));
}

#[test]
fn a_published_self_evaluation_is_scored_by_the_rules_and_its_slips_found() {
    let w = Workdir::new();
    yongde(&w);
    let out = w.run(&["score", "永德.xlsx", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let scored: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let s = &scored[0];
    // By hand: 执行率 387664.62 / 387664.62 = 100% → 10. Nine indicators of 10:
    // 735 ≥ 735, 100% ≥ 100%, 100% ≥ 100% (资金到位及时率, written 7), ＝100% on a cost
    // met by 100%, 有效 (qualitative, written 10), 98% of ＝100% → 9.8 (written 9),
    // 100% ≥ 100%, 100% ≥ 95% twice: 8 × 10 + 9.8 = 89.8; total 99.8, 优.
    assert_eq!(s["execution_score"], "10", "{s}");
    assert_eq!(s["total"], "99.8", "{s}");
    assert_eq!(s["grade"], "优");
    let computed: Vec<&str> = s["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .map(|i| i["computed"].as_str().unwrap_or("—"))
        .collect();
    assert_eq!(
        computed,
        ["10", "10", "10", "10", "—", "9.8", "10", "10", "10"]
    );
    // What the department wrote that the rules do not give, and the missed target with
    // no reason: exactly these.
    let findings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("error[") || l.contains("warning["))
        .collect();
    assert_eq!(findings.len(), 3, "{stderr}");
    assert!(
        findings[0].contains("!I16: error[score-mismatch]") && findings[0].contains("应为 10"),
        "{stderr}"
    );
    assert!(
        findings[1].contains("!I19: error[score-mismatch]") && findings[1].contains("应为 9.8"),
        "{stderr}"
    );
    assert!(
        findings[2].contains("!J19: error[missing-deviation-reason]"),
        "{stderr}"
    );
}

#[test]
fn check_reports_the_self_evaluation_rules_too() {
    let w = Workdir::new();
    yongde(&w);
    let out = w.run(&["check", "永德.xlsx"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let all = format!("{stdout}{stderr}");
    assert!(all.contains("score-mismatch"), "{all}");
    assert!(all.contains("missing-deviation-reason"), "{all}");
    assert_eq!(out.status.code(), Some(1));
}

/// 上海市普陀区体育事业管理中心's 2022 自评表 as published: 执行率 86.18%.
fn putuo(w: &Workdir) {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples/real/a_shanghai_putuo_2022_ziping.grid"),
    )
    .expect("grid");
    w.write(
        "普陀.xlsx",
        &crate::samples::xlsx(&crate::grid::parse(&text).sheets),
    );
}

#[test]
fn merging_self_evaluations_rolls_up_their_scores() {
    let w = Workdir::new();
    yongde(&w);
    putuo(&w);
    let out = w.run(&["merge", "普陀.xlsx", "永德.xlsx", "-o", "汇总.xlsx"]);
    assert!(
        w.path().join("汇总.xlsx").exists(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = crate::write::openpyxl(&w.path().join("汇总.xlsx"));
    let sheet = &seen["cells"]["自评得分"];
    let num = |cell: &str| {
        sheet[cell]
            .as_f64()
            .unwrap_or_else(|| panic!("{cell}: {}", sheet[cell]))
    };
    // One project a department: row 4 普陀, 5 its 小计, 6 永德, 7 its 小计, 8 合计.
    assert_eq!(sheet["C4"], "普陀体育中心与委托运营方结\n算费用");
    assert!((num("F4") - 21.54576 / 25.0).abs() < 1e-9);
    assert_eq!(num("G4"), 98.62); // 8.62 for 执行率 + 90 for nine indicators met
    assert_eq!(sheet["H4"], "优");
    assert_eq!(num("G6"), 99.8);
    // 合计: funds summed, 总分 weighted by 全年预算数.
    let (b1, b2) = (25.0, 38.766462);
    assert!((num("D8") - (b1 + b2)).abs() < 1e-9);
    assert!((num("E8") - (21.54576 + 38.766462)).abs() < 1e-9);
    let weighted = ((98.62 * b1 + 99.8 * b2) / (b1 + b2) * 100.0).round() / 100.0;
    assert_eq!(num("G8"), weighted);
    assert_eq!(sheet["H8"], "优 2");
    assert!(sheet["A8"].as_str().unwrap_or_default().starts_with("合计"));
}

/// The same 自评表 as a department saves it from Excel, where 98% typed into a cell is
/// the number 0.98 shown as a percentage: read as shown, it scores the same.
#[test]
fn percentages_typed_in_excel_read_as_shown() {
    use jixiao::read::CellValue;
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/real/b_yunnan_yongde_2022_ziping.grid"),
    )
    .expect("grid");
    let fixture = crate::grid::parse(&text);
    let sheet = &fixture.sheets[0];
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(&sheet.name).unwrap();
    let percent = rust_xlsxwriter::Format::new().set_num_format("0%");
    // Merged first: a merge writes its first cell, which the value then replaces.
    for m in sheet.grid.merges() {
        ws.merge_range(
            m.first_row,
            m.first_col as u16,
            m.last_row,
            m.last_col as u16,
            "",
            &rust_xlsxwriter::Format::new(),
        )
        .ok();
    }
    let mut typed = 0;
    for r in sheet.grid.row_indices() {
        for (c, v) in sheet.grid.row(r) {
            match v {
                CellValue::Text(t)
                    if t.ends_with('%') && t[..t.len() - 1].parse::<f64>().is_ok() =>
                {
                    let x: f64 = t[..t.len() - 1].parse().unwrap();
                    ws.write_number_with_format(r, *c as u16, x / 100.0, &percent)
                        .unwrap();
                    typed += 1;
                }
                CellValue::Text(t) => {
                    ws.write_string(r, *c as u16, t).unwrap();
                }
                CellValue::Number(x) => {
                    ws.write_number(r, *c as u16, *x).unwrap();
                }
                other => panic!("{other:?}"),
            }
        }
    }
    assert!(typed >= 5, "{typed} percentages typed as numbers");
    let w = Workdir::new();
    w.write("永德.xlsx", &book.save_to_buffer().unwrap());
    let out = w.run(&["score", "永德.xlsx", "--format", "json"]);
    let scored: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(scored[0]["total"], "99.8", "{}", scored[0]);
    let x = w.run(&["extract", "永德.xlsx"]);
    let doc: serde_json::Value = serde_json::from_slice(&x.stdout).expect("json");
    let actuals: Vec<&str> = doc["projects"][0]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["actual"].as_str())
        .collect();
    assert!(actuals.contains(&"98%"), "{actuals:?}");
}
