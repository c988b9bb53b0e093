//! `check` on the samples: the seed is clean, every rule fires where it should.

use crate::samples;
use crate::workdir::Workdir;

#[test]
fn the_seed_checks_clean() {
    let dir = Workdir::new();
    dir.write("seed.xlsx", &samples::all()[0].bytes);
    let out = dir.run_ok(&["check", "seed.xlsx"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "已检查 1 个文件、4 个项目：未发现问题\n"
    );
}

/// Every shape of the seed checks clean on its own: the rules read the model, not
/// the layout.
#[test]
fn every_shape_of_the_seed_checks_clean() {
    for sample in samples::all() {
        let dir = Workdir::new();
        dir.write(&sample.name, &sample.bytes);
        let out = dir.run_ok(&["check", &sample.name]);
        assert!(
            String::from_utf8_lossy(&out.stdout).ends_with("未发现问题\n"),
            "{}",
            sample.name
        );
    }
}

#[test]
fn every_rule_fires_on_the_problem_samples() {
    let dir = Workdir::new();
    for s in samples::problems() {
        dir.write(&s.name, &s.bytes);
    }
    // 重复报送.xlsx came later: it replaces the earlier workbook whole, and the project
    // only in the earlier one no longer counts.
    dir.touch("check/有问题的报表.xlsx", 1);
    dir.touch("check/重复报送.xlsx", 2);
    let out = dir.run_status(&["check", "check"], 1);
    let text = String::from_utf8_lossy(&out.stdout);
    let expected = [
        "check/有问题的报表.xlsx:项目1!D6: error[funds-sum] 年度资金总额 24.02 ≠ 财政拨款 20.00 + 非财政拨款 0.00（合计 20.00）",
        "check/有问题的报表.xlsx:项目1!D6: warning[cost-sum] 金额类成本指标合计 23.02 万元 ≠ 年度资金总额 24.02 万元（3 项）",
        "check/有问题的报表.xlsx:项目1!B11: error[missing-category] 缺少满意度指标",
        "check/有问题的报表.xlsx:项目1!C23: warning[unknown-level] 二级指标“社会效益”不在效益指标之下，是否应为“社会效益指标”？",
        "check/有问题的报表.xlsx:项目1!E14: error[bad-value] “机关“志愿服务”工作”的指标值是占位符“*”",
        "check/有问题的报表.xlsx:项目1!E12: warning[missing-unit] “推进模范机关创建工作”的指标值“＝1”没有计量单位",
        "check/有问题的报表.xlsx:项目1!E18: warning[timeliness-year] “完成时限”的指标值“＝2023年”写的是2023年，不在预算年度 2024 年内",
        "check/重复报送.xlsx:项目2!C5: error[empty-field] 主管部门为空",
        "check/有问题的报表.xlsx:项目1!F4: warning[withdrawn-project] 项目“机关党建工作”（中共黔南州直属机关工作委员会）只在被替代的工作簿中：该部门较新的工作簿 check/重复报送.xlsx 与它有相同的项目、已整体替代它，而其中没有这个项目，这一版未计入合计；如仍需计入，请部门补报",
        "check/有问题的报表.xlsx:项目2!F4: warning[duplicate-project] 项目“党建专项“七一”系列活动、党建宣传”（中共黔南州直属机关工作委员会）重复报送：这一版未计入合计，计入的是较新的 check/重复报送.xlsx:项目1",
        "已检查 2 个文件、4 个项目：4 个错误，6 个警告",
    ];
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn deny_allow_config_and_json() {
    let dir = Workdir::new();
    for s in samples::problems() {
        dir.write(&s.name, &s.bytes);
    }
    // --allow silences a rule; --deny makes a warning an error.
    dir.run_ok(&["check", "check/重复报送.xlsx", "--allow", "empty-field"]);
    dir.run_ok(&[
        "check",
        "check/有问题的报表.xlsx",
        "--allow",
        "funds-sum",
        "--allow",
        "missing-category",
        "--allow",
        "bad-value",
    ]);
    let out = dir.run_status(
        &[
            "check",
            "check/有问题的报表.xlsx",
            "--allow",
            "funds-sum",
            "--allow",
            "missing-category",
            "--allow",
            "bad-value",
            "--deny",
            "cost-sum",
        ],
        1,
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("error[cost-sum]"));
    // The same from a configuration file, with a tolerance.
    dir.write("jixiao.toml", "[rules.funds-sum]\ntolerance = \"4.02\"\n[rules.missing-category]\nseverity = \"warning\"\n[rules.bad-value]\nseverity = \"off\"\n".as_bytes());
    let out = dir.run_ok(&[
        "check",
        "check/有问题的报表.xlsx",
        "--config",
        "jixiao.toml",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 0);
    assert_eq!(json["summary"]["projects"], 2);
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "cost-sum",
            "missing-category",
            "unknown-level",
            "missing-unit",
            "timeliness-year"
        ]
    );
    assert_eq!(json["diagnostics"][1]["severity"], "warning");
    assert_eq!(json["diagnostics"][0]["cell"], "D6");
    // Unknown rules and broken configuration are usage errors.
    assert_eq!(
        dir.run(&["check", "check", "--deny", "no-such-rule"])
            .status
            .code(),
        Some(2)
    );
    dir.write("bad.toml", b"[rules.funds-sum]\nseverity = 3\n");
    assert_eq!(
        dir.run(&["check", "check", "--config", "bad.toml"])
            .status
            .code(),
        Some(2)
    );
}

/// The README's table of rules lists every rule there is, by its id.
#[test]
fn the_readme_lists_every_rule() {
    let readme = std::fs::read_to_string(crate::workdir::repo().join("README.md")).unwrap();
    for rule in jixiao::rule::Rule::ALL {
        assert!(
            readme.contains(&format!("| `{}` | {} |", rule, rule.severity().as_str())),
            "README.md has no row for {rule}"
        );
    }
}

/// The summary says how many files were refused, beside how many were checked.
#[test]
fn the_summary_counts_refused_files() {
    let dir = crate::workdir::Workdir::new();
    dir.write("in/seed.xlsx", &crate::samples::all()[0].bytes);
    dir.write("in/空文件.xlsx", b"");
    let out = dir.run(&["check", "in"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("已检查 2 个文件、4 个项目")
            && last.ends_with("（其中 1 个文件无法读取或没有绩效目标表）"),
        "{last}"
    );
}

/// `--color always` colours the severity of each finding; `never`, and the default
/// when the output is not a terminal, leave the lines plain, as do scripts' pipes.
#[test]
fn findings_are_coloured_only_when_asked_or_on_a_terminal() {
    let dir = Workdir::new();
    for s in samples::problems() {
        dir.write(&s.name, &s.bytes);
    }
    let plain = dir.run(&["check", "check"]);
    let always = dir.run(&["check", "--color", "always", "check"]);
    let never = dir.run(&["check", "--color=never", "check"]);
    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(!text(&plain).contains('\u{1b}'), "{}", text(&plain));
    assert_eq!(text(&never), text(&plain));
    assert!(
        text(&always).contains("\u{1b}[1;31merror\u{1b}[0m[funds-sum]"),
        "{}",
        text(&always)
    );
    assert!(text(&always).contains("\u{1b}[33mwarning\u{1b}[0m[cost-sum]"));
    // Without the escapes the coloured lines are the plain ones.
    assert_eq!(
        text(&always)
            .replace("\u{1b}[1;31m", "")
            .replace("\u{1b}[33m", "")
            .replace("\u{1b}[0m", ""),
        text(&plain)
    );
    dir.run_status(&["check", "--color", "sometimes", "check"], 2);
}

/// `--quiet` leaves out what was written and how much was read, never a finding.
#[test]
fn quiet_keeps_the_findings_and_drops_the_status_lines() {
    let dir = Workdir::new();
    for s in samples::problems() {
        dir.write(&s.name, &s.bytes);
    }
    let loud = dir.run(&["merge", "check", "-o", "a.xlsx"]);
    let quiet = dir.run(&["merge", "-q", "check", "-o", "b.xlsx"]);
    assert_eq!(loud.status.code(), quiet.status.code());
    let (loud, quiet) = (
        String::from_utf8_lossy(&loud.stderr).into_owned(),
        String::from_utf8_lossy(&quiet.stderr).into_owned(),
    );
    assert!(loud.contains("已汇总"), "{loud}");
    assert!(!quiet.contains("已汇总"), "{quiet}");
    assert!(quiet.contains("error[funds-sum]"), "{quiet}");
    // Every line quiet printed, the full run printed too.
    for line in quiet.lines() {
        assert!(loud.contains(line), "{line}");
    }
    assert!(dir.path().join("b.xlsx").exists());
    let template = dir.run_ok(&["template", "--quiet", "-o", "t.xlsx"]);
    assert_eq!(String::from_utf8_lossy(&template.stderr), "");
}

/// `check` and `merge` read, check and decide resubmissions through one pipeline: the
/// same inputs give the same findings in the same order, a path that does not exist
/// first, and the same exit status.
#[test]
fn check_and_merge_find_the_same() {
    let dir = Workdir::new();
    for s in samples::problems() {
        dir.write(&s.name, &s.bytes);
    }
    dir.touch("check/有问题的报表.xlsx", 1);
    dir.touch("check/重复报送.xlsx", 2);
    let check = dir.run(&["check", "--deny", "missing-unit", "check", "没有.xlsx"]);
    let merge = dir.run(&[
        "merge",
        "--deny",
        "missing-unit",
        "check",
        "没有.xlsx",
        "-o",
        "m.xlsx",
    ]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(merge.status.code(), check.status.code());
    let findings = |bytes: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(bytes)
            .lines()
            .filter(|l| l.contains(": error[") || l.contains(": warning["))
            .map(str::to_string)
            .collect()
    };
    let (from_check, from_merge) = (findings(&check.stdout), findings(&merge.stderr));
    assert!(from_check.len() > 10, "{from_check:?}");
    assert!(
        from_check[0].starts_with("没有.xlsx: error["),
        "{from_check:?}"
    );
    assert!(
        from_check.iter().any(|l| l.contains("error[missing-unit]")),
        "{from_check:?}"
    );
    assert_eq!(from_merge, from_check);
}
