//! `jixiao check`: the bureau's rules on every table, one finding per line.

use serde::Serialize;

use crate::cli::{CheckArgs, CheckFormat};
use crate::commands::{EXIT_FINDINGS, EXIT_OK, Output, progress_bar};
use crate::model::{Diagnostic, Severity};
use crate::report;
use crate::rule::Rule;
use crate::validate::FileChecked;
use crate::versions::ProjectKey;

/// What was checked and what was found.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Summary {
    pub files: usize,
    pub projects: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Files that could not be read or held no table.
    pub refused: usize,
}

#[derive(Serialize)]
struct Report<'a> {
    diagnostics: &'a [Diagnostic],
    summary: Summary,
}

/// Runs `check`: exit status 0 without errors, 1 with any error (or a denied warning).
///
/// # Errors
/// When the configuration is invalid or a rule is unknown (exit status 2).
pub fn run(args: &CheckArgs, limits: &crate::read::Limits) -> anyhow::Result<i32> {
    let walked = crate::inputs(&args.paths);
    for line in walked.notes() {
        note!("{line}");
    }
    let config = super::rule_config(args.config.as_deref(), &args.deny, &args.allow)?;
    let expected = args
        .expect
        .as_deref()
        .map(crate::season::read_expected)
        .transpose()?;
    let budget = args
        .budget
        .as_deref()
        .map(|path| crate::budget::read_list(path, limits))
        .transpose()?;
    let prefer = args.prefer.into();
    let times = crate::batch::file_times(&walked);
    // The rules run in the workers, file by file; only the findings are kept, and what
    // resubmissions are decided by.
    let bar = progress_bar(walked.files.len());
    let mut missing = FileChecked::default();
    missing.add_read(walked.diagnostics.iter().cloned(), &config);
    let mut diagnostics = missing.diagnostics;
    let mut keys: Vec<ProjectKey> = Vec::new();
    crate::for_each_file(
        &walked.files,
        limits,
        |_| bar.inc(1),
        |found, read| {
            let mut checked = FileChecked::default();
            checked.add_read(read, &config);
            for p in &found {
                checked.add_project(p, &config);
            }
            checked
        },
        |checked| {
            diagnostics.extend(checked.diagnostics);
            keys.extend(checked.keys);
        },
    );
    bar.finish_and_clear();
    // Which version of a resubmitted project counts, as merge decides it.
    let outcomes =
        crate::versions::resolve(&keys, prefer, |file| crate::versions::time_of(&times, file));
    diagnostics.extend(
        crate::versions::findings(&keys, &outcomes, prefer)
            .into_iter()
            .filter_map(|d| config.apply(d)),
    );
    // The budget is compared with the versions that count, as in merge.
    let reconciliation = budget.as_ref().map(|list| {
        let counted: Vec<ProjectKey> = keys
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| **o == crate::versions::Outcome::Counts)
            .map(|(k, _)| k.clone())
            .collect();
        crate::budget::reconcile(list, &counted, &config)
    });
    if let Some(r) = &reconciliation {
        diagnostics.extend(r.diagnostics.iter().cloned());
    }
    let projects = keys.len();
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let summary = Summary {
        files: walked.files.len(),
        projects,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        refused: {
            let mut files: Vec<&str> = diagnostics
                .iter()
                .filter(|d| matches!(d.rule, Rule::UnreadableFile | Rule::NoTable))
                .map(|d| d.file.as_str())
                .collect();
            files.sort_unstable();
            files.dedup();
            files.len()
        },
    };
    Output::Stdout.write(|w| match args.format {
        CheckFormat::Text => {
            for d in &diagnostics {
                writeln!(w, "{}", report::concise(d))?;
            }
            let refused = if summary.refused > 0 {
                format!(
                    "（其中 {} 个文件无法读取或没有绩效目标表）",
                    summary.refused
                )
            } else {
                String::new()
            };
            writeln!(
                w,
                "{}{refused}",
                report::summary_line(
                    summary.files,
                    summary.projects,
                    summary.errors,
                    summary.warnings
                )
            )?;
            if let Some(r) = &reconciliation {
                for line in crate::budget::summary_lines(r) {
                    writeln!(w, "{line}")?;
                }
            }
            if let Some(expected) = &expected {
                let found: Vec<(String, String)> = keys
                    .iter()
                    .filter_map(|k| Some((k.department.clone()?, k.source.file.clone())))
                    .collect();
                let subs = crate::season::submissions(expected, &found, &diagnostics);
                for line in crate::season::summary_lines(&subs) {
                    writeln!(w, "{line}")?;
                }
            }
            Ok(())
        }
        CheckFormat::Json => {
            serde_json::to_writer_pretty(
                &mut *w,
                &Report {
                    diagnostics: &diagnostics,
                    summary,
                },
            )?;
            writeln!(w)
        }
    })?;
    Ok(if summary.errors > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
