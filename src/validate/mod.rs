//! The bureau's rules as findings with cell references: one function per rule, each
//! with its stable id, default severity and tests beside it.
//!
//! Rules never drop data: a finding says what is wrong and where, and the project is
//! still extracted, merged and written.

mod config;
mod funds;
mod indicators;
mod projects;
#[cfg(test)]
mod testing;

use crate::model::{Diagnostic, Extraction, Project, Severity};

pub use config::{Config, Level};
pub use funds::money_cost;
pub use indicators::FRAMEWORK;
#[cfg(test)]
pub(crate) use testing::clean as testing_clean;

/// A rule: its id, what it checks, its default severity.
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

/// Every rule `check` knows, in the order findings are reported.
pub const RULES: &[Rule] = &[
    Rule {
        id: "unreadable-file",
        severity: Severity::Error,
        summary: "文件无法读取（损坏、加密、为空或不是电子表格）",
    },
    Rule {
        id: "no-table",
        severity: Severity::Error,
        summary: "文件中没有绩效目标表",
    },
    Rule {
        id: "bad-amount",
        severity: Severity::Warning,
        summary: "资金金额不是数字",
    },
    Rule {
        id: "empty-field",
        severity: Severity::Error,
        summary: "二级项目名称、主管部门或年度资金总额为空",
    },
    Rule {
        id: "funds-sum",
        severity: Severity::Error,
        summary: "年度资金总额 ≠ 财政拨款 + 非财政拨款（+ 其他来源）",
    },
    Rule {
        id: "cost-sum",
        severity: Severity::Warning,
        summary: "金额类成本指标之和 ≠ 年度资金总额",
    },
    Rule {
        id: "missing-category",
        severity: Severity::Error,
        summary: "缺少产出、效益或满意度指标",
    },
    Rule {
        id: "unknown-level",
        severity: Severity::Warning,
        summary: "一级/二级指标不在指标体系内",
    },
    Rule {
        id: "bad-value",
        severity: Severity::Error,
        summary: "指标值为空、占位符或无法识别",
    },
    Rule {
        id: "missing-unit",
        severity: Severity::Warning,
        summary: "定量指标没有计量单位",
    },
    Rule {
        id: "timeliness-year",
        severity: Severity::Warning,
        summary: "时效指标的年份不在预算年度内",
    },
    Rule {
        id: "duplicate-project",
        severity: Severity::Warning,
        summary: "同一主管部门的同一项目出现两次（重复报送）",
    },
];

/// The default severity of a rule, if the rule exists.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// A finding before the configuration decides its severity.
pub(crate) struct Finding {
    pub rule: &'static str,
    pub cell: Option<String>,
    pub message: String,
}

impl Finding {
    pub(crate) fn new(
        rule: &'static str,
        cell: Option<&str>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            cell: cell.map(str::to_string),
            message: message.into(),
        }
    }
}

/// Checks every project of an extraction; returns the reader's findings and the
/// rules', with severities as `config` sets them, grouped by file in input order.
pub fn check(extraction: &Extraction, config: &Config) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = extraction
        .diagnostics
        .iter()
        .filter_map(|d| config.apply(d.clone()))
        .collect();
    for p in &extraction.projects {
        for f in check_project(p, config) {
            let severity = rule(f.rule).map_or(Severity::Warning, |r| r.severity);
            let d = Diagnostic::at(severity, f.rule, &p.source, f.cell.as_deref(), f.message);
            out.extend(config.apply(d));
        }
    }
    for (p, f) in projects::duplicates(&extraction.projects) {
        let d = Diagnostic::at(
            Severity::Warning,
            f.rule,
            &p.source,
            f.cell.as_deref(),
            f.message,
        );
        out.extend(config.apply(d));
    }
    // Group by file, in the order files first appear; within a file keep rule order.
    let mut order: indexmap::IndexMap<&str, usize> = indexmap::IndexMap::new();
    for file in extraction
        .diagnostics
        .iter()
        .map(|d| d.file.as_str())
        .chain(extraction.projects.iter().map(|p| p.source.file.as_str()))
    {
        let n = order.len();
        order.entry(file).or_insert(n);
    }
    let rank = |d: &Diagnostic| order.get(d.file.as_str()).copied().unwrap_or(usize::MAX);
    let mut ranked: Vec<(usize, Diagnostic)> = out.into_iter().map(|d| (rank(&d), d)).collect();
    ranked.sort_by_key(|(r, _)| *r);
    ranked.into_iter().map(|(_, d)| d).collect()
}

/// The findings of the per-project rules, before severities are applied.
pub(crate) fn check_project(p: &Project, config: &Config) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(funds::empty_field(p));
    out.extend(funds::funds_sum(p, config.tolerance("funds-sum")));
    out.extend(funds::cost_sum(p, config.tolerance("cost-sum")));
    out.extend(indicators::missing_category(p));
    out.extend(indicators::unknown_level(p));
    out.extend(indicators::bad_value(p));
    out.extend(indicators::missing_unit(p));
    out.extend(indicators::timeliness_year(p));
    out
}
