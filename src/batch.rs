//! A batch of submissions once read: what `merge` counts and what `split` names, in
//! one place, so the command line and the page (`serve`) give the same workbooks.

use std::collections::HashMap;
use std::time::SystemTime;

use crate::model::{Diagnostic, Extraction, Project};
use crate::validate::{self, FileChecked};
use crate::versions::{self, Outcome, Prefer, ProjectKey, ReplacedBy, Superseded};
use crate::write::FileNames;

/// What a merge writes: the projects that count, the resubmitted versions set aside,
/// and every finding (the checks' and the resubmissions').
#[derive(Debug, Default)]
pub struct Merged {
    /// Files read (those refused included).
    pub files: usize,
    /// The tables that count: one version of each project.
    pub projects: Vec<Project>,
    /// Their keys, in the same order, as they were read whole (merge holds only the
    /// tables' heads, without the cells a key names).
    pub keys: Vec<ProjectKey>,
    /// Versions that do not count, each with what replaced it.
    pub superseded: Vec<Superseded>,
    /// How the versions that count were chosen.
    pub prefer: Prefer,
    /// The reader's findings, the rules' and the resubmissions', under the
    /// configured severities.
    pub diagnostics: Vec<Diagnostic>,
}

/// A batch read and checked once: every finding (the reader's, the rules', the
/// resubmissions'), each table's key and which version counts. `check`, `merge` and
/// the page all start from it, so they count and report alike.
#[derive(Debug, Default)]
pub struct Checked {
    /// Files read (those refused included).
    pub files: usize,
    /// The tables in input order; empty when they were not asked to be kept.
    pub projects: Vec<Project>,
    /// Each table's key, in input order, kept or not.
    pub keys: Vec<ProjectKey>,
    /// Of each table, whether it counts or what replaced it.
    pub outcomes: Vec<Outcome>,
    /// How the versions that count were chosen.
    pub prefer: Prefer,
    /// Each file's findings in input order (the paths that could not be walked
    /// first), then the resubmissions'.
    pub diagnostics: Vec<Diagnostic>,
}

/// What [`check_walked`] keeps of the tables beside their findings and keys.
pub enum Keep<'s> {
    /// Nothing (`check`).
    Nothing,
    /// Every table whole, in memory.
    Tables,
    /// Every table's head in memory, its indicators set aside on `shelf` (a merge of
    /// a province's batch).
    Heads(&'s mut crate::shelf::Shelf),
}

/// Reads and checks `walked` file by file: the rules run in the workers as each file is
/// read, so only findings and keys are held, and the tables as `keep` says.
/// Resubmissions are decided by the files' modified times as `prefer` says.
///
/// # Errors
/// When the shelf of [`Keep::Heads`] cannot be written.
pub fn check_walked(
    walked: crate::Walked,
    limits: &crate::Limits,
    config: &validate::Config,
    prefer: Prefer,
    mut keep: Keep<'_>,
    progress: impl Fn(&std::path::Path) + Sync,
) -> std::io::Result<Checked> {
    let times = file_times(&walked);
    let mut unwalked = FileChecked::default();
    unwalked.add_read(walked.diagnostics, config);
    let mut diagnostics = unwalked.diagnostics;
    let mut keys = Vec::new();
    let mut projects = Vec::new();
    let mut shelved = Ok(());
    let (tables, heads) = match keep {
        Keep::Nothing => (false, false),
        Keep::Tables => (true, false),
        Keep::Heads(_) => (true, true),
    };
    crate::for_each_file(
        &walked.files,
        limits,
        progress,
        |mut found, read| {
            let mut checked = FileChecked::default();
            checked.add_read(read, config);
            for p in &found {
                checked.add_project(p, config);
            }
            if !tables {
                found.clear();
            }
            // Encoded here, in the workers, to be set aside in input order below.
            let packed: Vec<crate::shelf::Packed> = if heads {
                found.iter_mut().map(crate::shelf::Shelf::pack).collect()
            } else {
                Vec::new()
            };
            (checked, found, packed)
        },
        |(checked, found, packed)| {
            diagnostics.extend(checked.diagnostics);
            keys.extend(checked.keys);
            if let Keep::Heads(shelf) = &mut keep {
                for (p, packed) in found.iter().zip(&packed) {
                    if shelved.is_ok() {
                        shelved = shelf.put(p, packed);
                    }
                }
            }
            projects.extend(found);
        },
    );
    shelved?;
    let files = walked.files.len();
    Ok(resolved(
        files,
        projects,
        keys,
        diagnostics,
        config,
        prefer,
        |file| versions::time_of(&times, file),
    ))
}

/// As [`check_walked`], on an extraction already held (the page's uploads);
/// `modified` gives a file's time by its display name.
pub fn check_extraction(
    mut extraction: Extraction,
    config: &validate::Config,
    prefer: Prefer,
    modified: impl Fn(&str) -> Option<SystemTime>,
) -> Checked {
    let diagnostics = validate::check(&extraction, config);
    let projects = std::mem::take(&mut extraction.projects);
    let keys: Vec<ProjectKey> = projects.iter().map(ProjectKey::of).collect();
    let files = extraction.files.len();
    resolved(files, projects, keys, diagnostics, config, prefer, modified)
}

/// Decides which version of each project counts and adds the resubmissions' findings.
fn resolved(
    files: usize,
    projects: Vec<Project>,
    keys: Vec<ProjectKey>,
    mut diagnostics: Vec<Diagnostic>,
    config: &validate::Config,
    prefer: Prefer,
    modified: impl Fn(&str) -> Option<SystemTime>,
) -> Checked {
    let outcomes = versions::resolve(&keys, prefer, modified);
    diagnostics.extend(
        versions::findings(&keys, &outcomes, prefer)
            .into_iter()
            .filter_map(|d| config.apply(d)),
    );
    Checked {
        files,
        projects,
        keys,
        outcomes,
        prefer,
        diagnostics,
    }
}

/// What a merge writes, from a batch checked with its tables kept: the versions that
/// count go into the totals, the others are set aside with what replaced them.
pub fn merge(checked: Checked) -> Merged {
    let Checked {
        files,
        projects,
        keys,
        outcomes,
        prefer,
        diagnostics,
    } = checked;
    let (kept, superseded) = partition(projects, &keys, &outcomes);
    let keys = keys
        .into_iter()
        .zip(&outcomes)
        .filter(|(_, o)| matches!(o, Outcome::Counts))
        .map(|(k, _)| k)
        .collect();
    Merged {
        files,
        projects: kept,
        keys,
        superseded,
        prefer,
        diagnostics,
    }
}

/// The tables whose version counts, in order, and the others, each with what replaced
/// it; `keys` and `outcomes` are the tables', as [`versions::resolve`] decided them.
pub fn partition(
    projects: Vec<Project>,
    keys: &[ProjectKey],
    outcomes: &[Outcome],
) -> (Vec<Project>, Vec<Superseded>) {
    // In place: a province's heads are not copied into a second vector.
    let mut kept = projects;
    let mut outcome = outcomes.iter();
    let removed: Vec<Project> = kept
        .extract_if(.., |_| !matches!(outcome.next(), Some(Outcome::Counts)))
        .collect();
    let replaced_by = outcomes.iter().filter_map(|o| match o {
        Outcome::Counts => None,
        Outcome::Replaced(w) => Some(ReplacedBy::Version(keys[*w].source.clone())),
        Outcome::Withdrawn(file) => Some(ReplacedBy::Workbook(file.clone())),
    });
    let superseded = removed
        .into_iter()
        .zip(replaced_by)
        .map(|(project, by)| Superseded { project, by })
        .collect();
    (kept, superseded)
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
        .map(|p| names.unique(&split_stem(p), "xlsx"))
        .collect()
}

/// The name `split` wants for `p` (`主管部门-二级项目名称`), before
/// [`FileNames::unique`] makes it unique in the batch, as [`split_names`] does.
pub fn split_stem(p: &Project) -> String {
    let dept = p.department.as_deref().unwrap_or("未填主管部门");
    let name = p.level2_project.as_deref().unwrap_or("未填项目名称");
    format!("{dept}-{name}")
}

/// What one department gets back from `check --feedback`: its tables, and the findings
/// about them (in the order `check` prints them).
#[derive(Debug)]
pub struct Feedback<'a> {
    /// The 主管部门 (or a placeholder for tables without one).
    pub department: String,
    /// Each table, and whether it counts (false: another version of it does).
    pub projects: Vec<(&'a Project, bool)>,
    /// The findings about those tables, their sheets and their files.
    pub diagnostics: Vec<&'a Diagnostic>,
}

/// The feedback of a batch: one per department, in the order departments first
/// appear; and the findings about files no table was read from, which name no
/// department.
#[derive(Debug, Default)]
pub struct FeedbackBatch<'a> {
    /// One department's feedback each, in the order departments first appear.
    pub departments: Vec<Feedback<'a>>,
    /// Findings about files no table was read from (unreadable, no table).
    pub unread: Vec<&'a Diagnostic>,
}

/// Gives each finding to the departments it concerns: the department of the table whose
/// cell it names; a finding about a sheet or a whole file (or a cell no table read) to
/// the departments with tables there; a finding about a file without tables to
/// [`FeedbackBatch::unread`]. None is dropped. `counts` says of each project whether it
/// is the version that counts.
pub fn feedback<'a>(
    projects: &'a [Project],
    counts: &[bool],
    diagnostics: &'a [Diagnostic],
) -> FeedbackBatch<'a> {
    let mut out = FeedbackBatch::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut of_file: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut dept_of: Vec<usize> = Vec::with_capacity(projects.len());
    for (i, p) in projects.iter().enumerate() {
        let dept = crate::aggregate::department_of(p);
        let k = *index.entry(dept.clone()).or_insert_with(|| {
            out.departments.push(Feedback {
                department: dept,
                projects: Vec::new(),
                diagnostics: Vec::new(),
            });
            out.departments.len() - 1
        });
        let counted = counts.get(i).copied().unwrap_or(true);
        out.departments[k].projects.push((p, counted));
        dept_of.push(k);
        of_file.entry(p.source.file.as_str()).or_default().push(i);
    }
    for d in diagnostics {
        let Some(tables) = of_file.get(d.file.as_str()) else {
            out.unread.push(d);
            continue;
        };
        let on_sheet: Vec<usize> = tables
            .iter()
            .copied()
            .filter(|i| Some(&projects[*i].source.sheet) == d.sheet.as_ref())
            .collect();
        let holder = d.cell.as_deref().and_then(|cell| {
            on_sheet
                .iter()
                .copied()
                .find(|i| holds_cell(&projects[*i], cell))
        });
        let mut to: Vec<usize> = match (holder, on_sheet.is_empty()) {
            (Some(i), _) => vec![dept_of[i]],
            (None, false) => on_sheet.iter().map(|i| dept_of[*i]).collect(),
            (None, true) => tables.iter().map(|i| dept_of[*i]).collect(),
        };
        to.sort_unstable();
        to.dedup();
        for k in to {
            out.departments[k].diagnostics.push(d);
        }
    }
    out
}

/// True when `cell` (A1) is one the table's values were read from.
fn holds_cell(p: &Project, cell: &str) -> bool {
    p.cells.values().any(|c| c == cell)
        || p.indicators.iter().any(|i| {
            let c = &i.cells;
            i.cell == cell
                || [&c.level1, &c.level2, &c.name, &c.value, &c.note]
                    .into_iter()
                    .chain([&c.weight, &c.actual, &c.score, &c.deviation])
                    .any(|x| x.as_deref() == Some(cell))
        })
}

/// The name of the workbook of files no table was read from, in a feedback folder.
pub const UNREAD_FEEDBACK: &str = "未能读取的文件";

/// The file name of each department's feedback workbook (its 主管部门, safe as `split`
/// makes names), in order; [`UNREAD_FEEDBACK`] is kept for the files no table was
/// read from.
pub fn feedback_names(departments: &[Feedback<'_>]) -> (Vec<String>, String) {
    let mut names = FileNames::default();
    let unread = names.unique(UNREAD_FEEDBACK, "xlsx");
    let each = departments
        .iter()
        .map(|f| names.unique(&f.department, "xlsx"))
        .collect();
    (each, unread)
}
