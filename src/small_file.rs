//! Settings files (a `--config`, a `--template`) read within a bound, so that a FIFO,
//! a device or `/dev/zero` named as one is refused instead of waited on or read forever.

use std::io::Read;
use std::path::Path;

/// More than any configuration or layout holds.
const MAX_BYTES: u64 = 1 << 20;

/// Why a settings file (a `--config`, a `--template`) could not be read. The
/// configuration's and the layout's errors carry it under the file's path.
#[derive(Debug, thiserror::Error)]
pub enum SettingsFileError {
    /// The file could not be opened or read, or is not UTF-8 text.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A FIFO, a device or a socket: opening it could wait for ever.
    #[error("不是普通文件（管道、设备或套接字）")]
    NotRegular,
    /// Past 1 MB: no configuration or layout is that long.
    #[error("文件超过 {} MB，不是配置或版式文件", MAX_BYTES >> 20)]
    TooLarge,
}

/// The text of the settings file at `path`.
///
/// # Errors
/// When `path` is not a regular file (opening a FIFO would wait for a writer), is past
/// 1 MB, cannot be read or is not UTF-8.
pub(crate) fn read_to_string(path: &Path) -> Result<String, SettingsFileError> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(SettingsFileError::NotRegular);
    }
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_BYTES {
        return Err(SettingsFileError::TooLarge);
    }
    Ok(text)
}
