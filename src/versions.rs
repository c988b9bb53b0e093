//! Resubmissions: which version of a project counts when a department sends it more
//! than once, for `check`, `merge` and the page alike.
//!
//! A department's tables in one file are one submission. Two submissions of a
//! department that share a project (主管部门 and 二级项目名称, matched after folding)
//! are versions of one another: the preferred one (`--prefer`) replaces the other
//! whole, so a department that sends a whole new workbook replaces its old one without
//! anyone deleting files. A project only in the workbook replaced counts no longer
//! (the department left it out of its new one); it is listed and said, never dropped
//! silently. Submissions that share no project (one file per project) stand side by
//! side.

use std::collections::HashMap;
use std::time::SystemTime;

use indexmap::IndexMap;

use crate::model::{Diagnostic, Project, Source};
use crate::rule::Rule;

/// Which of two versions counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Prefer {
    /// The file modified last (ties: the later file name); within one file, the later
    /// table. A file without a time (standard input) counts only against others
    /// without one.
    #[default]
    Newest,
    /// The file modified first (ties: the earlier file name); within one file, the
    /// earlier table. A file without a time loses to any with one.
    Oldest,
    /// The file named first on the command line (in a folder, the first by name);
    /// within one file, the earlier table.
    FirstNamed,
}

impl Prefer {
    /// How findings and 汇总 name the version that counts (较新的 …).
    pub fn word(self) -> &'static str {
        match self {
            Prefer::Newest => "较新的",
            Prefer::Oldest => "较早的",
            Prefer::FirstNamed => "排在前面的",
        }
    }
}

/// What resolution needs of a table: far less than the table, so `check` can resolve a
/// batch of any size without holding every table.
#[derive(Debug, Clone)]
pub struct ProjectKey {
    /// The table's 主管部门: versions are matched within a department.
    pub department: Option<String>,
    /// The table's 二级项目名称: what makes two tables versions of one project.
    pub name: Option<String>,
    /// Where the table is: which file, and so which submission, it belongs to.
    pub source: Source,
    /// The cell of the 二级项目名称.
    pub cell: Option<String>,
    /// 年度资金总额 and its cell, for `--budget`.
    pub total: Option<rust_decimal::Decimal>,
    /// The cell of the 年度资金总额.
    pub total_cell: Option<String>,
}

impl ProjectKey {
    /// What resolution needs of `p`, copied out of it.
    pub fn of(p: &Project) -> ProjectKey {
        ProjectKey {
            department: p.department.clone(),
            name: p.level2_project.clone(),
            source: p.source.clone(),
            cell: p.cells.get("level2_project").cloned(),
            total: p.funds.total,
            total_cell: p.cells.get("funds.total").cloned(),
        }
    }

    /// 主管部门 and 二级项目名称 as they are matched: folded, without spaces.
    fn matched(&self) -> Option<(String, String)> {
        let fold = |s: &str| -> String {
            crate::text::fold(s)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        };
        Some((
            fold(self.department.as_deref()?),
            fold(self.name.as_deref()?),
        ))
    }
}

/// What became of one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It counts (also every table without a department or a name: never matched).
    Counts,
    /// Another version of the same project counts: the index of its key.
    Replaced(usize),
    /// No version of the project counts: the workbook that held the preferred one was
    /// replaced whole by this file, which does not hold the project.
    Withdrawn(String),
}

/// Decides, for each key (in input order), whether its version counts. `modified`
/// gives a file's time by the name findings give it.
pub fn resolve(
    keys: &[ProjectKey],
    prefer: Prefer,
    modified: impl Fn(&str) -> Option<SystemTime>,
) -> Vec<Outcome> {
    let matched: Vec<Option<(String, String)>> = keys.iter().map(ProjectKey::matched).collect();
    // Each department's submissions: its tables by file, files in input order.
    let mut departments: IndexMap<&str, IndexMap<&str, Vec<usize>>> = IndexMap::new();
    for (i, m) in matched.iter().enumerate() {
        if let Some((dept, _)) = m {
            departments
                .entry(dept.as_str())
                .or_default()
                .entry(keys[i].source.file.as_str())
                .or_default()
                .push(i);
        }
    }
    let mut out = vec![Outcome::Counts; keys.len()];
    for units in departments.values() {
        let mut files: Vec<(&str, &Vec<usize>)> = units.iter().map(|(f, v)| (*f, v)).collect();
        sort_preferred(&mut files, prefer, &modified);
        // Submissions best first: one that shares a project with a better one (kept or
        // itself replaced) is replaced by the best of those.
        let mut first_in: HashMap<&str, usize> = HashMap::new();
        let mut replacer: Vec<Option<usize>> = Vec::with_capacity(files.len());
        for (u, (_, items)) in files.iter().enumerate() {
            let name = |i: &usize| matched[*i].as_ref().map_or("", |m| m.1.as_str());
            replacer.push(
                items
                    .iter()
                    .filter_map(|i| first_in.get(name(i)))
                    .min()
                    .copied(),
            );
            for i in items.iter() {
                first_in.entry(name(i)).or_insert(u);
            }
        }
        for (_, items) in &files {
            for &i in items.iter() {
                let name = matched[i].as_ref().map_or("", |m| m.1.as_str());
                let best = first_in[name];
                out[i] = match replacer[best] {
                    None => {
                        let winner = winner_in(files[best].1, name, &matched, prefer);
                        if winner == i {
                            Outcome::Counts
                        } else {
                            Outcome::Replaced(winner)
                        }
                    }
                    Some(r) => Outcome::Withdrawn(files[r].0.to_string()),
                };
            }
        }
    }
    out
}

/// Orders a department's submissions best first.
fn sort_preferred(
    files: &mut [(&str, &Vec<usize>)],
    prefer: Prefer,
    modified: &impl Fn(&str) -> Option<SystemTime>,
) {
    match prefer {
        // Greatest (time, name) first; no time sorts below every time.
        Prefer::Newest => files.sort_by(|a, b| (modified(b.0), b.0).cmp(&(modified(a.0), a.0))),
        Prefer::Oldest => files.sort_by_key(|(f, _)| {
            let t = modified(f);
            (t.is_none(), t, *f)
        }),
        // Files already stand in input order; a stable sort by first table keeps it.
        Prefer::FirstNamed => files.sort_by_key(|(_, items)| items[0]),
    }
}

/// The table of `name` that counts within one submission (a file may hold it twice).
fn winner_in(
    items: &[usize],
    name: &str,
    matched: &[Option<(String, String)>],
    prefer: Prefer,
) -> usize {
    let mut same = items
        .iter()
        .copied()
        .filter(|i| matched[*i].as_ref().is_some_and(|m| m.1 == name));
    let first = same.next().unwrap_or(items[0]);
    match prefer {
        Prefer::Newest => same.next_back().unwrap_or(first),
        Prefer::Oldest | Prefer::FirstNamed => first,
    }
}

/// The finding for each version that does not count, in input order: `duplicate-project`
/// naming the version that counts, or `withdrawn-project` naming the workbook that
/// replaced the one it was in. Severities are the rules' own; apply the configuration.
pub fn findings(keys: &[ProjectKey], outcomes: &[Outcome], prefer: Prefer) -> Vec<Diagnostic> {
    keys.iter()
        .zip(outcomes)
        .filter_map(|(k, o)| {
            let project = format!(
                "项目“{}”（{}）",
                k.name.as_deref().unwrap_or_default(),
                k.department.as_deref().unwrap_or_default()
            );
            let (rule, message) = match o {
                Outcome::Counts => return None,
                Outcome::Replaced(w) => (
                    Rule::DuplicateProject,
                    format!(
                        "{project}重复报送：这一版未计入合计，计入的是{} {}:{}",
                        prefer.word(),
                        keys[*w].source.file,
                        keys[*w].source.sheet
                    ),
                ),
                Outcome::Withdrawn(by) => (
                    Rule::WithdrawnProject,
                    format!(
                        "{project}只在被替代的工作簿中：该部门{}工作簿 {by} 与它有相同的项目、\
                         已整体替代它，而其中没有这个项目，这一版未计入合计；如仍需计入，请部门补报",
                        prefer.word()
                    ),
                ),
            };
            Some(Diagnostic::at(rule, &k.source, k.cell.as_deref(), message))
        })
        .collect()
}

/// What replaced a version that does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplacedBy {
    /// The version that counts.
    Version(Source),
    /// The workbook that replaced the one this version was in, without the project.
    Workbook(String),
}

impl ReplacedBy {
    /// How 汇总 and the page say it.
    pub fn describe(&self) -> String {
        match self {
            ReplacedBy::Version(s) => format!("由 {}:{} 替代", s.file, s.sheet),
            ReplacedBy::Workbook(f) => format!("{f} 已整体替代其工作簿，其中没有这个项目"),
        }
    }
}

/// A version that does not count, with what replaced it.
#[derive(Debug, Clone)]
pub struct Superseded {
    /// The table set aside, whole.
    pub project: Project,
    /// The version that counts instead, or the workbook that replaced its own.
    pub by: ReplacedBy,
}

/// A file's time by the name findings give it; a workbook inside a .zip
/// (`报送.zip/机关工委/表.xlsx`) has the archive's.
pub fn time_of(times: &HashMap<String, SystemTime>, file: &str) -> Option<SystemTime> {
    if let Some(t) = times.get(file) {
        return Some(*t);
    }
    file.match_indices('/')
        .map(|(at, _)| &file[..at])
        .filter(|prefix| crate::read::archive::is_archive_name(prefix))
        .find_map(|prefix| times.get(prefix).copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::clean;
    use std::time::{Duration, UNIX_EPOCH};

    fn key(file: &str, name: &str) -> ProjectKey {
        let mut p = clean();
        p.source.file = file.into();
        p.level2_project = Some(name.into());
        ProjectKey::of(&p)
    }

    fn day(d: u64) -> Option<SystemTime> {
        Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000 + d * 86_400))
    }

    #[test]
    fn each_preference_picks_its_version() {
        let keys = [
            key("旧.xlsx", "甲"),
            key("新.xlsx", "甲"),
            key("新.xlsx", "乙"),
        ];
        let times = |f: &str| if f == "新.xlsx" { day(2) } else { day(1) };
        let newest = resolve(&keys, Prefer::Newest, times);
        assert_eq!(
            newest,
            [Outcome::Replaced(1), Outcome::Counts, Outcome::Counts]
        );
        let oldest = resolve(&keys, Prefer::Oldest, times);
        assert_eq!(
            oldest,
            [
                Outcome::Counts,
                Outcome::Replaced(0),
                Outcome::Withdrawn("旧.xlsx".into())
            ],
            "the older workbook replaces the newer whole: 乙 is not in it"
        );
        let first = resolve(&keys, Prefer::FirstNamed, |_| None);
        assert_eq!(first, oldest);
    }

    #[test]
    fn a_whole_new_workbook_replaces_the_old_one() {
        // The old workbook: 甲 乙 丙; the new: 甲 乙. One file per project stands alone.
        let keys = [
            key("第一次.xlsx", "甲"),
            key("第一次.xlsx", "乙"),
            key("第一次.xlsx", "丙"),
            key("第二次.xlsx", "甲"),
            key("第二次.xlsx", "乙"),
            key("丁.xlsx", "丁"),
        ];
        let times = |f: &str| match f {
            "第一次.xlsx" => day(1),
            "第二次.xlsx" => day(2),
            _ => day(0),
        };
        let out = resolve(&keys, Prefer::Newest, times);
        assert_eq!(
            out,
            [
                Outcome::Replaced(3),
                Outcome::Replaced(4),
                Outcome::Withdrawn("第二次.xlsx".into()),
                Outcome::Counts,
                Outcome::Counts,
                Outcome::Counts,
            ]
        );
        let found = findings(&keys, &out, Prefer::Newest);
        assert_eq!(found.len(), 3);
        assert_eq!(found[2].rule, Rule::WithdrawnProject);
        assert!(found[2].message.contains("丙"), "{}", found[2].message);
        assert!(
            found[0]
                .message
                .contains("计入的是较新的 第二次.xlsx:项目1")
        );
    }

    #[test]
    fn ties_and_files_without_a_time() {
        // Same time: the later name counts under newest, the earlier under oldest.
        let keys = [key("a.xlsx", "甲"), key("b.xlsx", "甲")];
        assert_eq!(
            resolve(&keys, Prefer::Newest, |_| day(1))[0],
            Outcome::Replaced(1)
        );
        assert_eq!(
            resolve(&keys, Prefer::Oldest, |_| day(1))[1],
            Outcome::Replaced(0)
        );
        // No time (standard input) loses to a time either way.
        let times = |f: &str| if f == "b.xlsx" { day(1) } else { None };
        assert_eq!(
            resolve(&keys, Prefer::Newest, times)[0],
            Outcome::Replaced(1)
        );
        assert_eq!(
            resolve(&keys, Prefer::Oldest, times)[0],
            Outcome::Replaced(1)
        );
        // One file holding a project twice: newest takes the later table.
        let twice = [key("a.xlsx", "甲"), key("a.xlsx", "甲")];
        assert_eq!(
            resolve(&twice, Prefer::Newest, |_| None),
            [Outcome::Replaced(1), Outcome::Counts]
        );
        assert_eq!(
            resolve(&twice, Prefer::FirstNamed, |_| None),
            [Outcome::Counts, Outcome::Replaced(0)]
        );
    }

    #[test]
    fn names_match_after_folding_and_keyless_tables_always_count() {
        let mut spaced = key("b.xlsx", "机关 党建工作");
        spaced.department = Some(" 中共黔南州直属机关工作委员会".into());
        let mut nameless = key("a.xlsx", "x");
        nameless.name = None;
        let keys = [key("a.xlsx", "机关党建工作"), spaced, nameless];
        let out = resolve(&keys, Prefer::FirstNamed, |_| None);
        assert_eq!(
            out,
            [Outcome::Counts, Outcome::Replaced(0), Outcome::Counts]
        );
    }

    #[test]
    fn a_zip_member_has_its_archives_time() {
        let mut times = HashMap::new();
        times.insert("报送.zip".to_string(), day(3).unwrap());
        assert_eq!(time_of(&times, "报送.zip/机关工委/表.xlsx"), day(3));
        assert_eq!(time_of(&times, "别的.xlsx"), None);
    }
}
