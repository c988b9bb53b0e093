//! merge, split and template: round trips, the roll-up's sums, determinism, and what
//! an independent reader (openpyxl) sees.

use std::path::Path;
use std::process::Command;

use jixiao::model::{Extraction, Project};
use serde_json::Value as Json;

use crate::samples;
use crate::workdir::{Workdir, repo};

/// A project as the official layout can carry it: no sources or cells, no columns the
/// layout lacks (指标性质, 方向, 权重, 评分标准), and no title where the input had none
/// (the writer gives one). Amounts are written in 万元 whatever the input's unit.
fn carried(p: &Project, had_title: bool) -> Project {
    let mut p = p.clone();
    p.source = Default::default();
    p.source_unit.clear();
    p.cells.clear();
    if !had_title {
        p.title = None;
        p.year = None;
        p.stage = None;
    }
    for i in &mut p.indicators {
        i.cell.clear();
        i.cells = Default::default();
        (i.nature, i.direction, i.weight, i.scoring) = (None, None, None, None);
    }
    p
}

fn extract(path: &Path) -> Extraction {
    jixiao::extract(&[path.to_path_buf()])
}

/// What openpyxl sees in a workbook.
pub(crate) fn openpyxl(path: &Path) -> Json {
    let out = Command::new("python3")
        .arg(repo().join("tests/openpyxl_view.py"))
        .arg(path)
        .output()
        .expect("python3 runs (CI installs openpyxl)");
    assert!(
        out.status.success(),
        "openpyxl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn merge_rolls_up_86_52_and_reads_back() {
    let dir = Workdir::new();
    dir.write("in/official_seed.xlsx", &samples::all()[0].bytes);
    let out = dir.run_ok(&["merge", "in", "-o", "merged.xlsx"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("年度资金总额 86.52 万元"));
    let merged = dir.path().join("merged.xlsx");

    // Round trip: the department sheet holds the same projects.
    let input = extract(&dir.path().join("in/official_seed.xlsx"));
    let back = extract(&merged);
    assert!(back.diagnostics.is_empty(), "{:?}", back.diagnostics);
    let a: Vec<Project> = input.projects.iter().map(|p| carried(p, true)).collect();
    let b: Vec<Project> = back.projects.iter().map(|p| carried(p, true)).collect();
    assert_eq!(a, b);

    // openpyxl sees the sheets, the merges, the values and the sums.
    let seen = openpyxl(&merged);
    assert_eq!(
        seen["sheets"],
        serde_json::json!(["汇总", "中共黔南州直属机关工作委员会", "问题清单"])
    );
    let rollup = &seen["cells"]["汇总"];
    assert_eq!(rollup["A1"], "黔南州2024年项目支出绩效目标汇总表");
    assert_eq!(rollup["E4"], "机关党建工作");
    assert_eq!(rollup["F4"], 24.02);
    assert_eq!(
        rollup["B8"],
        "中共黔南州直属机关工作委员会 小计（4 个项目）"
    );
    assert_eq!(rollup["F8"], 86.52, "the 小计's cached value");
    assert_eq!(rollup["B9"], "合计（4 个项目）");
    assert_eq!(rollup["F9"], 86.52);
    assert_eq!(seen["formulas"]["汇总"]["F8"], "=SUBTOTAL(9,F4:F7)");
    assert_eq!(seen["formulas"]["汇总"]["F9"], "=SUBTOTAL(9,F4:F8)");
    let merges: Vec<&str> = seen["merged"]["中共黔南州直属机关工作委员会"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for range in [
        "A2:F2", "A6:B8", "C9:F9", "A10:A27", "B11:B22", "C11:C14", "B23:B26",
    ] {
        assert!(merges.contains(&range), "{range} not in {merges:?}");
    }
    let dept = &seen["cells"]["中共黔南州直属机关工作委员会"];
    assert_eq!(dept["D6"], 24.02);
    assert_eq!(dept["E11"], "＝1次");
    assert_eq!(seen["cells"]["问题清单"]["A2"], "未发现问题");
}

#[test]
fn merge_groups_departments_and_lists_every_finding() {
    let dir = Workdir::new();
    dir.write("in/official_seed.xlsx", &samples::all()[0].bytes);
    // The department's later resubmission: the seed, modified after check/'s files.
    let day =
        |d: u64| std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000 + d * 86_400);
    for s in samples::problems() {
        let path = dir.write(&format!("in/{}", s.name), &s.bytes);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(day(1))
            .unwrap();
    }
    let seed = dir.path().join("in/official_seed.xlsx");
    std::fs::File::options()
        .write(true)
        .open(&seed)
        .unwrap()
        .set_modified(day(2))
        .unwrap();
    dir.run_status(&["merge", "in", "-o", "merged.xlsx"], 1);
    let merged = dir.path().join("merged.xlsx");
    let seen = openpyxl(&merged);
    assert_eq!(
        seen["sheets"],
        serde_json::json!([
            "汇总",
            "（未填主管部门）",
            "中共黔南州直属机关工作委员会",
            "问题清单"
        ])
    );
    let rollup = &seen["cells"]["汇总"];
    // check/ holds three earlier versions of the seed's projects: each project counts
    // once, in its newest version, and the project without a department stands alone.
    // Departments in the order their counted projects first appear.
    assert_eq!(rollup["B5"], "（未填主管部门） 小计（1 个项目）");
    assert_eq!(
        rollup["B10"],
        "中共黔南州直属机关工作委员会 小计（4 个项目）"
    );
    assert_eq!(rollup["F10"], 86.52);
    assert_eq!(rollup["B11"], "合计（5 个项目）");
    assert_eq!(rollup["F11"], 116.52);
    // The three versions set aside are listed below, not summed, naming what replaced them.
    assert_eq!(
        rollup["A13"],
        "未计入合计的重复报送（3 个，已由较新的版本替代）"
    );
    for r in 14..=16 {
        let replaced = rollup[format!("I{r}")].as_str().unwrap_or_default();
        assert!(replaced.contains("official_seed.xlsx"), "I{r}: {replaced}");
        let from = rollup[format!("M{r}")].as_str().unwrap_or_default();
        assert!(from.contains("in/check/"), "M{r}: {from}");
    }
    // The indicator counts have their subtotals too, as formulas with their values.
    for col in ["I", "J", "K", "L"] {
        let formula = seen["formulas"]["汇总"][format!("{col}10")]
            .as_str()
            .unwrap_or_default();
        assert!(
            formula.starts_with(&format!("=SUBTOTAL(9,{col}")),
            "{col}10: {formula}"
        );
        let above: f64 = (6..10)
            .map(|r| rollup[format!("{col}{r}")].as_f64().unwrap_or(0.0))
            .sum();
        assert_eq!(rollup[format!("{col}10")].as_f64(), Some(above), "{col}10");
    }
    // 问题清单 carries what check finds, with file, sheet and cell.
    let check = dir.run(&["check", "in"]);
    let lines = String::from_utf8_lossy(&check.stdout).lines().count() - 1;
    let issues = &seen["cells"]["问题清单"];
    assert_eq!(issues[format!("A{}", lines + 1)], lines as f64);
    assert_eq!(issues["C2"], "funds-sum");
    assert_eq!(issues["D2"], "in/check/有问题的报表.xlsx");
    assert_eq!(issues["E2"], "项目1");
    assert_eq!(issues["F2"], "D6");
    assert_eq!(issues["B2"], "错误");
    // Every finding's row is as tall as its wrapped message, so nothing overlaps.
    let heights = &seen["heights"]["问题清单"];
    for row in 2..=lines + 1 {
        let h = heights[row.to_string()].as_f64().unwrap_or(0.0);
        assert!(h >= 15.0, "row {row} of 问题清单 has no height");
    }
}

#[test]
fn merge_output_is_byte_identical_across_runs() {
    let dir = Workdir::new();
    for s in samples::all() {
        dir.write(&format!("in/{}", s.name), &s.bytes);
    }
    dir.run_ok(&["merge", "in", "-o", "a.xlsx"]);
    dir.run_ok(&["merge", "in", "-o", "b.xlsx"]);
    assert_eq!(
        std::fs::read(dir.path().join("a.xlsx")).unwrap(),
        std::fs::read(dir.path().join("b.xlsx")).unwrap()
    );
    dir.run_ok(&["split", "in", "-o", "s1"]);
    dir.run_ok(&["split", "in", "-o", "s2"]);
    let names = |d: &str| {
        let mut v: Vec<_> = std::fs::read_dir(dir.path().join(d))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("s1"), names("s2"));
    for n in names("s1") {
        assert_eq!(
            std::fs::read(dir.path().join("s1").join(&n)).unwrap(),
            std::fs::read(dir.path().join("s2").join(&n)).unwrap()
        );
    }
    // The tables carried forward too, formulas and all.
    for stage in ["自评", "监控"] {
        for out in ["p1", "p2"] {
            let o = format!("{out}{stage}");
            dir.run_ok(&["prefill", "--stage", stage, "in", "-o", &o]);
        }
        let (a, b) = (format!("p1{stage}"), format!("p2{stage}"));
        assert_eq!(names(&a), names(&b));
        assert_eq!(names(&a), names("s1"), "named as split names them");
        for n in names(&a) {
            assert_eq!(
                std::fs::read(dir.path().join(&a).join(&n)).unwrap(),
                std::fs::read(dir.path().join(&b).join(&n)).unwrap(),
                "{stage}"
            );
        }
    }
}

/// Every sample, split, comes back as the same projects in the official layout.
#[test]
fn split_reformats_every_sample() {
    for sample in samples::all() {
        let dir = Workdir::new();
        dir.write(&sample.name, &sample.bytes);
        dir.run_ok(&["split", &sample.name, "-o", "out"]);
        let input = extract(&dir.path().join(&sample.name));
        let mut files: Vec<_> = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert_eq!(files.len(), input.projects.len(), "{}", sample.name);
        for p in &input.projects {
            let name = format!(
                "{}-{}.xlsx",
                p.department.as_deref().unwrap(),
                p.level2_project.as_deref().unwrap()
            );
            let back = extract(&dir.path().join("out").join(&name));
            assert!(
                back.diagnostics.is_empty(),
                "{}: {:?}",
                name,
                back.diagnostics
            );
            assert_eq!(back.projects.len(), 1);
            assert_eq!(
                carried(&back.projects[0], sample.has_title),
                carried(p, sample.has_title),
                "{} → {name}",
                sample.name
            );
            let seen = &back.projects[0];
            assert_eq!(
                seen.source.range,
                format!("A1:F{}", 10 + p.indicators.len()),
                "the official layout"
            );
            if !sample.has_title {
                assert_eq!(seen.title.as_deref(), Some("项目支出绩效目标批复表"));
            }
        }
    }
}

#[test]
fn split_refuses_to_overwrite_and_overrides_the_title() {
    let dir = Workdir::new();
    dir.write("seed.xlsx", &samples::all()[0].bytes);
    dir.run_ok(&["split", "seed.xlsx", "-o", "out"]);
    let before = std::fs::read(
        dir.path()
            .join("out/中共黔南州直属机关工作委员会-机关党建工作.xlsx"),
    )
    .unwrap();
    dir.run_status(
        &[
            "split",
            "seed.xlsx",
            "-o",
            "out",
            "--region",
            "都匀市",
            "--year",
            "2025",
        ],
        2,
    );
    assert_eq!(
        std::fs::read(
            dir.path()
                .join("out/中共黔南州直属机关工作委员会-机关党建工作.xlsx")
        )
        .unwrap(),
        before
    );
    dir.run_ok(&[
        "split",
        "seed.xlsx",
        "-o",
        "out",
        "--region",
        "都匀市",
        "--year",
        "2025",
        "--table-label",
        "附表3",
        "--force",
    ]);
    let back = extract(
        &dir.path()
            .join("out/中共黔南州直属机关工作委员会-机关党建工作.xlsx"),
    );
    assert_eq!(
        back.projects[0].title.as_deref(),
        Some("都匀市2025年项目支出绩效目标批复表")
    );
    assert_eq!(back.projects[0].year, Some(2025));
    let seen = openpyxl(
        &dir.path()
            .join("out/中共黔南州直属机关工作委员会-机关党建工作.xlsx"),
    );
    assert_eq!(seen["cells"]["机关党建工作"]["A1"], "附表3");
}

/// The blank form, filled in as a department would, reads back with extract.
#[test]
fn the_template_filled_in_reads_back() {
    use jixiao::read::{CellValue, Grid, Sheet};
    let dir = Workdir::new();
    dir.run_ok(&["template", "-o", "form.xlsx"]);
    let blank = std::fs::read(dir.path().join("form.xlsx")).unwrap();
    let seen = openpyxl(&dir.path().join("form.xlsx"));
    assert_eq!(seen["cells"]["绩效目标表"]["E10"], "符号");
    // Departments fill in a 申报表, with room for a long 年度总体目标.
    let title = seen["cells"]["绩效目标表"]["A2"]
        .as_str()
        .unwrap_or_default();
    assert!(title.ends_with("申报表"), "{title}");
    assert_eq!(seen["cells"]["绩效目标表"]["A9"], "年度总体目标");
    assert!(seen["heights"]["绩效目标表"]["9"].as_f64().unwrap() >= 90.0);
    // The labels are protected, the cells to fill are not; the 二级 list is the one
    // of the 一级 chosen beside it, from a hidden sheet of named lists.
    assert_eq!(seen["protected"]["绩效目标表"], true);
    let unlocked: Vec<&str> = seen["unlocked"]["绩效目标表"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for fill in [
        "A2", "C4", "F4", "C5", "F5", "D6", "D7", "D8", "C9", "B11", "C11", "D11", "E11", "F11",
        "G11", "G34",
    ] {
        assert!(unlocked.contains(&fill), "{fill} is locked: {unlocked:?}");
    }
    for label in ["A4", "E4", "A5", "C6", "A9", "B10", "F10", "A11"] {
        assert!(!unlocked.contains(&label), "{label} is unlocked");
    }
    assert_eq!(seen["states"]["指标选项"], "hidden");
    assert_eq!(
        seen["validations"]["绩效目标表"]["C11:C34"],
        serde_json::json!(["list", "INDIRECT($B11)"])
    );
    assert_eq!(seen["names"]["产出指标"], "'指标选项'!$A$2:$A$5");
    assert_eq!(seen["cells"]["指标选项"]["A5"], "成本指标");
    assert_eq!(seen["cells"]["指标选项"]["D2"], "服务对象满意度指标");

    // Fill it: the cells a department types, into the form's own grid.
    let sheets = jixiao::read::read_bytes(&blank).unwrap();
    let g = &sheets[0].grid;
    let mut cells: Vec<(u32, u32, CellValue)> = g
        .row_indices()
        .flat_map(|r| g.row(r).iter().map(move |(c, v)| (r, *c, v.clone())))
        .collect();
    let t = |s: &str| CellValue::Text(s.into());
    for (r, c, v) in [
        (3, 2, t("特定目标-单位发展专项")),
        (3, 5, t("党建专项经费-党员教育培训")),
        (4, 2, t("中共黔南州直属机关工作委员会")),
        (4, 5, t("中共黔南州直属机关工作委员会")),
        (5, 3, CellValue::Number(30.0)),
        (6, 3, CellValue::Number(30.0)),
        (7, 3, CellValue::Number(0.0)),
        (8, 2, t("目标1：开展培训。")),
        (10, 1, t("产出指标")),
        (10, 2, t("数量指标")),
        (10, 3, t("开展培训")),
        (10, 4, t("＝")),
        (10, 5, t("4次")),
        (11, 1, t("产出指标")),
        (11, 2, t("成本指标")),
        (11, 3, t("培训费")),
        (11, 4, t("≤")),
        (11, 5, CellValue::Number(30.0)),
        (11, 6, t("万元，含资料费")),
        (12, 1, t("效益指标")),
        (12, 2, t("社会效益指标")),
        (12, 3, t("党员教育管理")),
        (12, 4, t("定性")),
        (12, 5, t("不断增强")),
        (13, 1, t("满意度指标")),
        (13, 2, t("服务对象满意度指标")),
        (13, 3, t("参训人员满意度")),
        (13, 4, t("≥")),
        (13, 5, t("90%")),
    ] {
        cells.push((r, c, v));
    }
    let filled = samples::xlsx(&[Sheet::new(
        "绩效目标表".into(),
        Grid::new(cells, g.merges().to_vec()),
    )]);
    dir.write("filled.xlsx", &filled);
    let x = extract(&dir.path().join("filled.xlsx"));
    assert!(x.diagnostics.is_empty(), "{:?}", x.diagnostics);
    let p = &x.projects[0];
    assert_eq!(
        p.level2_project.as_deref(),
        Some("党建专项经费-党员教育培训")
    );
    assert_eq!(p.funds.total.unwrap().to_string(), "30.00");
    let values: Vec<(&str, &str)> = p
        .indicators
        .iter()
        .map(|i| (i.name.as_str(), i.value.text.as_str()))
        .collect();
    assert_eq!(
        values,
        [
            ("开展培训", "＝4次"),
            ("培训费", "≤30"),
            ("党员教育管理", "不断增强"),
            ("参训人员满意度", "≥90%")
        ]
    );
    assert_eq!(p.indicators[1].note.as_deref(), Some("万元，含资料费"));
    // Only the filled rows are indicators, and check reads the form as a table.
    assert_eq!(p.indicators.len(), 4);
    let check = dir.run(&["check", "filled.xlsx"]);
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("missing-unit"),
        "培训费 has no unit: check says so"
    );
}

/// A department with more tables than Excel has page breaks still merges.
#[test]
fn a_department_with_two_thousand_projects_merges() {
    let seed = samples::seed();
    let projects: Vec<Project> = (0..2_000)
        .map(|i| {
            let mut p = seed[i % 4].clone();
            p.level2_project = Some(format!("项目{i}"));
            p
        })
        .collect();
    let template = jixiao::template::Template::default();
    let parts = jixiao::template::TitleParts::default();
    let layout = jixiao::write::Layout::new(&template, &parts);
    let bytes = jixiao::write::merged_workbook(
        &projects,
        &[],
        Default::default(),
        &[],
        None,
        None,
        &layout,
    )
    .unwrap();
    let sheets = jixiao::read::read_bytes(&bytes).unwrap();
    let (back, _) = jixiao::extract_sheets("merged.xlsx", &sheets);
    assert_eq!(back.len(), 2_000);
}

/// Outputs get the mode a new file gets under the umask (0644 under 022), not the
/// temporary file's private 0600.
#[cfg(unix)]
#[test]
fn outputs_are_readable_by_colleagues() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Workdir::new();
    dir.write("in/seed.xlsx", &samples::all()[0].bytes);
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 022; '{}' merge in -o merged.xlsx && '{}' split in -o parts",
            env!("CARGO_BIN_EXE_jixiao"),
            env!("CARGO_BIN_EXE_jixiao")
        ))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("merged.xlsx")), 0o644);
    for part in std::fs::read_dir(dir.path().join("parts")).unwrap() {
        assert_eq!(mode(&part.unwrap().path()), 0o644);
    }
}

/// `jixiao merge … 2>&1 | head -1`: a closed stderr ends nothing early; the workbook
/// is written whole and the status is the run's own.
#[test]
fn a_closed_pipe_costs_no_output() {
    let dir = Workdir::new();
    dir.copy_samples();
    for cmd in [
        vec!["merge", "samples", "-o", "merged.xlsx"],
        vec!["split", "samples", "-o", "parts"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(&cmd)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is printed, as `head` does.
        drop(child.stderr.take());
        drop(child.stdout.take());
        let status = child.wait().unwrap();
        assert_eq!(
            status.code(),
            Some(1),
            "{cmd:?}: findings of severity error"
        );
    }
    let merged = jixiao::read::read_path(&dir.path().join("merged.xlsx"), &Default::default())
        .expect("the merged workbook is whole");
    assert!(merged.iter().any(|s| s.name == "汇总"));
    assert!(std::fs::read_dir(dir.path().join("parts")).unwrap().count() > 4);
}

fn merged_total(dir: &Workdir, args: &[&str]) -> String {
    let out = dir.run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    stderr
        .lines()
        .find(|l| l.starts_with("已汇总"))
        .unwrap_or_else(|| panic!("{stderr}"))
        .to_string()
}

/// A link back up the tree is not followed round: the inbox is counted once.
#[cfg(unix)]
#[test]
fn a_symlink_loop_counts_once() {
    let dir = Workdir::new();
    for s in samples::all()
        .iter()
        .filter(|s| s.name.starts_with("one_per_file/"))
    {
        dir.write(&format!("inbox/{}", s.name), &s.bytes);
    }
    std::fs::create_dir_all(dir.path().join("inbox/a")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("inbox/a/loop")).unwrap();
    std::os::unix::fs::symlink(
        "../one_per_file/机关党建工作.xlsx",
        dir.path().join("inbox/a/link.xlsx"),
    )
    .unwrap();
    let line = merged_total(&dir, &["merge", "inbox", "-o", "m.xlsx"]);
    assert!(
        line.contains("4 个文件、4 个项目") && line.contains("86.52"),
        "{line}"
    );
}

/// jixiao's own outputs in the inbox are not read again: a second merge, or a merge
/// after split into the inbox, still counts each project once.
#[test]
fn own_outputs_are_not_counted_again() {
    let dir = Workdir::new();
    for s in samples::all()
        .iter()
        .filter(|s| s.name.starts_with("one_per_file/"))
    {
        dir.write(&format!("inbox/{}", s.name), &s.bytes);
    }
    let first = merged_total(&dir, &["merge", "inbox", "-o", "inbox/汇总.xlsx"]);
    assert!(
        first.contains("4 个项目") && first.contains("86.52"),
        "{first}"
    );
    dir.run_ok(&["split", "inbox", "-o", "inbox/parts"]);
    let out = dir.run(&["merge", "inbox", "-o", "inbox/汇总2.xlsx"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("4 个项目") && stderr.contains("86.52"),
        "{stderr}"
    );
    assert!(stderr.contains("warning[own-output]"), "{stderr}");
    // The summary counts the four department files it merged, not jixiao's own.
    assert!(stderr.contains("已汇总 4 个文件"), "{stderr}");
    // Named on the command line, an output is read: the user asked for it.
    dir.run_ok(&["extract", "inbox/汇总.xlsx"]);
}

/// Nothing to merge or split writes nothing: a missing path, an empty folder; an
/// output folder that does not exist is refused before anything is read.
#[test]
fn nothing_read_writes_nothing() {
    let dir = Workdir::new();
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    for (args, code) in [
        (vec!["merge", "nope", "-o", "m.xlsx"], 1),
        (vec!["merge", "empty", "-o", "e.xlsx"], 1),
        (vec!["split", "nope", "-o", "sp"], 1),
        (vec!["merge", "empty", "-o", "missing/m.xlsx"], 2),
    ] {
        let out = dir.run(&args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for name in ["m.xlsx", "e.xlsx", "sp", "missing"] {
        assert!(!dir.path().join(name).exists(), "{name} was written");
    }
    let out = dir.run(&["merge", "empty", "-o", "missing/m.xlsx"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("输出目录 missing 不存在"));
}

/// The official layout groups indicators in the framework's order, so 一级 and 二级
/// merge in whole runs whatever order the department wrote them in.
#[test]
fn the_official_layout_groups_indicators_in_framework_order() {
    let dir = Workdir::new();
    let mut seed = samples::seed();
    seed.truncate(1);
    // 效益, 产出, 满意度, 产出 …: the order a department may type them in.
    let mut shuffled = seed[0].indicators.clone();
    shuffled.reverse();
    seed[0].indicators = shuffled;
    dir.write(
        "in.xlsx",
        &samples::xlsx(&[samples::plain_sheet(&seed, Default::default())]),
    );
    dir.run_ok(&["split", "in.xlsx", "-o", "out"]);
    let written = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let back = extract(&written);
    let levels: Vec<(String, String)> = back.projects[0]
        .indicators
        .iter()
        .map(|i| (i.level1.clone(), i.level2.clone()))
        .collect();
    let mut runs = levels.clone();
    runs.dedup();
    let firsts: Vec<&str> = runs.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        runs.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
        [
            "数量指标",
            "质量指标",
            "时效指标",
            "成本指标",
            "社会效益指标",
            "服务对象满意度指标"
        ],
        "{firsts:?}"
    );
    // Within a group, the department's order stands.
    let names: Vec<&str> = back.projects[0]
        .indicators
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(names[0], "机关“志愿服务”工作");
}

/// `--expect`: the departments that should submit. One has not, one sent its tables
/// under a slightly different name (never merged silently): check ends with both, and
/// merge's 报送情况 sheet says the same.
#[test]
fn expected_departments_who_has_not_submitted() {
    let dir = Workdir::new();
    let mut seed = samples::seed();
    seed.truncate(2);
    seed[1].department = Some("中共黔南州直属机关工委".into());
    dir.write(
        "inbox/机关工委.xlsx",
        &samples::official_workbook(&seed[..1], false),
    );
    dir.write(
        "inbox/工委2.xlsx",
        &samples::official_workbook(&seed[1..], false),
    );
    dir.write(
        "名单.csv",
        "主管部门\n中共黔南州直属机关工作委员会\n黔南州教育局\n".as_bytes(),
    );
    let out = dir.run(&["check", "inbox", "--expect", "名单.csv"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("未报送的部门（1 个，共 2 个）：黔南州教育局"),
        "{stdout}"
    );
    let out = dir.run(&["merge", "inbox", "-o", "m.xlsx", "--expect", "名单.csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = openpyxl(&dir.path().join("m.xlsx"));
    let sheet = &seen["cells"]["报送情况"];
    assert_eq!(sheet["B2"], "中共黔南州直属机关工作委员会");
    assert_eq!(sheet["C2"], "已报送");
    assert_eq!(
        sheet["D2"], 1.0,
        "the near-miss name is not counted as this department"
    );
    assert_eq!(sheet["B3"], "黔南州教育局");
    assert_eq!(sheet["C3"], "未报送");
    assert_eq!(seen["sheets"][1], "报送情况");
    // When only the near-miss name arrived, the department counts as not submitted and
    // the close name is pointed out, for a person to decide.
    std::fs::remove_file(dir.path().join("inbox/机关工委.xlsx")).unwrap();
    let out = dir.run(&["check", "inbox", "--expect", "名单.csv"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("未报送的部门（2 个，共 2 个）"), "{stdout}");
    assert!(
        stdout.contains("中共黔南州直属机关工作委员会：收到名称相近的“中共黔南州直属机关工委”"),
        "{stdout}"
    );
}

/// A temporary a killed run left beside its output is removed by the next run; a
/// fresh one (a run at work in the same folder) is kept.
#[test]
fn stale_temporaries_are_removed() {
    let dir = Workdir::new();
    dir.write("in/seed.xlsx", &samples::all()[0].bytes);
    let stale = dir.write(".jixiao-AbC123.tmp", b"half a workbook");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let fresh = dir.write(".jixiao-XyZ789.tmp", b"another run's");
    let mine = dir.write("notes.tmp", b"not ours");
    let out = dir.run(&["merge", "in", "-o", "m.xlsx"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stale.exists(), "the stale temporary is gone");
    assert!(fresh.exists() && mine.exists());
}

/// merge takes --deny and --allow as check does, and refuses an output named for
/// another format.
#[test]
fn merge_takes_deny_allow_and_refuses_a_csv_name() {
    let dir = Workdir::new();
    for s in samples::all()
        .iter()
        .filter(|s| s.name.starts_with("one_per_file/"))
    {
        dir.write(&format!("in/{}", s.name), &s.bytes);
    }
    let out = dir.run_status(&["merge", "in", "-o", "m.csv"], 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("扩展名应为 .xlsx"));
    assert!(!dir.path().join("m.csv").exists());
    dir.run_ok(&["merge", "in", "-o", "a.xlsx"]);
    // check/ trips cost-sum, a warning: --deny makes it an error.
    for s in samples::problems() {
        dir.write(&format!("p/{}", s.name), &s.bytes);
    }
    let denied = dir.run(&["merge", "p", "-o", "b.xlsx", "--deny", "cost-sum"]);
    let stderr = String::from_utf8_lossy(&denied.stderr);
    assert!(stderr.contains("error[cost-sum]"), "{stderr}");
    dir.run_ok(&[
        "merge",
        "p",
        "-o",
        "c.xlsx",
        "--allow",
        "funds-sum",
        "--allow",
        "missing-category",
        "--allow",
        "bad-value",
        "--allow",
        "empty-field",
        "--allow",
        "cost-sum",
    ]);
}

/// 来源文件 names a file under the folder as given: an absolute folder by its own name,
/// not the folders above it (they are the clerk's, and the workbook is sent on).
#[test]
fn source_files_are_named_under_the_folder_given_not_its_full_path() {
    let dir = Workdir::new();
    dir.write("收件箱/a/official_seed.xlsx", &samples::all()[0].bytes);
    let inbox = dir.path().join("收件箱");
    let absolute = inbox.to_string_lossy().to_string();
    dir.run_ok(&["merge", &absolute, "-o", "abs.xlsx"]);
    dir.run_ok(&["merge", "收件箱/", "-o", "rel.xlsx"]);
    for name in ["abs.xlsx", "rel.xlsx"] {
        let seen = openpyxl(&dir.path().join(name));
        let rollup = seen["cells"]["汇总"].as_object().expect("汇总");
        let sources: Vec<&str> = rollup
            .iter()
            .filter(|(cell, _)| cell.starts_with('M') && cell.as_str() != "M3")
            .filter_map(|(_, v)| v.as_str())
            .collect();
        assert!(!sources.is_empty(), "{name}: {rollup:?}");
        // 小计 rows between the projects: a filter's sort would scatter them.
        assert_eq!(seen["filters"]["汇总"], Json::Null, "{name}");
        assert!(seen["filters"]["问题清单"].is_string(), "{name}");
        for s in sources {
            assert_eq!(s, "收件箱/a/official_seed.xlsx", "{name}");
        }
    }
}

/// A department's sheet, and the 汇总, that would pass the row limit continue on new
/// sheets (“（续）”): read back with calamine, every table is there once, no sheet
/// passes the limit, and the 合计 is the same. The limit is made small here; Excel's
/// is 1,048,576 rows.
#[test]
fn sheets_past_the_row_limit_continue_on_new_sheets() {
    use calamine::{Data, Reader, Xlsx};
    use rust_decimal::Decimal;
    let seed = samples::seed();
    let depts = [
        "甲部门",
        "乙部门名称很长很长很长很长很长很长很长很长很长很长很长很长",
    ];
    let projects: Vec<Project> = (0..100)
        .map(|i| {
            let mut p = seed[i % 4].clone();
            p.department = Some(depts[i % 2].to_string());
            p.level2_project = Some(format!("测试项目-{i:03}"));
            p
        })
        .collect();
    let expected_total: Decimal = projects.iter().filter_map(|p| p.funds.total).sum();
    let template = jixiao::template::Template::default();
    let parts = jixiao::template::TitleParts::default();
    let layout = jixiao::write::Layout::new(&template, &parts);
    let limit = 60;
    let (mut book, continued) = jixiao::write::merged_book(
        &projects,
        &[],
        Default::default(),
        &[],
        None,
        None,
        &layout,
        &jixiao::shelf::Held,
        limit,
    )
    .unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names();
    for n in &names {
        assert!(n.encode_utf16().count() <= 31, "{n}");
    }
    let unique: std::collections::HashSet<_> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    assert!(names.contains(&"汇总（续）".to_string()), "{names:?}");
    assert!(names.contains(&"甲部门（续）".to_string()), "{names:?}");
    assert!(names.contains(&"甲部门（续3）".to_string()), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("乙部门") && n.ends_with("（续）")),
        "{names:?}"
    );
    // Every continuation is reported, each naming a sheet that exists.
    assert!(continued.iter().any(|c| c.sheet == "汇总（续）"));
    for c in &continued {
        assert!(names.contains(&c.sheet), "{c:?}");
        assert!(c.describe(limit).contains("续写在工作表"));
    }
    // Each table appears exactly once, on the department sheets, and no sheet passes
    // the limit.
    let mut seen = std::collections::HashMap::new();
    let mut rollup_total = Decimal::ZERO;
    let mut grand = None;
    for n in &names {
        let range = wb.worksheet_range(n).unwrap();
        if let Some((last, _)) = range.end() {
            assert!(last < limit, "{n} ends at row {}", last + 1);
        }
        let is_rollup = n.starts_with("汇总");
        for row in range.rows() {
            for cell in row {
                if let Data::String(s) = cell
                    && s.starts_with("测试项目-")
                    && !is_rollup
                {
                    *seen.entry(s.clone()).or_insert(0) += 1;
                }
            }
            if is_rollup {
                // A project's row: 序号 a number, 年度资金总额 in column F.
                if let (Some(Data::Float(_)), Some(Data::Float(x))) = (row.first(), row.get(5)) {
                    rollup_total += Decimal::try_from(*x).unwrap().round_dp(2);
                }
                if let Some(Data::String(s)) = row.get(1)
                    && s.starts_with("合计")
                {
                    grand = row.get(5).cloned();
                }
            }
        }
    }
    assert_eq!(seen.len(), 100, "{seen:?}");
    assert!(seen.values().all(|&k| k == 1), "{seen:?}");
    assert_eq!(rollup_total, expected_total);
    let grand = match grand {
        Some(Data::Float(x)) => Decimal::try_from(x).unwrap().round_dp(2),
        Some(Data::String(s)) => s.parse().unwrap(),
        other => panic!("合计 is {other:?}"),
    };
    assert_eq!(grand, expected_total);
    // The 合计 adds the ranges of both 汇总 sheets.
    let formulas = wb.worksheet_formula("汇总（续）").unwrap();
    assert!(
        formulas
            .rows()
            .flatten()
            .any(|f| f.contains("'汇总'!F4:") && f.starts_with("SUBTOTAL(9,")),
        "{:?}",
        formulas
            .rows()
            .flatten()
            .filter(|f| !f.is_empty())
            .collect::<Vec<_>>()
    );
}

/// 问题清单 past the row limit goes on on new sheets, its header on each, numbered on
/// from the sheet before: every finding once, none lost.
#[test]
fn the_list_of_findings_past_the_row_limit_continues() {
    use calamine::{Data, Reader, Xlsx};
    let projects = samples::seed();
    let diagnostics: Vec<jixiao::model::Diagnostic> = (0..130)
        .map(|i| {
            jixiao::model::Diagnostic::file(
                jixiao::rule::Rule::UnreadableFile,
                &format!("坏文件{i:03}.xlsx"),
                "文件已损坏或不完整",
            )
        })
        .collect();
    let template = jixiao::template::Template::default();
    let parts = jixiao::template::TitleParts::default();
    let layout = jixiao::write::Layout::new(&template, &parts);
    let limit = 60;
    let (mut book, continued) = jixiao::write::merged_book(
        &projects,
        &[],
        Default::default(),
        &diagnostics,
        None,
        None,
        &layout,
        &jixiao::shelf::Held,
        limit,
    )
    .unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let lists: Vec<String> = wb
        .sheet_names()
        .into_iter()
        .filter(|n| n.starts_with("问题清单"))
        .collect();
    assert_eq!(lists, ["问题清单", "问题清单（续）", "问题清单（续3）"]);
    assert!(
        continued
            .iter()
            .any(|c| c.sheet == "问题清单（续）" && c.first == "第 60 条问题"),
        "{continued:?}"
    );
    let mut numbers = Vec::new();
    let mut files = std::collections::HashSet::new();
    for n in &lists {
        let range = wb.worksheet_range(n).unwrap();
        assert!(range.end().unwrap().0 < limit, "{n}");
        assert_eq!(range.get((0, 0)), Some(&Data::String("序号".into())), "{n}");
        for row in range.rows().skip(1) {
            if let Some(Data::Float(k)) = row.first() {
                numbers.push(*k as usize);
            }
            if let Some(Data::String(f)) = row.get(3) {
                files.insert(f.clone());
            }
        }
    }
    assert_eq!(numbers, (1..=130).collect::<Vec<_>>());
    assert_eq!(files.len(), 130);
}
