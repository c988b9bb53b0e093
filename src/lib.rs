//! jixiao (绩效) reads project-expenditure performance target tables
//! (项目支出绩效目标表) as departments actually submit them — .xlsx, .xls, .ods, in the
//! official layout or not — and maps every table into one indicator model that
//! remembers, for each value, the cell it came from.
//!
//! ```no_run
//! let extraction = jixiao::extract(&["submissions/".into()]);
//! for p in &extraction.projects {
//!     println!("{:?} {:?}", p.level2_project, p.funds.total);
//! }
//! ```
//!
//! The data's path: [`read`] (workbook → cells and merged regions), [`locate`]
//! (cells → tables), [`model`] (the indicator model), [`value`] (指标值 parsing),
//! [`report`] (findings as text, model as CSV).

#![warn(missing_docs)]

pub mod aggregate;
pub mod batch;
pub mod budget;
pub mod diff;
pub mod framework;
pub mod locate;
pub mod model;
pub mod read;
pub mod report;
pub mod rule;
pub mod score;
pub mod season;
pub mod serve;
pub mod shelf;
mod small_file;
pub mod template;
#[cfg(test)]
pub(crate) mod testing;
pub mod text;
pub mod validate;
pub mod value;
pub mod versions;
mod walk;
pub mod write;

use crate::rule::Rule;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::model::{Diagnostic, Extraction, Project};
pub use crate::read::Limits;

pub use small_file::SettingsFileError;
pub use walk::{Input, Walked, inputs};

/// The text a panic carried, when it carried one (`panic!("…")` gives a `&str` or a
/// `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
}

/// Reads every workbook under `paths` (files, or directories walked recursively in
/// name order) and returns every table found, in input order, with the findings; the
/// default [`Limits`] and no progress. [`Extract`] sets those.
///
/// Never fails: a file that cannot be read becomes an `unreadable-file` or `no-table`
/// error diagnostic, and the other files are still read.
pub fn extract(paths: &[PathBuf]) -> Extraction {
    Extract::new().run(paths)
}

/// Reading a batch, set up as needed: `Extract::new().limits(l).progress(f).run(&paths)`.
/// What was walked past is in [`Extraction::left_out`].
#[derive(Debug, Clone)]
pub struct Extract<P = fn(&Path)> {
    limits: Limits,
    progress: P,
}

impl Default for Extract {
    fn default() -> Extract {
        Extract::new()
    }
}

impl Extract {
    /// The default limits, no progress.
    pub fn new() -> Extract {
        Extract {
            limits: Limits::default(),
            progress: |_| {},
        }
    }
}

impl<P: Fn(&Path) + Sync> Extract<P> {
    /// What one file may cost before it is refused.
    pub fn limits(mut self, limits: Limits) -> Extract<P> {
        self.limits = limits;
        self
    }

    /// Called once per file read, from any thread (a progress bar's step).
    pub fn progress<Q: Fn(&Path) + Sync>(self, progress: Q) -> Extract<Q> {
        Extract {
            limits: self.limits,
            progress,
        }
    }

    /// Walks `paths` and reads what was found.
    pub fn run(&self, paths: &[PathBuf]) -> Extraction {
        self.run_walked(inputs(paths))
    }

    /// Reads inputs already walked (to size a progress bar first).
    pub fn run_walked(&self, walked: Walked) -> Extraction {
        let mut out = Extraction {
            projects: Vec::new(),
            left_out: walked.notes(),
            diagnostics: walked.diagnostics,
            files: walked.files.iter().map(|f| f.display.clone()).collect(),
        };
        for_each_file(
            &walked.files,
            &self.limits,
            &self.progress,
            |p, d| (p, d),
            |(projects, diagnostics)| {
                out.projects.extend(projects);
                out.diagnostics.extend(diagnostics);
            },
        );
        out
    }
}

/// Files read at a time by [`for_each_file`]: enough to keep every core busy, few
/// enough that memory stays flat however many files a batch holds.
const BATCH: usize = 256;

/// Reads `files` in parallel, a batch at a time. `map` turns one file's projects and
/// findings into what the caller keeps, in a worker thread (serialising, checking);
/// `each` receives the results on this thread, in input order.
pub fn for_each_file<T: Send>(
    files: &[Input],
    limits: &Limits,
    progress: impl Fn(&Path) + Sync,
    map: impl Fn(Vec<Project>, Vec<Diagnostic>) -> T + Sync,
    mut each: impl FnMut(T),
) {
    for batch in files.chunks(BATCH) {
        let results: Vec<T> = batch
            .par_iter()
            .map(|input| {
                let (projects, diagnostics) = extract_input(input, limits);
                progress(&input.path);
                map(projects, diagnostics)
            })
            .collect();
        results.into_iter().for_each(&mut each);
    }
}

/// Reads one input: as [`extract_file`], except that a workbook jixiao wrote itself
/// (汇总, a split project) found while walking a folder is left out with a warning, so
/// a second run over the same inbox does not count it twice.
pub fn extract_input(input: &Input, limits: &Limits) -> (Vec<Project>, Vec<Diagnostic>) {
    if !input.walked && !read::archive::is_archive_name(&input.display) {
        return extract_file(&input.path, &input.display, limits);
    }
    match read::read_file_bytes(&input.path, limits) {
        Ok(bytes) => extract_found(&input.display, &bytes, limits),
        Err(e) => (
            Vec::new(),
            vec![Diagnostic::file(
                Rule::UnreadableFile,
                &input.display,
                e.to_string(),
            )],
        ),
    }
}

/// Reads a workbook (or a .zip of them) held in memory as a file found in a folder:
/// jixiao's own outputs left out, an archive read in place (what the page receives).
pub fn extract_found(
    display: &str,
    bytes: &[u8],
    limits: &Limits,
) -> (Vec<Project>, Vec<Diagnostic>) {
    if read::archive::is_archive_name(display) {
        return extract_archive(display, bytes, limits);
    }
    match read::read_walked_bytes(bytes, limits) {
        Ok(sheets) => extract_sheets_within(display, &sheets, limits),
        Err(e @ read::ReadError::OwnOutput(_)) => (
            Vec::new(),
            vec![Diagnostic::file(Rule::OwnOutput, display, e.to_string())],
        ),
        Err(e) => (
            Vec::new(),
            vec![Diagnostic::file(
                Rule::UnreadableFile,
                display,
                e.to_string(),
            )],
        ),
    }
}

/// Members of a .zip read at a time, and the bytes they may hold between them.
const ARCHIVE_BATCH: usize = 64;
const ARCHIVE_BATCH_BYTES: usize = 64 << 20;

/// Reads the workbooks of a .zip in place, each named `archive.zip/inner.xlsx`, each as
/// a file found in a folder (jixiao's own outputs left out).
fn extract_archive(
    archive: &str,
    bytes: &[u8],
    limits: &Limits,
) -> (Vec<Project>, Vec<Diagnostic>) {
    let unreadable =
        |display: &str, message: String| Diagnostic::file(Rule::UnreadableFile, display, message);
    let mut projects = Vec::new();
    let mut diagnostics = Vec::new();
    let mut members = 0;
    // The members are read a few at a time in parallel, as a folder's files are: a
    // department's .zip of hundreds of workbooks is otherwise read on one core.
    type Member = (String, Result<Vec<u8>, read::ReadError>);
    let mut pending: Vec<Member> = Vec::new();
    let mut pending_bytes = 0;
    let mut flush = |pending: &mut Vec<Member>| {
        let read: Vec<_> = pending
            .par_drain(..)
            .map(|(display, bytes)| match bytes {
                Ok(bytes) => extract_found(&display, &bytes, limits),
                Err(e) => (Vec::new(), vec![unreadable(&display, e.to_string())]),
            })
            .collect();
        for (p, d) in read {
            projects.extend(p);
            diagnostics.extend(d);
        }
    };
    let nested = read::archive::read_archive(bytes, limits, |member| {
        members += 1;
        pending_bytes += member.bytes.as_ref().map_or(0, Vec::len);
        pending.push((format!("{}/{}", archive, member.name), member.bytes));
        if pending.len() >= ARCHIVE_BATCH || pending_bytes >= ARCHIVE_BATCH_BYTES {
            flush(&mut pending);
            pending_bytes = 0;
        }
    });
    flush(&mut pending);
    let nested = match nested {
        Ok(n) => n,
        Err(e) => return (Vec::new(), vec![unreadable(archive, e.to_string())]),
    };
    for name in &nested {
        diagnostics.push(unreadable(
            &format!("{archive}/{name}"),
            "压缩包中的压缩包未打开，请解压后提交其中的工作簿".to_string(),
        ));
    }
    if members == 0 && nested.is_empty() {
        diagnostics.push(Diagnostic::file(
            Rule::NoTable,
            archive,
            "压缩包中没有电子表格文件",
        ));
    }
    (projects, diagnostics)
}

/// Reads one workbook; `display` is the name findings give it.
pub fn extract_file(
    path: &Path,
    display: &str,
    limits: &Limits,
) -> (Vec<Project>, Vec<Diagnostic>) {
    match read::read_path(path, limits) {
        Ok(sheets) => extract_sheets_within(display, &sheets, limits),
        Err(e) => (
            Vec::new(),
            vec![Diagnostic::file(
                Rule::UnreadableFile,
                display,
                e.to_string(),
            )],
        ),
    }
}

/// Finds the tables of a workbook already read.
pub fn extract_sheets(display: &str, sheets: &[read::Sheet]) -> (Vec<Project>, Vec<Diagnostic>) {
    extract_sheets_within(display, sheets, &Limits::default())
}

/// As [`extract_sheets`]; a workbook of more than `limits.max_tables` tables is
/// refused whole, before its tables are built.
fn extract_sheets_within(
    display: &str,
    sheets: &[read::Sheet],
    limits: &Limits,
) -> (Vec<Project>, Vec<Diagnostic>) {
    let mut tables_left = limits.max_tables;
    let mut projects = Vec::new();
    let mut diagnostics = Vec::new();
    for sheet in sheets {
        if sheet.ignored_cells > 0 {
            diagnostics.push(Diagnostic {
                sheet: Some(sheet.name.clone()),
                ..Diagnostic::file(
                    Rule::IgnoredCells,
                    display,
                    format!(
                        "忽略了 {} 个超出表格范围（列数超过上限）的单元格",
                        sheet.ignored_cells
                    ),
                )
            });
        }
        if sheet.same_name > 0 {
            diagnostics.push(Diagnostic {
                sheet: Some(sheet.name.clone()),
                ..Diagnostic::file(
                    Rule::DuplicateSheet,
                    display,
                    format!(
                        "工作簿中还有 {} 个同名的工作表“{}”，只读取了第一个，请改名后重新提交",
                        sheet.same_name, sheet.name
                    ),
                )
            });
        }
        if sheet.nested_tables > 0 {
            diagnostics.push(Diagnostic {
                sheet: Some(sheet.name.clone()),
                ..Diagnostic::file(
                    Rule::IgnoredCells,
                    display,
                    format!(
                        "有 {} 个表格嵌在单元格里，其内容未读取；请把它移到工作表中",
                        sheet.nested_tables
                    ),
                )
            });
        }
        if !sheet.same_part.is_empty() {
            let shown: Vec<&str> = sheet.same_part.iter().take(3).map(String::as_str).collect();
            let more = if sheet.same_part.len() > 3 {
                " 等"
            } else {
                ""
            };
            diagnostics.push(Diagnostic {
                sheet: Some(sheet.name.clone()),
                ..Diagnostic::file(
                    Rule::DuplicateSheet,
                    display,
                    format!(
                        "另有 {} 个工作表（{}{more}）与工作表“{}”指向同一份内容，只读取了一次，未重复计入",
                        sheet.same_part.len(),
                        shown.join("、"),
                        sheet.name
                    ),
                )
            });
        }
        for u in &sheet.uncalculated {
            let message = if u.as_text {
                format!(
                    "公式“{}”没有计算结果（未在 Excel 中保存过），按文本读取",
                    u.formula
                )
            } else {
                format!(
                    "公式“{}”没有计算结果（未在 Excel 中保存过），其值未读取；请在 Excel 或 WPS 中打开并保存后重新提交",
                    u.formula
                )
            };
            diagnostics.push(Diagnostic {
                sheet: Some(sheet.name.clone()),
                cell: Some(text::a1(u.at.0, u.at.1)),
                ..Diagnostic::file(Rule::FormulaWithoutValue, display, message)
            });
        }
        let (p, d) = match locate::locate_at_most(display, sheet, tables_left) {
            Ok(found) => found,
            Err(found) => {
                let message = format!(
                    "工作簿中的绩效目标表超过 {} 张（工作表“{}”一张就有 {found} 张），疑似异常文件，未读取{}",
                    limits.max_tables,
                    sheet.name,
                    limits.hint_after(read::Limit::Tables)
                );
                return (
                    Vec::new(),
                    vec![Diagnostic::file(Rule::UnreadableFile, display, message)],
                );
            }
        };
        tables_left = tables_left.saturating_sub(p.len());
        projects.extend(p);
        diagnostics.extend(d);
    }
    if projects.is_empty() {
        let why = if sheets.iter().all(|s| s.grid.is_empty()) {
            "工作簿中没有任何内容".to_string()
        } else {
            "未找到绩效目标表：没有“三级指标”与“指标值”表头".to_string()
        };
        diagnostics.push(Diagnostic::file(Rule::NoTable, display, why));
    }
    (projects, diagnostics)
}
