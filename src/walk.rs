//! Command-line paths → the workbooks to read, in a stable order.

use crate::rule::Rule;
use std::path::{Path, PathBuf};

use crate::model::Diagnostic;

/// One workbook to read, with the name findings give it.
#[derive(Debug, Clone)]
pub struct Input {
    /// Where to read it from (`-`: standard input).
    pub path: PathBuf,
    /// The name findings give it: the path as given or as found under a folder.
    pub display: String,
    /// Found while walking a folder (not named on the command line).
    pub walked: bool,
}

/// The workbooks named or found under the paths, and what was refused on the way.
#[derive(Debug, Default)]
pub struct Walked {
    /// The workbooks to read, in name order within each folder, in the order named.
    pub files: Vec<Input>,
    /// Paths refused on the way (missing, a FIFO or device, a folder that cannot be
    /// read), as findings.
    pub diagnostics: Vec<Diagnostic>,
    /// Files in walked directories that are not spreadsheets, skipped.
    pub skipped: Vec<PathBuf>,
    /// FIFOs, sockets and devices found in walked directories, skipped.
    pub special: Vec<PathBuf>,
    /// Directories and files reached a second time through a link, not read again.
    pub repeated: Vec<PathBuf>,
}

impl Walked {
    /// What was left out on the way, one line each in Chinese, for a command to print.
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for p in &self.skipped {
            out.push(format!("跳过非电子表格文件：{}", p.display()));
        }
        for p in &self.special {
            out.push(format!(
                "跳过非普通文件（管道、设备或套接字）：{}",
                p.display()
            ));
        }
        for p in &self.repeated {
            out.push(format!(
                "跳过已读过的目录或文件（链接指向同一处）：{}",
                p.display()
            ));
        }
        out
    }

    /// The paths of the workbooks to read.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.files.iter().map(|f| f.path.clone()).collect()
    }
}

/// Expands `paths`: files as given, directories recursively with entries sorted by name.
pub fn inputs(paths: &[PathBuf]) -> Walked {
    let mut walked = Walked::default();
    let mut seen = Seen::default();
    for path in paths {
        let display = path.display().to_string();
        if path.as_os_str() == "-" {
            // Standard input: read once, through the same size limit.
            walked.files.push(Input {
                path: path.clone(),
                display: "标准输入".into(),
                walked: false,
            });
            continue;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                walk_dir(path, &folder_name(path), &mut walked, &mut seen);
            }
            Ok(m) if m.is_file() => {
                seen.files.extend(std::fs::canonicalize(path));
                walked.files.push(Input {
                    path: path.clone(),
                    display,
                    walked: false,
                });
            }
            Ok(_) => walked.diagnostics.push(Diagnostic::file(
                Rule::UnreadableFile,
                &display,
                "不是普通文件（管道、设备或套接字），未读取",
            )),
            Err(_) => walked.diagnostics.push(Diagnostic::file(
                Rule::UnreadableFile,
                &display,
                "文件不存在",
            )),
        }
    }
    walked.special = seen.special;
    walked.repeated = seen.repeated;
    walked
}

/// What a walk has been through, by canonical path: a link back up the tree (a loop)
/// or a second link to one file is not read twice.
#[derive(Default)]
struct Seen {
    dirs: std::collections::HashSet<PathBuf>,
    files: std::collections::HashSet<PathBuf>,
    special: Vec<PathBuf>,
    repeated: Vec<PathBuf>,
}

/// How the files of a folder named on the command line are named in findings and on
/// 汇总: under the folder as given when that is relative (`收件箱/a/表.xlsx`), under its
/// own name only when it is absolute — the folders above it are the user's, not the
/// batch's (and would leak into a workbook sent on).
fn folder_name(dir: &Path) -> String {
    if dir.is_absolute()
        && let Some(name) = dir.file_name()
    {
        return name.to_string_lossy().into_owned();
    }
    let shown = dir.display().to_string();
    match shown.trim_end_matches(['/', '\\']) {
        "" => shown,
        trimmed => trimmed.to_string(),
    }
}

fn walk_dir(dir: &Path, display: &str, walked: &mut Walked, seen: &mut Seen) {
    if let Ok(canonical) = std::fs::canonicalize(dir)
        && !seen.dirs.insert(canonical)
    {
        seen.repeated.push(dir.to_path_buf());
        return;
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            let display = dir.display().to_string();
            walked.diagnostics.push(Diagnostic::file(
                Rule::UnreadableFile,
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
        let Ok(meta) = std::fs::metadata(&path) else {
            // A dangling link: nothing to read.
            walked.skipped.push(path);
            continue;
        };
        if meta.is_dir() {
            walk_dir(&path, &format!("{display}/{name}"), walked, seen);
        } else if !meta.is_file() {
            // A FIFO, socket or device would block or never end.
            seen.special.push(path);
        } else if crate::read::archive::is_spreadsheet_name(&path)
            || crate::read::archive::is_archive_name(&name)
        {
            if let Ok(canonical) = std::fs::canonicalize(&path)
                && !seen.files.insert(canonical)
            {
                seen.repeated.push(path);
                continue;
            }
            walked.files.push(Input {
                display: format!("{display}/{name}"),
                path,
                walked: true,
            });
        } else {
            walked.skipped.push(path);
        }
    }
}
