//! `jixiao diff`: two years of the seed's tables, as text, JSON and a workbook.

use jixiao::value::Value;

use crate::samples;
use crate::workdir::Workdir;
use crate::write::openpyxl;

const GW: &str = "中共黔南州直属机关工作委员会";

/// 2024: the seed's four projects. 2025: 机关党建工作 has more money, one indicator's
/// value changed and one indicator more; 党员教育培训 is renamed; 州直机关党建工作 is gone;
/// 机关食堂改造 is new.
fn two_years(dir: &Workdir) {
    let seed = samples::seed();
    dir.write(
        "2024/机关工委.xlsx",
        &samples::official_workbook(&seed, false),
    );
    let mut next = seed.clone();
    let p = &mut next[0];
    p.funds.total = Some("26.00".parse().unwrap());
    p.funds.fiscal = Some("26.00".parse().unwrap());
    p.indicators[1].value = Value::parse("＝2次");
    let mut added = p.indicators[3].clone();
    added.name = "党员志愿服务活动".into();
    added.value = Value::parse("＝6次");
    p.indicators.insert(4, added);
    next[2].level2_project = Some("党建专项经费-机关党员教育培训".into());
    let mut canteen = seed[3].clone();
    canteen.level2_project = Some("机关食堂改造".into());
    canteen.funds.total = Some("12.00".parse().unwrap());
    canteen.funds.fiscal = Some("12.00".parse().unwrap());
    for (i, ind) in canteen.indicators.iter_mut().enumerate() {
        ind.name = format!("食堂改造指标{}", i + 1);
    }
    next[3] = canteen;
    dir.write(
        "2025/机关工委.xlsx",
        &samples::official_workbook(&next, false),
    );
}

#[test]
fn two_years_as_lines() {
    let dir = Workdir::new();
    two_years(&dir);
    let out = dir.run_status(&["diff", "2024", "2025"], 1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "2025/机关工委.xlsx:项目1!D6: 变更 “机关党建工作”的年度资金总额 24.02 → 26.00 万元（+1.98）".to_string(),
            "2025/机关工委.xlsx:项目1!D7: 变更 “机关党建工作”的财政拨款 24.02 → 26.00 万元（+1.98）".to_string(),
            "2025/机关工委.xlsx:项目1!E12: 变更 “机关党建工作”的指标“推进模范机关创建工作”：＝1次 → ＝2次".to_string(),
            "2025/机关工委.xlsx:项目1!D15: 新增 “机关党建工作”的指标“党员志愿服务活动” ＝6次（产出指标/数量指标）".to_string(),
            format!("2025/机关工委.xlsx:项目3!F4: 更名 项目“党建专项经费-党员教育培训” → “党建专项经费-机关党员教育培训”（{GW}）"),
            format!("2025/机关工委.xlsx:项目4!F4: 新增 项目“机关食堂改造”（{GW}，年度资金总额 12.00 万元，13 个指标）"),
            format!("2024/机关工委.xlsx:项目4!F4: 删除 项目“党建专项经费-州直机关党建工作”（{GW}，年度资金总额 22.50 万元，13 个指标）"),
            "旧 4 个项目，新 4 个项目：新增 1 个，删除 1 个，更名 1 个，有变更 1 个，未变 1 个；共 7 处变更".to_string(),
        ]
    );
    // The same batch twice: nothing changed, exit status 0.
    let out = dir.run_ok(&["diff", "2024", "2024/机关工委.xlsx"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "旧 4 个项目，新 4 个项目：没有变更\n"
    );
}

#[test]
fn two_years_as_json() {
    let dir = Workdir::new();
    two_years(&dir);
    let out = dir.run_status(&["diff", "2024", "2025", "--format", "json"], 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 7);
    let kinds: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| (c["kind"].as_str().unwrap(), c["target"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("changed", "funds.total"),
            ("changed", "funds.fiscal"),
            ("changed", "indicator.value"),
            ("added", "indicator"),
            ("renamed", "project"),
            ("added", "project"),
            ("removed", "project"),
        ]
    );
    let funds = &changes[0];
    assert_eq!(
        (&funds["old"], &funds["new"], &funds["difference"]),
        (
            &serde_json::json!("24.02"),
            &serde_json::json!("26.00"),
            &serde_json::json!("1.98")
        )
    );
    assert_eq!(funds["new_place"]["cell"], "D6");
    assert_eq!(funds["old_place"]["file"], "2024/机关工委.xlsx");
    let value = &changes[2];
    assert_eq!(value["indicator"], "推进模范机关创建工作");
    assert_eq!(
        (&value["old"], &value["new"]),
        (&"＝1次".into(), &"＝2次".into())
    );
    let renamed = &changes[4];
    assert_eq!(renamed["old"], "党建专项经费-党员教育培训");
    assert_eq!(renamed["new"], "党建专项经费-机关党员教育培训");
    assert_eq!(json["summary"]["renamed"], 1);
    assert_eq!(json["old"]["projects"], 4);
    assert_eq!(json["new"]["path"], "2025");
}

#[test]
fn two_years_as_a_workbook() {
    let dir = Workdir::new();
    two_years(&dir);
    let out = dir.run_status(&["diff", "2024", "2025", "-o", "变更.xlsx"], 1);
    assert!(out.stdout.is_empty(), "the workbook instead of the lines");
    assert!(String::from_utf8_lossy(&out.stderr).ends_with("共 7 处变更：变更.xlsx\n"));
    let seen = openpyxl(&dir.path().join("变更.xlsx"));
    assert_eq!(seen["sheets"], serde_json::json!(["变更", "项目对比"]));
    let cells = &seen["cells"]["变更"];
    let fills = &seen["fills"]["变更"];
    // Row 4 is the first change: 年度资金总额, yellow, with old → new.
    assert_eq!(cells["B4"], "变更");
    assert_eq!(cells["E4"], "年度资金总额");
    assert_eq!(cells["H4"], "24.02 → 26.00");
    assert_eq!(cells["I4"].as_f64(), Some(1.98));
    assert_eq!(fills["H4"], "FFEB9C");
    assert_eq!(cells["E6"], "指标“推进模范机关创建工作”");
    assert_eq!(cells["H6"], "＝1次 → ＝2次");
    // The added indicator and project are green; the removed project red, struck.
    assert_eq!(
        (&cells["B7"], &fills["C7"]),
        (&"新增".into(), &"C6EFCE".into())
    );
    assert_eq!(
        cells["H8"],
        "党建专项经费-党员教育培训 → 党建专项经费-机关党员教育培训"
    );
    assert_eq!(fills["D8"], "FFEB9C");
    assert_eq!(fills["D9"], "C6EFCE");
    assert_eq!(cells["D10"], "党建专项经费-州直机关党建工作");
    assert_eq!(fills["D10"], "FFC7CE");
    let struck = seen["struck"]["变更"].as_array().unwrap();
    assert!(struck.contains(&"D10".into()), "{struck:?}");
    assert!(!struck.contains(&"D9".into()), "{struck:?}");
    assert_eq!(
        cells["J10"],
        serde_json::Value::Null,
        "no place in the new year"
    );
    assert_eq!(cells["K10"], "2024/机关工委.xlsx:项目4!F4");
    // 项目对比: both years' totals, and the difference.
    let p = &seen["cells"]["项目对比"];
    assert_eq!(p["C4"], "机关党建工作");
    assert_eq!(
        (p["E4"].as_f64(), p["F4"].as_f64()),
        (Some(24.02), Some(26.0))
    );
    assert_eq!(p["G4"].as_f64(), Some(1.98));
    assert_eq!(p["H4"], "有变更");
    assert_eq!(p["H5"], "未变");
    assert_eq!(p["D6"], "党建专项经费-党员教育培训");
    assert_eq!(p["H6"], "更名");
    assert_eq!(p["H8"], "删除");
    assert_eq!(seen["fills"]["项目对比"]["C8"], "FFC7CE");
    assert!(
        seen["fills"]["项目对比"].get("C5").is_none(),
        "未变 is not coloured"
    );
    // 合计: 86.52 last year, 24.02 + 1.98 + 10 + 30 + 12 this year.
    assert_eq!(
        (p["E9"].as_f64(), p["F9"].as_f64()),
        (Some(86.52), Some(78.0))
    );
    assert_eq!(seen["formulas"]["项目对比"]["E9"], "=SUBTOTAL(9,E4:E8)");
    // Written whole, refused without --force, and the same bytes twice.
    dir.run_status(&["diff", "2024", "2025", "-o", "变更.xlsx"], 2);
    let first = std::fs::read(dir.path().join("变更.xlsx")).unwrap();
    dir.run_status(&["diff", "2024", "2025", "-o", "变更.xlsx", "--force"], 1);
    assert_eq!(first, std::fs::read(dir.path().join("变更.xlsx")).unwrap());
    // A later merge over the folder leaves the comparison out.
    std::fs::rename(
        dir.path().join("变更.xlsx"),
        dir.path().join("2025/变更.xlsx"),
    )
    .unwrap();
    let merge = dir.run(&["merge", "2025", "-o", "m.xlsx"]);
    assert!(
        String::from_utf8_lossy(&merge.stderr).contains("own-output"),
        "{}",
        String::from_utf8_lossy(&merge.stderr)
    );
}

#[test]
fn a_file_that_cannot_be_read_is_trouble() {
    let dir = Workdir::new();
    two_years(&dir);
    dir.write("2025/坏.xlsx", b"PK\x03\x04 not really");
    let out = dir.run_status(&["diff", "2024", "2025"], 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2025/坏.xlsx: error[unreadable-file]"),
        "{stderr}"
    );
    // The comparison of what was read is still shown.
    assert!(String::from_utf8_lossy(&out.stdout).contains("共 7 处变更"));
}
