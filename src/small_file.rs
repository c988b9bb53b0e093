//! Settings files (a `--config`, a `--template`) read within a bound, so that a FIFO,
//! a device or `/dev/zero` named as one is refused instead of waited on or read forever.

use std::io::Read;
use std::path::Path;

use anyhow::bail;

/// More than any configuration or layout holds.
const MAX_BYTES: u64 = 1 << 20;

/// The text of the settings file at `path`.
///
/// # Errors
/// When `path` is not a regular file (opening a FIFO would wait for a writer), is past
/// 1 MB, cannot be read or is not UTF-8.
pub(crate) fn read_to_string(path: &Path) -> anyhow::Result<String> {
    if !std::fs::metadata(path)?.is_file() {
        bail!("不是普通文件（管道、设备或套接字）");
    }
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_BYTES {
        bail!("文件超过 {} MB，不是配置或版式文件", MAX_BYTES >> 20);
    }
    Ok(text)
}
