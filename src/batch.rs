//! A batch of submissions once read: what `merge` counts and what `split` names, in
//! one place, so the command line and the page (`serve`) give the same workbooks.

use std::collections::HashMap;
use std::time::SystemTime;

use crate::model::{Diagnostic, Extraction, Project};
use crate::validate;
use crate::versions::{self, Outcome, Prefer, ProjectKey, ReplacedBy, Superseded};
use crate::write::FileNames;

/// What a merge writes: the projects that count, the resubmitted versions set aside,
/// and every finding (the checks' and the resubmissions').
#[derive(Debug, Default)]
pub struct Merged {
    /// Files read (those refused included).
    pub files: usize,
    pub projects: Vec<Project>,
    /// Versions that do not count, each with what replaced it.
    pub superseded: Vec<Superseded>,
    /// How the versions that count were chosen.
    pub prefer: Prefer,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks `extraction` under `config` and resolves resubmissions as `prefer` says (see
/// [`crate::versions`]); `modified` gives a file's time by its display name. The
/// resubmissions' findings follow the others, in input order.
pub fn merge(
    mut extraction: Extraction,
    config: &validate::Config,
    prefer: Prefer,
    modified: impl Fn(&str) -> Option<SystemTime>,
) -> Merged {
    let mut diagnostics = validate::check(&extraction, config);
    let projects = std::mem::take(&mut extraction.projects);
    let keys: Vec<ProjectKey> = projects.iter().map(ProjectKey::of).collect();
    let outcomes = versions::resolve(&keys, prefer, modified);
    diagnostics.extend(
        versions::findings(&keys, &outcomes, prefer)
            .into_iter()
            .filter_map(|d| config.apply(d)),
    );
    let mut kept = Vec::with_capacity(projects.len());
    let mut superseded = Vec::new();
    for (p, outcome) in projects.into_iter().zip(&outcomes) {
        match outcome {
            Outcome::Counts => kept.push(p),
            Outcome::Replaced(w) => superseded.push(Superseded {
                project: p,
                by: ReplacedBy::Version(keys[*w].source.clone()),
            }),
            Outcome::Withdrawn(file) => superseded.push(Superseded {
                project: p,
                by: ReplacedBy::Workbook(file.clone()),
            }),
        }
    }
    Merged {
        files: extraction.files.len(),
        projects: kept,
        superseded,
        prefer,
        diagnostics,
    }
}

/// When each input file was last modified, by the name findings give it (what
/// `--prefer newest` and `oldest` go by); look a file up with [`versions::time_of`].
pub fn file_times(walked: &crate::Walked) -> HashMap<String, SystemTime> {
    walked
        .files
        .iter()
        .filter_map(|f| Some((f.display.clone(), f.path.metadata().ok()?.modified().ok()?)))
        .collect()
}

/// The file name `split` gives each project (`主管部门-二级项目名称.xlsx`), in order,
/// each unique in the batch.
pub fn split_names(projects: &[Project]) -> Vec<String> {
    let mut names = FileNames::default();
    projects
        .iter()
        .map(|p| {
            let dept = p.department.as_deref().unwrap_or("未填主管部门");
            let name = p.level2_project.as_deref().unwrap_or("未填项目名称");
            names.unique(&format!("{dept}-{name}"), "xlsx")
        })
        .collect()
}
