//! `jixiao diff OLD NEW`: what changed between two batches, one change a line, as JSON,
//! or as a workbook with the changes coloured.

use anyhow::Context;
use serde::Serialize;

use crate::cli::{CheckFormat, DiffArgs};
use crate::commands::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK, Output, read_inputs};
use jixiao::diff::{Change, Diff, ProjectRow, Summary};
use jixiao::model::{Project, Severity};
use jixiao::report;
use jixiao::rule::Rule;
use jixiao::versions::{self, ProjectKey, ReplacedBy};

#[derive(Serialize)]
struct Side<'a> {
    path: &'a str,
    files: usize,
    projects: usize,
}

#[derive(Serialize)]
struct Report<'a> {
    old: Side<'a>,
    new: Side<'a>,
    changes: &'a [Change],
    projects: &'a [ProjectRow],
    summary: &'a Summary,
}

/// One side once read: its projects (each once), how many files, and whether a file
/// could not be read.
struct Read {
    projects: Vec<Project>,
    files: usize,
    trouble: bool,
}

/// Reads one side; its refused files and the tables that lack a name are said on
/// stderr, and of two versions of a project the newer is compared, as `merge` counts it.
fn read_side(walked: jixiao::Walked, limits: &jixiao::read::Limits) -> Read {
    let times = jixiao::batch::file_times(&walked);
    let (files, extraction) = read_inputs(walked, limits);
    let mut trouble = false;
    for d in &extraction.diagnostics {
        if d.severity == Severity::Error {
            note!("{}", crate::term::finding(d, crate::term::Stream::Stderr));
            trouble |= matches!(d.rule, Rule::UnreadableFile | Rule::NoTable);
        }
    }
    let keys: Vec<ProjectKey> = extraction.projects.iter().map(ProjectKey::of).collect();
    let outcomes = versions::resolve(&keys, versions::Prefer::Newest, |file| {
        versions::time_of(&times, file)
    });
    let (kept, superseded) = jixiao::batch::partition(extraction.projects, &keys, &outcomes);
    for s in &superseded {
        let how = match &s.by {
            ReplacedBy::Version(by) => {
                format!("另有较新的版本，按 {}:{} 比较", by.file, by.sheet)
            }
            ReplacedBy::Workbook(by) => {
                format!("所在的工作簿已由较新的 {by} 整体替代，其中没有这个项目，未比较")
            }
        };
        note!(
            "{}:{}: 项目“{}”{how}",
            report::escape_controls(&s.project.source.file),
            report::escape_controls(&s.project.source.sheet),
            s.project.level2_project.as_deref().unwrap_or_default(),
        );
    }
    Read {
        projects: kept,
        files,
        trouble,
    }
}

/// Runs `diff`: exit status 0 when nothing changed, 1 when something did (as `diff`
/// does), 2 when a file could not be read (the comparison of the rest is still shown).
///
/// # Errors
/// When the output cannot be written (exit status 2).
pub fn run(args: &DiffArgs, limits: &jixiao::read::Limits) -> anyhow::Result<i32> {
    let old_walk = jixiao::inputs(std::slice::from_ref(&args.old));
    let new_walk = jixiao::inputs(std::slice::from_ref(&args.new));
    for line in old_walk.notes().into_iter().chain(new_walk.notes()) {
        note!("{line}");
    }
    let output = match &args.output {
        Some(path) => {
            super::require_extension(path, &["xlsx"])?;
            let mut inputs = old_walk.paths();
            inputs.extend(new_walk.paths());
            Some(Output::new(Some(path), args.force, &inputs)?)
        }
        None => None,
    };
    let old = read_side(old_walk, limits);
    let new = read_side(new_walk, limits);
    let d = jixiao::diff::diff(&old.projects, &new.projects);
    let (old_name, new_name) = (
        args.old.display().to_string(),
        args.new.display().to_string(),
    );
    match (&output, &args.output) {
        (Some(output), Some(path)) => {
            let template = jixiao::template::Template::default();
            let bytes = jixiao::write::diff::diff_workbook(&d, &old_name, &new_name, &template)
                .context("生成变更工作簿失败")?;
            output.write(|w| w.write_all(&bytes))?;
            info!("{}：{}", d.summary.line(), path.display());
        }
        _ => Output::Stdout.write(|w| match args.format {
            CheckFormat::Text => {
                for c in &d.changes {
                    writeln!(w, "{}", c.line())?;
                }
                writeln!(w, "{}", d.summary.line())
            }
            CheckFormat::Json => {
                serde_json::to_writer_pretty(
                    &mut *w,
                    &report_of(&d, &old_name, &old, &new_name, &new),
                )?;
                writeln!(w)
            }
        })?,
    }
    Ok(if old.trouble || new.trouble {
        EXIT_FAILURE
    } else if d.changes.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

fn report_of<'a>(
    d: &'a Diff,
    old_name: &'a str,
    old: &Read,
    new_name: &'a str,
    new: &Read,
) -> Report<'a> {
    Report {
        old: Side {
            path: old_name,
            files: old.files,
            projects: old.projects.len(),
        },
        new: Side {
            path: new_name,
            files: new.files,
            projects: new.projects.len(),
        },
        changes: &d.changes,
        projects: &d.projects,
        summary: &d.summary,
    }
}
