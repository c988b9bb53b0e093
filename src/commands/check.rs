//! `jixiao check`: the bureau's rules on every table, one finding per line.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Serialize;

use crate::cli::{CheckArgs, CheckFormat};
use crate::commands::output::{Durability, refuse_inputs, write_atomically_as};
use crate::commands::{Output, layout_parts, progress_bar};
use jixiao::model::{Diagnostic, Project, Severity};
use jixiao::report;
use jixiao::rule::Rule;
use jixiao::versions::ProjectKey;
use jixiao::write::{self, Layout};

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
pub fn run(args: &CheckArgs, limits: &jixiao::read::Limits) -> anyhow::Result<i32> {
    let walked = jixiao::inputs(&args.paths);
    for line in walked.notes() {
        note!("{line}");
    }
    let config = super::rule_config(args.config.as_deref(), &args.deny, &args.allow)?;
    let expected = args
        .expect
        .as_deref()
        .map(|path| jixiao::season::read_expected(path, limits))
        .transpose()?;
    let budget = args
        .budget
        .as_deref()
        .map(|path| jixiao::budget::read_list(path, limits))
        .transpose()?;
    let prefer = args.prefer.into();
    let inputs = walked.paths();
    let layout = args
        .feedback
        .as_ref()
        .map(|_| layout_parts(&args.layout))
        .transpose()?;
    // The tables are kept only when they are to be written back; the rules run in the
    // workers, file by file.
    let files = walked.files.len();
    let bar = progress_bar(files);
    let jixiao::batch::Checked {
        projects: tables,
        keys,
        outcomes,
        mut diagnostics,
        ..
    } = jixiao::batch::check_walked(
        walked,
        limits,
        &config,
        prefer,
        if args.feedback.is_some() {
            jixiao::batch::Keep::Tables
        } else {
            jixiao::batch::Keep::Nothing
        },
        |_| bar.inc(1),
    )?;
    bar.finish_and_clear();
    // The budget is compared with the versions that count, as in merge.
    let reconciliation = budget.as_ref().map(|list| {
        let counted: Vec<ProjectKey> = keys
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| **o == jixiao::versions::Outcome::Counts)
            .map(|(k, _)| k.clone())
            .collect();
        jixiao::budget::reconcile(list, &counted, &config)
    });
    if let Some(r) = &reconciliation {
        diagnostics.extend(r.diagnostics.iter().cloned());
    }
    let projects = keys.len();
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let summary = Summary {
        files,
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
                writeln!(
                    w,
                    "{}",
                    crate::term::finding(d, crate::term::Stream::Stdout)
                )?;
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
                for line in jixiao::budget::summary_lines(r) {
                    writeln!(w, "{line}")?;
                }
            }
            if let Some(expected) = &expected {
                let found: Vec<(String, String)> = keys
                    .iter()
                    .filter_map(|k| Some((k.department.clone()?, k.source.file.clone())))
                    .collect();
                let subs = jixiao::season::submissions(expected, &found, &diagnostics);
                for line in jixiao::season::summary_lines(&subs) {
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
    if let (Some(dir), Some((template, parts))) = (&args.feedback, &layout) {
        let l = Layout::new(template, parts);
        let counts: Vec<bool> = outcomes
            .iter()
            .map(|o| *o == jixiao::versions::Outcome::Counts)
            .collect();
        // The budget list's own findings (a budgeted project without a table) are the
        // bureau's: they stay in check's output, not in a department's or the unread
        // files' workbook.
        let list = reconciliation.as_ref().map(|r| r.file.as_str());
        let about_submissions: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| Some(d.file.as_str()) != list)
            .cloned()
            .collect();
        write_feedback(
            dir,
            args.force,
            &inputs,
            &tables,
            &counts,
            &about_submissions,
            &l,
        )?;
    }
    Ok(super::exit_status(&diagnostics))
}

/// Writes `check --feedback DIR`: one workbook per 主管部门, and one for the files no
/// table was read from. Every target is refused before anything is written.
///
/// # Errors
/// When the folder cannot be made, a target exists without `--force` or is an input,
/// or a workbook cannot be made or written.
fn write_feedback(
    dir: &Path,
    force: bool,
    inputs: &[PathBuf],
    tables: &[Project],
    counts: &[bool],
    diagnostics: &[Diagnostic],
    l: &Layout<'_>,
) -> anyhow::Result<()> {
    let batch = jixiao::batch::feedback(tables, counts, diagnostics);
    let (names, unread_name) = jixiao::batch::feedback_names(&batch.departments);
    let mut targets: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    if !batch.unread.is_empty() {
        targets.push(dir.join(&unread_name));
    }
    if targets.is_empty() {
        note!(
            "没有可写出的审核意见（未读到任何文件），未创建 {}",
            dir.display()
        );
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    refuse_inputs(targets.iter().map(PathBuf::as_path), inputs)?;
    if !force && let Some(path) = targets.iter().find(|p| p.exists()) {
        bail!("输出文件 {} 已存在；如需覆盖，请加 --force", path.display());
    }
    for (f, path) in batch.departments.iter().zip(&targets) {
        let bytes =
            write::feedback::department_workbook(&f.department, &f.projects, &f.diagnostics, l)
                .with_context(|| format!("生成 {} 的审核意见失败", f.department))?;
        write_atomically_as(path, force, Durability::Renamed, |w| w.write_all(&bytes))?;
    }
    if !batch.unread.is_empty() {
        let bytes = write::feedback::unread_workbook(&batch.unread, l)
            .context("生成未能读取的文件清单失败")?;
        let path = dir.join(&unread_name);
        write_atomically_as(&path, force, Durability::Renamed, |w| w.write_all(&bytes))?;
    }
    let unread = if batch.unread.is_empty() {
        String::new()
    } else {
        format!("，另有 {unread_name} 列出未能读取的文件")
    };
    info!(
        "已写出 {} 个部门的审核意见到 {}{unread}",
        batch.departments.len(),
        dir.display()
    );
    Ok(())
}
