//! Command-line paths → the workbooks to read, in a stable order.

use std::path::{Path, PathBuf};

use crate::model::{Diagnostic, Severity};

/// One workbook to read, with the name findings give it.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub display: String,
}

/// The workbooks named or found under the paths, and what was refused on the way.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<Input>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files in walked directories that are not spreadsheets, skipped.
    pub skipped: Vec<PathBuf>,
}

impl Walked {
    /// The paths of the workbooks to read.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.files.iter().map(|f| f.path.clone()).collect()
    }
}

/// Extensions taken when walking a directory. A file named on the command line is
/// always tried, whatever its extension: its first bytes decide.
const SPREADSHEET_EXTENSIONS: &[&str] = &[
    "xlsx", "xlsm", "xls", "xlsb", "ods", "et", "ett", "xlt", "xltx",
];

/// Expands `paths`: files as given, directories recursively with entries sorted by name.
pub fn inputs(paths: &[PathBuf]) -> Walked {
    let mut walked = Walked::default();
    for path in paths {
        if path.is_dir() {
            walk_dir(path, &mut walked);
        } else if path.exists() {
            walked.files.push(Input {
                path: path.clone(),
                display: path.display().to_string(),
            });
        } else {
            let display = path.display().to_string();
            walked.diagnostics.push(Diagnostic::file(
                Severity::Error,
                "unreadable-file",
                &display,
                "文件不存在",
            ));
        }
    }
    for skipped in &walked.skipped {
        note!("跳过非电子表格文件：{}", skipped.display());
    }
    walked
}

fn walk_dir(dir: &Path, walked: &mut Walked) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            let display = dir.display().to_string();
            walked.diagnostics.push(Diagnostic::file(
                Severity::Error,
                "unreadable-file",
                &display,
                format!("无法读取目录：{e}"),
            ));
            return;
        }
    };
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Hidden files and the ~$ lock files Excel and WPS leave beside open workbooks.
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        if path.is_dir() {
            walk_dir(&path, walked);
        } else if is_spreadsheet_name(&path) {
            walked.files.push(Input {
                display: path.display().to_string(),
                path,
            });
        } else {
            walked.skipped.push(path);
        }
    }
}

fn is_spreadsheet_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SPREADSHEET_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}
