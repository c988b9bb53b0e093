//! A temporary directory to run the real binary in (after xsv's `Workdir`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file under the directory, creating its parents.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Sets a file's modified time to `day` days after a fixed date: which version of a
    /// resubmitted project counts goes by it.
    pub fn touch(&self, name: &str, day: u64) {
        let when =
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000 + day * 86_400);
        std::fs::File::options()
            .write(true)
            .open(self.dir.path().join(name))
            .unwrap()
            .set_modified(when)
            .unwrap();
    }

    /// Copies the committed samples/ into the directory, under `samples/`.
    pub fn copy_samples(&self) {
        copy_dir(&repo().join("samples"), &self.dir.path().join("samples"));
    }

    /// Runs jixiao with `args` in the directory.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("run jixiao")
    }

    /// Runs jixiao and asserts it exited 0; on failure the message gives the command,
    /// its status, stdout and stderr.
    pub fn run_ok(&self, args: &[&str]) -> Output {
        self.run_status(args, 0)
    }

    /// Runs jixiao and asserts it exited with `code` (1: findings, 2: failure), saying
    /// all it printed when it did not.
    pub fn run_status(&self, args: &[&str], code: i32) -> Output {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "jixiao {}\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
