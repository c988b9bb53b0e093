//! A .zip of workbooks, as departments send their folder zipped: its members read in
//! place, under the same limits as any workbook (the archive's own zip limits, then each
//! member's). An .xlsx is a zip too: only a `.zip` name marks an archive of workbooks.

use std::io::Read;
use std::path::PathBuf;

use super::{Limits, ReadError, corrupt, open_zip, too_large_file};

/// One workbook inside an archive.
pub struct Member {
    /// Its path inside the archive, decoded (Chinese Windows writes GBK without saying).
    pub name: String,
    /// Its bytes, or why they were not taken.
    pub bytes: Result<Vec<u8>, ReadError>,
}

/// Extensions taken when walking a directory. A file named on the command line is
/// always tried, whatever its extension: its first bytes decide.
const SPREADSHEET_EXTENSIONS: &[&str] = &[
    "xlsx", "xlsm", "xls", "xlsb", "ods", "et", "ett", "xlt", "xltx",
];

/// Whether a file found in a folder (or an archive) is taken as a spreadsheet by its
/// extension.
pub(crate) fn is_spreadsheet_name(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SPREADSHEET_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// True for a name that marks an archive of workbooks.
pub fn is_archive_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".zip")
}

/// An entry name: UTF-8 when it is (the zip's UTF-8 flag, or plain ASCII), else GBK,
/// which is what the Chinese Windows zip tools write without any flag.
fn decode_name(raw: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(raw) {
        return s.to_string();
    }
    let (text, _, errors) = encoding_rs::GBK.decode(raw);
    if errors {
        String::from_utf8_lossy(raw).into_owned()
    } else {
        text.into_owned()
    }
}

/// Gives `each` the workbooks inside `bytes` (a zip archive) one at a time, in name
/// order (as a folder walk would order the same files), so only one is held at once;
/// returns the archives found inside, which are not opened.
///
/// # Errors
/// When the archive is damaged or past the zip limits (entries, ratio, unzipped size).
pub fn read_archive(
    bytes: &[u8],
    limits: &Limits,
    mut each: impl FnMut(Member),
) -> Result<Vec<String>, ReadError> {
    let mut zip = open_zip(bytes, limits)?;
    let mut wanted: Vec<(String, usize)> = Vec::new();
    let mut nested = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(corrupt)?;
        if entry.is_dir() {
            continue;
        }
        let name = decode_name(entry.name_raw()).replace('\\', "/");
        let file = name.rsplit('/').next().unwrap_or(&name).to_string();
        // What a Mac adds, hidden files and the lock files Excel and WPS leave.
        if name.starts_with("__MACOSX/") || file.starts_with('.') || file.starts_with("~$") {
            continue;
        }
        if is_archive_name(&file) {
            nested.push(name);
        } else if is_spreadsheet_name(std::path::Path::new(&file)) {
            wanted.push((name, i));
        }
    }
    wanted.sort_by(|a, b| PathBuf::from(&a.0).cmp(&PathBuf::from(&b.0)));
    for (name, i) in wanted {
        let entry = zip.by_index(i).map_err(corrupt)?;
        let size = entry.size();
        let bytes = if size > limits.max_file_bytes {
            Err(too_large_file(size, limits))
        } else {
            let mut buf = Vec::with_capacity(size as usize);
            match entry.take(limits.max_file_bytes + 1).read_to_end(&mut buf) {
                Ok(_) if buf.len() as u64 > limits.max_file_bytes => {
                    Err(too_large_file(buf.len() as u64, limits))
                }
                Ok(_) => Ok(buf),
                Err(e) => Err(corrupt(e)),
            }
        };
        each(Member { name, bytes });
    }
    nested.sort();
    Ok(nested)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_names_are_decoded_and_utf8_kept() {
        let (gbk, _, _) = encoding_rs::GBK.encode("机关工委/项目表.xlsx");
        assert_eq!(decode_name(&gbk), "机关工委/项目表.xlsx");
        assert_eq!(decode_name("汇总.xlsx".as_bytes()), "汇总.xlsx");
    }
}
