//! The season around a merge: which expected departments have submitted, and which
//! names are near misses of an expected one (never merged silently).

use std::path::{Path, PathBuf};

use crate::model::{Diagnostic, Project, Severity};
use crate::read::{ReadError, ReadReason};

/// Why the list of expected departments (`--expect`) was refused; it names the file.
#[derive(Debug, thiserror::Error)]
pub enum ExpectedListError {
    /// The file could not be read at all.
    #[error("无法读取名单 {}", path.display())]
    Read {
        /// The list, as given.
        path: PathBuf,
        /// What the reader said.
        #[source]
        source: ReadError,
    },
    /// Not a .csv, and not a workbook that could be opened.
    #[error("无法读取名单 {}", path.display())]
    Workbook {
        /// The list, as given.
        path: PathBuf,
        /// What the reader said.
        #[source]
        source: ReadReason,
    },
    /// A workbook without a sheet.
    #[error("名单 {} 是空的", path.display())]
    Empty {
        /// The list, as given.
        path: PathBuf,
    },
    /// Nothing in the first column once blanks and the header are left out.
    #[error("名单 {} 中没有部门名称", path.display())]
    NoNames {
        /// The list, as given.
        path: PathBuf,
    },
}

/// Where an expected department stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The department as the list names it.
    pub department: String,
    /// Tables found for it.
    pub projects: usize,
    /// Findings of severity error in the files that hold its tables.
    pub errors: usize,
    /// A department found in the inputs whose name is close to this one but not the
    /// same (中共黔南州直属机关工委 for …工作委员会): said, never taken for it.
    pub likely: Option<String>,
}

impl Submission {
    /// True when at least one table names the department exactly (after folding).
    pub fn submitted(&self) -> bool {
        self.projects > 0
    }
}

/// Reads the expected departments: one a row, in the first column of a .csv (UTF-8 or
/// GBK) or of the first sheet of a workbook; a header row (主管部门, 单位名称 …) is skipped.
/// The file is read within `limits`, as the submissions are.
///
/// # Errors
/// [`ExpectedListError`] when the file cannot be read (or is past `limits`), or holds no
/// name.
pub fn read_expected(
    path: &Path,
    limits: &crate::read::Limits,
) -> Result<Vec<String>, ExpectedListError> {
    let bytes =
        crate::read::read_file_bytes(path, limits).map_err(|source| ExpectedListError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt"));
    let firsts: Vec<String> = if is_csv {
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
            Err(_) => encoding_gbk(&bytes),
        };
        text.lines()
            .map(|l| {
                l.split([',', '\t'])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches('"')
                    .to_string()
            })
            .collect()
    } else {
        let sheets = crate::read::read_bytes_with(&bytes, limits).map_err(|e| {
            ExpectedListError::Workbook {
                path: path.to_path_buf(),
                source: ReadReason(e),
            }
        })?;
        let Some(sheet) = sheets.first() else {
            return Err(ExpectedListError::Empty {
                path: path.to_path_buf(),
            });
        };
        let g = &sheet.grid;
        let first_col = g
            .row_indices()
            .flat_map(|r| g.row(r).first().map(|(c, _)| *c))
            .min()
            .unwrap_or(0);
        g.row_indices()
            .filter_map(|r| g.get(r, first_col).map(|v| v.text().trim().to_string()))
            .collect()
    };
    let mut names: Vec<String> = firsts.into_iter().filter(|n| !n.is_empty()).collect();
    if names.first().is_some_and(|h| {
        ["部门", "单位", "名称"].iter().any(|w| h.contains(w)) && h.chars().count() <= 8
    }) {
        names.remove(0);
    }
    if names.is_empty() {
        return Err(ExpectedListError::NoNames {
            path: path.to_path_buf(),
        });
    }
    Ok(names)
}

/// GBK text as Chinese Windows writes a CSV; undecodable bytes become U+FFFD.
fn encoding_gbk(bytes: &[u8]) -> String {
    let (text, _, _) = encoding_rs::GBK.decode(bytes);
    text.into_owned()
}

/// Where every expected department stands, in the list's order. `found` holds each
/// table read as (主管部门, the file it came from).
pub fn submissions(
    expected: &[String],
    found: &[(String, String)],
    diagnostics: &[Diagnostic],
) -> Vec<Submission> {
    let keyed: Vec<(String, &str)> = found
        .iter()
        .map(|(dept, file)| (key(dept), file.as_str()))
        .collect();
    let mut names: Vec<&str> = found.iter().map(|(d, _)| d.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let expected_keys: Vec<String> = expected.iter().map(|e| key(e)).collect();
    expected
        .iter()
        .zip(&expected_keys)
        .map(|(name, k)| {
            let files: Vec<&str> = keyed
                .iter()
                .filter(|(fk, _)| fk == k)
                .map(|(_, f)| *f)
                .collect();
            let mut distinct = files.clone();
            distinct.sort_unstable();
            distinct.dedup();
            let errors = diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error && distinct.contains(&d.file.as_str()))
                .count();
            // A close name no expected department has exactly.
            let likely = files
                .is_empty()
                .then(|| {
                    names
                        .iter()
                        .filter(|n| !expected_keys.contains(&key(n)))
                        .map(|n| (similarity(k, &key(n)), *n))
                        .filter(|(s, _)| *s >= NEAR)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(_, n)| n.to_string())
                })
                .flatten();
            Submission {
                department: name.clone(),
                projects: files.len(),
                errors,
                likely,
            }
        })
        .collect()
}

/// (主管部门, file) of every table with a department, for [`submissions`].
pub fn found_in(projects: &[Project]) -> Vec<(String, String)> {
    projects
        .iter()
        .filter_map(|p| Some((p.department.clone()?, p.source.file.clone())))
        .collect()
}

/// How alike two names must be (see [`similarity`]) to be pointed out as likely the
/// same: 中共黔南州直属机关工委 for …工作委员会 is, 黔南州教育局 for …财政局 is not.
pub(crate) const NEAR: f64 = 0.75;

/// A name as it is matched: folded as labels are, without spaces.
pub(crate) fn key(name: &str) -> String {
    crate::text::fold(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// 1 − edit distance / the longer length, over characters.
pub(crate) fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    1.0 - prev[b.len()] as f64 / longest as f64
}

/// The lines `check` ends with: who has not submitted, and the near misses.
pub fn summary_lines(subs: &[Submission]) -> Vec<String> {
    let missing: Vec<&Submission> = subs.iter().filter(|s| !s.submitted()).collect();
    let mut out = Vec::new();
    if missing.is_empty() {
        out.push(format!("名单中的 {} 个部门都已报送", subs.len()));
        return out;
    }
    out.push(format!(
        "未报送的部门（{} 个，共 {} 个）：{}",
        missing.len(),
        subs.len(),
        missing
            .iter()
            .map(|s| s.department.as_str())
            .collect::<Vec<_>>()
            .join("、")
    ));
    for s in missing {
        if let Some(likely) = &s.likely {
            out.push(format!(
                "  {}：收到名称相近的“{likely}”，请核对是否为同一部门（未自动合并）",
                s.department
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(dept: &str, file: &str) -> Project {
        let mut p = Project {
            department: Some(dept.into()),
            ..Project::default()
        };
        p.source.file = file.into();
        p
    }

    #[test]
    fn expected_departments_with_a_near_miss() {
        let expected = vec![
            "中共黔南州直属机关工作委员会".to_string(),
            "黔南州财政局".to_string(),
            "黔南州教育局".to_string(),
        ];
        let projects = vec![
            project("中共黔南州直属机关工委", "a.xlsx"),
            project(" 黔南州财政局", "b.xlsx"),
            project("黔南州财政局", "b.xlsx"),
        ];
        let d = Diagnostic::file(crate::rule::Rule::FundsSum, "b.xlsx", "x");
        let subs = submissions(&expected, &found_in(&projects), &[d]);
        assert_eq!(subs[0].projects, 0, "a near miss is not taken for it");
        assert_eq!(subs[0].likely.as_deref(), Some("中共黔南州直属机关工委"));
        assert_eq!((subs[1].projects, subs[1].errors), (2, 1));
        assert_eq!((subs[2].projects, subs[2].likely.as_deref()), (0, None));
        let lines = summary_lines(&subs);
        assert!(
            lines[0].contains("未报送的部门（2 个，共 3 个）"),
            "{lines:?}"
        );
        assert!(lines[1].contains("中共黔南州直属机关工委"), "{lines:?}");
    }

    #[test]
    fn similarity_is_an_edit_ratio() {
        assert!((similarity("abc", "abc") - 1.0).abs() < 1e-9);
        assert!(similarity("中共黔南州直属机关工委", "中共黔南州直属机关工作委员会") > 0.7);
        assert!(similarity("黔南州教育局", "黔南州财政局") < 0.7);
    }
}
