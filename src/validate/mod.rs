//! The bureau's rules as findings with cell references: one function per rule, each
//! with its stable id, default severity and tests beside it.
//!
//! Rules never drop data: a finding says what is wrong and where, and the project is
//! still extracted, merged and written.

mod config;
mod funds;
mod indicators;
mod selfeval;
#[cfg(test)]
pub(crate) mod testing;

use indexmap::IndexMap;

use crate::model::{Diagnostic, Extraction, Project};
pub use crate::versions::ProjectKey;

pub use crate::framework::{FRAMEWORK, money_cost};
pub use config::{Config, ConfigError, InvalidConfig, Level};

pub use crate::rule::Rule;

/// The rule an id names, if any.
pub fn rule(id: &str) -> Option<Rule> {
    id.parse().ok()
}

/// A finding before the configuration decides its severity.
pub(crate) struct Finding {
    pub rule: Rule,
    pub cell: Option<String>,
    pub message: String,
}

impl Finding {
    pub(crate) fn new(rule: Rule, cell: Option<&str>, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            cell: cell.map(str::to_string),
            message: message.into(),
        }
    }
}

/// Checks every project of an extraction; returns the reader's findings and the
/// rules', with severities as `config` sets them, grouped by file in input order.
/// Resubmissions (`duplicate-project`, `withdrawn-project`) are decided across the
/// batch by [`crate::versions`], which needs the files' times: see [`crate::batch`].
pub fn check(extraction: &Extraction, config: &Config) -> Vec<Diagnostic> {
    // Group by file, in the order files first appear.
    let mut files: IndexMap<&str, (Vec<&Diagnostic>, Vec<&Project>)> = IndexMap::new();
    for f in &extraction.files {
        files.entry(f.as_str()).or_default();
    }
    for d in &extraction.diagnostics {
        files.entry(d.file.as_str()).or_default().0.push(d);
    }
    for p in &extraction.projects {
        files.entry(p.source.file.as_str()).or_default().1.push(p);
    }
    let mut out = Vec::new();
    for (_, (diagnostics, projects)) in files {
        let mut checked = FileChecked::default();
        checked.add_read(diagnostics.into_iter().cloned(), config);
        for p in projects {
            checked.add_project(p, config);
        }
        out.extend(checked.diagnostics);
    }
    out
}

/// One file's findings that can be made from the file alone (in any thread): the
/// reader's, and each project's rules; and what resubmissions are decided by.
#[derive(Debug, Default)]
pub struct FileChecked {
    /// The file's findings, under the configured severities.
    pub diagnostics: Vec<Diagnostic>,
    /// One key per table of the file, in order, to decide resubmissions by.
    pub keys: Vec<ProjectKey>,
}

impl FileChecked {
    /// Takes the reader's findings about the file.
    pub fn add_read(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>, config: &Config) {
        self.diagnostics
            .extend(diagnostics.into_iter().filter_map(|d| config.apply(d)));
    }

    /// Applies the per-project rules to one project of the file.
    pub fn add_project(&mut self, p: &Project, config: &Config) {
        for f in check_project(p, config) {
            self.diagnostics
                .extend(config.apply(diagnostic(f, &p.source)));
        }
        self.keys.push(ProjectKey::of(p));
    }
}

fn diagnostic(f: Finding, source: &crate::model::Source) -> Diagnostic {
    Diagnostic::at(f.rule, source, f.cell.as_deref(), f.message)
}

/// The findings of the per-project rules, before severities are applied.
pub(crate) fn check_project(p: &Project, config: &Config) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(funds::funds_sum(p, config.tolerance("funds-sum")));
    out.extend(funds::cost_sum(p, config.tolerance("cost-sum")));
    out.extend(indicators::missing_category(p));
    out.extend(indicators::unknown_level(p));
    out.extend(indicators::bad_value(p));
    out.extend(indicators::missing_unit(p));
    out.extend(indicators::timeliness_year(p));
    out.extend(selfeval::check(p, config));
    out
}
