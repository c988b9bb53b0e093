//! Links from a list of findings to their cells: 问题清单 in the merged workbook, read
//! with openpyxl.

use crate::samples;
use crate::workdir::Workdir;
use crate::write::openpyxl;

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

/// (sheet, cell) of a link's location `'sheet'!A1`.
fn target(location: &str) -> (String, String) {
    let (sheet, cell) = location.rsplit_once('!').expect("sheet!cell");
    (
        sheet.trim_matches('\'').replace("''", "'"),
        cell.to_string(),
    )
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
    let out = dir.run(&["merge", "check", "-o", "汇总.xlsx"]);
    assert_eq!(out.status.code(), Some(1));
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
    let again = dir.run(&["merge", "check", "-o", "汇总2.xlsx"]);
    assert_eq!(again.status.code(), Some(1));
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
    let out = dir.run(&[
        "merge",
        "check",
        "-o",
        "汇总.xlsx",
        "--template",
        template.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
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
