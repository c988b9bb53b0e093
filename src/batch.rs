//! A batch of submissions once read: what `merge` counts and what `split` names, in
//! one place, so the command line and the page (`serve`) give the same workbooks.

use std::time::SystemTime;

use crate::model::{Diagnostic, Extraction, Project, Source};
use crate::rule::Rule;
use crate::validate;
use crate::write::FileNames;

/// What a merge writes: the projects that count, the resubmitted versions set aside,
/// and every finding (the checks' and the resubmissions').
#[derive(Debug, Default)]
pub struct Merged {
    /// Files read (those refused included).
    pub files: usize,
    pub projects: Vec<Project>,
    /// Versions that do not count, each with where the one that counts came from.
    pub superseded: Vec<(Project, Source)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks `extraction` under `config` and resolves resubmissions: of two versions of a
/// project, the one whose file was modified last counts (ties: the later in input
/// order); `modified` gives a file's time by its display name.
pub fn merge(
    mut extraction: Extraction,
    config: &validate::Config,
    modified: impl Fn(&str) -> Option<SystemTime>,
) -> Merged {
    let mut diagnostics = validate::check(&extraction, config);
    let resolved =
        crate::aggregate::resolve_versions(std::mem::take(&mut extraction.projects), |p| {
            (modified(&p.source.file), p.source.file.clone())
        });
    if !resolved.superseded.is_empty() {
        // Each resubmission is said once, naming the version that counts.
        diagnostics.retain(|d| d.rule != Rule::DuplicateProject);
        for (p, winner) in &resolved.superseded {
            let d = Diagnostic::at(
                Rule::DuplicateProject,
                &p.source,
                p.cells.get("level2_project").map(String::as_str),
                format!(
                    "项目“{}”（{}）重复报送：这一版未计入合计，计入的是较新的 {}:{}",
                    p.level2_project.as_deref().unwrap_or_default(),
                    p.department.as_deref().unwrap_or_default(),
                    winner.file,
                    winner.sheet
                ),
            );
            diagnostics.extend(config.apply(d));
        }
    }
    Merged {
        files: extraction.files.len(),
        projects: resolved.kept,
        superseded: resolved.superseded,
        diagnostics,
    }
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
