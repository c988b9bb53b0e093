//! Where a command writes: stdout, or a file written whole or not at all.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// A destination for a command's output.
pub enum Output {
    Stdout,
    /// A file: written to a temporary file beside it, renamed into place on success.
    File {
        path: PathBuf,
        force: bool,
    },
    /// Something that is not a regular file (a device or a pipe), written directly.
    Device(PathBuf),
}

/// Refuses an output that is one of the input files, `--force` or not.
///
/// # Errors
/// When `target` is the same file as one of `inputs`.
pub fn refuse_input(target: &Path, inputs: &[PathBuf]) -> anyhow::Result<()> {
    refuse_inputs(std::iter::once(target), inputs)
}

/// As [`refuse_input`] for many targets (split's thousands of workbooks): the inputs
/// are resolved once, not once per target.
///
/// # Errors
/// When a target is the same file as one of `inputs`.
pub fn refuse_inputs<'a>(
    targets: impl IntoIterator<Item = &'a Path>,
    inputs: &[PathBuf],
) -> anyhow::Result<()> {
    let mut resolved: Option<std::collections::HashSet<PathBuf>> = None;
    for target in targets {
        // A target that does not exist yet cannot be an input.
        let Ok(target) = std::fs::canonicalize(target) else {
            continue;
        };
        let inputs = resolved.get_or_insert_with(|| {
            inputs
                .iter()
                .filter_map(|i| std::fs::canonicalize(i).ok())
                .collect()
        });
        if inputs.contains(&target) {
            bail!("输出文件 {} 是输入文件之一，拒绝覆盖", target.display());
        }
    }
    Ok(())
}

/// True for an existing path that is not a regular file or directory.
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

impl Output {
    /// Chooses the destination; refuses a path that is one of the inputs.
    ///
    /// # Errors
    /// When `path` is one of `inputs`, or exists and `force` is false.
    pub fn new(path: Option<&Path>, force: bool, inputs: &[PathBuf]) -> anyhow::Result<Output> {
        // `-o -` is standard output, as in the tools people know.
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output::Stdout);
        };
        refuse_input(path, inputs)?;
        if is_special(path) {
            // /dev/null, /dev/stdout, a named pipe: write straight into it; renaming a
            // file over it would replace the device.
            return Ok(Output::Device(path.to_path_buf()));
        }
        if path.exists() && !force {
            bail!("输出文件 {} 已存在；如需覆盖，请加 --force", path.display());
        }
        // Say so before reading anything, not after the whole batch.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            bail!("输出目录 {} 不存在，请先创建", dir.display());
        }
        Ok(Output::File {
            path: path.to_path_buf(),
            force,
        })
    }

    /// Writes everything `write` produces; a file appears only once complete.
    ///
    /// # Errors
    /// When writing or renaming fails; a failed write leaves no file behind.
    pub fn write(
        &self,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> anyhow::Result<()> {
        self.write_send(|w| write(w))
    }

    /// As [`Output::write`], to a writer that may be sent to another thread, as a
    /// workbook saved straight to it needs (rather than built whole in memory first).
    ///
    /// # Errors
    /// As [`Output::write`].
    pub fn write_send(
        &self,
        write: impl FnOnce(&mut (dyn Write + Send)) -> io::Result<()>,
    ) -> anyhow::Result<()> {
        match self {
            Output::Stdout => {
                let mut out = io::BufWriter::new(io::stdout());
                write(&mut out)
                    .and_then(|_| out.flush())
                    .context("写入标准输出失败")
            }
            Output::File { path, force } => write_atomically(path, *force, write),
            Output::Device(path) => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .with_context(|| format!("无法打开 {}", path.display()))?;
                let mut w = io::BufWriter::new(file);
                write(&mut w)
                    .and_then(|_| w.flush())
                    .with_context(|| format!("写入 {} 失败", path.display()))
            }
        }
    }
}

/// Removes temporaries of jixiao's own naming (`.jixiao-*.tmp`) left in `dir` by a
/// run that was killed: those last changed more than an hour ago, so a run working in
/// the same folder right now keeps its own.
fn remove_stale_temporaries(dir: &Path) {
    // Once per folder and run: split writes thousands of files into one folder, and a
    // sweep per file would read the growing folder each time.
    static SWEPT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    {
        let mut swept = SWEPT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if swept.iter().any(|d| d == dir) {
            return;
        }
        swept.push(dir.to_path_buf());
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let Some(cutoff) =
        std::time::SystemTime::now().checked_sub(std::time::Duration::from_secs(3600))
    else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(".jixiao-") && name.ends_with(".tmp")) {
            continue;
        }
        let stale = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .is_some_and(|t| t < cutoff);
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// How hard a write holds on to its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Flushed to disk before it is renamed into place: one output that matters.
    Synced,
    /// Renamed into place as soon as written: one of many (split), where a sync per
    /// file would double the run. Whole or absent after a crash of jixiao either way.
    Renamed,
}

/// Writes to a temporary file in the target's directory, then renames it into place.
///
/// # Errors
/// When the directory is not writable, `write` fails, or the target exists and
/// `force` is false.
pub fn write_atomically(
    path: &Path,
    force: bool,
    write: impl FnOnce(&mut (dyn Write + Send)) -> io::Result<()>,
) -> anyhow::Result<()> {
    write_atomically_as(path, force, Durability::Synced, write)
}

/// As [`write_atomically`], with the durability chosen.
///
/// # Errors
/// As [`write_atomically`].
pub fn write_atomically_as(
    path: &Path,
    force: bool,
    durability: Durability,
    write: impl FnOnce(&mut (dyn Write + Send)) -> io::Result<()>,
) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    remove_stale_temporaries(dir);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".jixiao-").suffix(".tmp");
    // A temporary file is private (0600) and its mode survives the rename: ask for
    // what a new file gets (0666 less the umask), so colleagues on a shared folder can
    // open the output.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("无法在 {} 中创建临时文件", dir.display()))?;
    {
        let mut buf = io::BufWriter::new(tmp.as_file_mut());
        write(&mut buf)
            .and_then(|_| buf.flush())
            .with_context(|| format!("写入 {} 失败", path.display()))?;
    }
    if durability == Durability::Synced {
        tmp.as_file()
            .sync_all()
            .with_context(|| format!("写入 {} 失败", path.display()))?;
    }
    let persisted = if force {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    persisted
        .map_err(|e| e.error)
        .with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.xlsx");
        std::fs::write(&path, b"old").unwrap();
        let failed = write_atomically(&path, true, |w| {
            w.write_all(b"half of a workbook")?;
            Err(io::Error::other("interrupted"))
        });
        assert!(failed.is_err());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"old",
            "the old file stays whole"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.xlsx"], "no temporary file is left");
        write_atomically(&path, true, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert!(
            write_atomically(&path, false, |w| w.write_all(b"x")).is_err(),
            "no overwrite without force"
        );
    }
}
