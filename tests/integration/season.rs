//! The bureau's season: resubmissions under each `--prefer`, counted once in 汇总's
//! 小计 and 合计 as openpyxl reads them back, and `check` naming the same version.

use jixiao::model::Project;
use serde_json::Value as Json;

use crate::samples;
use crate::workdir::Workdir;
use crate::write::openpyxl;

/// A department's first workbook (the seed's four projects, 86.52), its whole new one
/// (机关党建工作 now 25.02, 党建专项“七一” unchanged, the other two left out), and
/// another department's one table (5.00), with the times of a season.
fn inbox() -> Workdir {
    let dir = Workdir::new();
    let seed = samples::seed();
    dir.write(
        "收件箱/机关工委-第一次.xlsx",
        &samples::official_workbook(&seed, false),
    );
    let mut changed = seed[0].clone();
    changed.funds.total = Some("25.02".parse().unwrap());
    changed.funds.fiscal = changed.funds.total;
    dir.write(
        "收件箱/机关工委-第二次.xlsx",
        &samples::official_workbook(&[changed, seed[1].clone()], false),
    );
    dir.write(
        "收件箱/财政局.xlsx",
        &samples::official_workbook(&[other_department()], false),
    );
    dir.touch("收件箱/机关工委-第一次.xlsx", 1);
    dir.touch("收件箱/财政局.xlsx", 2);
    dir.touch("收件箱/机关工委-第二次.xlsx", 3);
    dir
}

fn other_department() -> Project {
    let mut p = samples::seed()[1].clone();
    p.department = Some("黔南州财政局".into());
    p.implementer = p.department.clone();
    p.level2_project = Some("财政业务专项".into());
    p.funds.total = Some("5.00".parse().unwrap());
    p.funds.fiscal = p.funds.total;
    p
}

/// A 小计 or 合计 row: its label, 年度资金总额 and 财政拨款.
type Sum = (String, f64, f64);

/// 汇总's 小计 and 合计 rows as openpyxl reads them, and the rows listed below the 合计
/// (二级项目名称, what replaced it).
fn rollup(dir: &Workdir, args: &[&str]) -> (Vec<Sum>, Vec<(String, String)>) {
    let mut all = vec!["merge"];
    all.extend_from_slice(args);
    all.extend(["-o", "汇总.xlsx", "--force"]);
    let out = dir.run(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = openpyxl(&dir.path().join("汇总.xlsx"));
    let cells = &seen["cells"]["汇总"];
    let text = |c: &str| cells[c].as_str().unwrap_or_default().to_string();
    let number = |c: &str| cells[c].as_f64().unwrap_or(f64::NAN);
    let mut sums = Vec::new();
    let mut set_aside = Vec::new();
    let mut below = false;
    for r in 4..200 {
        let label = text(&format!("B{r}"));
        if label.contains("小计") || label.starts_with("合计") {
            sums.push((
                label.clone(),
                number(&format!("F{r}")),
                number(&format!("G{r}")),
            ));
            below = label.starts_with("合计");
        } else if below && cells[format!("A{r}")] == "—" {
            set_aside.push((text(&format!("E{r}")), text(&format!("I{r}"))));
        }
    }
    (sums, set_aside)
}

fn sum(label: &str, total: f64) -> Sum {
    (label.to_string(), total, total)
}

#[test]
fn newest_counts_the_whole_new_workbook() {
    let dir = inbox();
    let (sums, set_aside) = rollup(&dir, &["收件箱"]);
    assert_eq!(
        sums,
        [
            sum("中共黔南州直属机关工作委员会 小计（2 个项目）", 35.02),
            sum("黔南州财政局 小计（1 个项目）", 5.0),
            sum("合计（3 个项目）", 40.02),
        ]
    );
    // Every version of the first workbook is listed, none summed: the two in the new
    // workbook name their new version, the two left out say so.
    let names: Vec<&str> = set_aside.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "机关党建工作",
            "党建专项“七一”系列活动、党建宣传",
            "党建专项经费-党员教育培训",
            "党建专项经费-州直机关党建工作"
        ]
    );
    assert_eq!(set_aside[0].1, "由 收件箱/机关工委-第二次.xlsx:项目1 替代");
    assert_eq!(
        set_aside[2].1,
        "收件箱/机关工委-第二次.xlsx 已整体替代其工作簿，其中没有这个项目"
    );
    // 问题清单 says each, as check does.
    let check = dir.run(&["check", "收件箱"]);
    let text = String::from_utf8_lossy(&check.stdout);
    assert_eq!(
        text.matches("warning[duplicate-project]").count(),
        2,
        "{text}"
    );
    assert_eq!(
        text.matches("warning[withdrawn-project]").count(),
        2,
        "{text}"
    );
    assert!(text.contains(
        "收件箱/机关工委-第一次.xlsx:项目1!F4: warning[duplicate-project] 项目“机关党建工作”（中共黔南州直属机关工作委员会）重复报送：这一版未计入合计，计入的是较新的 收件箱/机关工委-第二次.xlsx:项目1"
    ), "{text}");
    let seen = openpyxl(&dir.path().join("汇总.xlsx"));
    let issues: Vec<&Json> = seen["cells"]["问题清单"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with('C'))
        .map(|(_, v)| v)
        .collect();
    assert_eq!(
        issues.iter().filter(|r| **r == "withdrawn-project").count(),
        2
    );
}

#[test]
fn oldest_counts_the_first_workbook() {
    let dir = inbox();
    let (sums, set_aside) = rollup(&dir, &["收件箱", "--prefer", "oldest"]);
    assert_eq!(
        sums,
        [
            sum("中共黔南州直属机关工作委员会 小计（4 个项目）", 86.52),
            sum("黔南州财政局 小计（1 个项目）", 5.0),
            sum("合计（5 个项目）", 91.52),
        ]
    );
    assert_eq!(
        set_aside,
        [
            (
                "机关党建工作".to_string(),
                "由 收件箱/机关工委-第一次.xlsx:项目1 替代".to_string()
            ),
            (
                "党建专项“七一”系列活动、党建宣传".to_string(),
                "由 收件箱/机关工委-第一次.xlsx:项目2 替代".to_string()
            ),
        ]
    );
    let check = dir.run(&["check", "收件箱", "--prefer", "oldest"]);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(
        text.contains("计入的是较早的 收件箱/机关工委-第一次.xlsx:项目1"),
        "{text}"
    );
    assert!(!text.contains("withdrawn-project"), "{text}");
}

#[test]
fn first_named_goes_by_the_order_given_not_the_times() {
    let dir = inbox();
    let first = "收件箱/机关工委-第一次.xlsx";
    let second = "收件箱/机关工委-第二次.xlsx";
    let other = "收件箱/财政局.xlsx";
    let (sums, _) = rollup(&dir, &[second, first, other, "--prefer", "first-named"]);
    assert_eq!(
        sums,
        [
            sum("中共黔南州直属机关工作委员会 小计（2 个项目）", 35.02),
            sum("黔南州财政局 小计（1 个项目）", 5.0),
            sum("合计（3 个项目）", 40.02),
        ]
    );
    let (sums, set_aside) = rollup(&dir, &[first, second, other, "--prefer", "first-named"]);
    assert_eq!(sums.last(), Some(&sum("合计（5 个项目）", 91.52)));
    assert_eq!(set_aside.len(), 2);
    // A folder is named in name order: 第一次 before 第二次.
    let (sums, _) = rollup(&dir, &["收件箱", "--prefer", "first-named"]);
    assert_eq!(sums.last(), Some(&sum("合计（5 个项目）", 91.52)));
    let check = dir.run(&["check", second, first, "--prefer", "first-named"]);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(
        text.contains(&format!("计入的是排在前面的 {second}:项目1")),
        "{text}"
    );
}

/// The default is what merge did before `--prefer`: the same bytes with and without
/// `--prefer newest`.
#[test]
fn the_default_is_newest() {
    let dir = inbox();
    for (out, extra) in [("a.xlsx", None), ("b.xlsx", Some("newest"))] {
        let mut args = vec!["merge", "收件箱", "-o", out];
        if let Some(p) = extra {
            args.extend(["--prefer", p]);
        }
        dir.run_ok(&args);
    }
    assert_eq!(
        std::fs::read(dir.path().join("a.xlsx")).unwrap(),
        std::fs::read(dir.path().join("b.xlsx")).unwrap()
    );
}

/// The lists are held to the same limits as the submissions.
#[test]
fn the_lists_are_read_within_the_limits() {
    let dir = Workdir::new();
    dir.write("seed.xlsx", &crate::samples::all()[0].bytes);
    // About 1.6 MB of names: past a limit of 1 MB.
    dir.write(
        "名单.csv",
        "中共黔南州直属机关工作委员会\n".repeat(40_000).as_bytes(),
    );
    for option in ["--expect", "--budget"] {
        let out = dir.run_status(
            &[
                "check",
                "seed.xlsx",
                option,
                "名单.csv",
                "--max-file-mb",
                "1",
            ],
            2,
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("超过上限 1 MB"), "{option}: {stderr}");
    }
}

/// A list that cannot be read is said once, in Chinese; the system's English words
/// come only with `--verbose`.
#[test]
fn an_unreadable_list_is_said_once_in_chinese() {
    let dir = Workdir::new();
    dir.write("seed.xlsx", &crate::samples::all()[0].bytes);
    for option in ["--expect", "--budget"] {
        let out = dir.run_status(&["check", "seed.xlsx", option, "没有.csv"], 2);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.matches("文件不存在").count(), 1, "{stderr}");
        assert!(!stderr.contains("os error"), "{stderr}");
        let out = dir.run_status(&["check", "seed.xlsx", option, "没有.csv", "--verbose"], 2);
        assert!(String::from_utf8_lossy(&out.stderr).contains("os error"));
    }
}
