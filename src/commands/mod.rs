//! One module per subcommand; each returns the process's exit status.

pub mod check;
pub mod extract;
mod output;

pub use output::Output;

/// Exit statuses: clean, findings of severity error (or a refused file), failure.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_FAILURE: i32 = 2;

/// Runs the parsed command line; returns the exit status.
///
/// # Errors
/// When output cannot be written; findings in the inputs are not errors.
pub fn run(cli: crate::cli::Cli) -> anyhow::Result<i32> {
    match cli.command {
        crate::cli::Command::Extract(args) => extract::run(&args),
        crate::cli::Command::Check(args) => check::run(&args),
    }
}

/// Reads the inputs with a progress bar on stderr for long batches.
pub(crate) fn read_inputs(paths: &[std::path::PathBuf]) -> (usize, crate::model::Extraction) {
    let walked = crate::inputs(paths);
    let files = walked.files.len();
    let bar = progress_bar(files);
    let extraction = crate::extract_walked(walked, |_| bar.inc(1));
    bar.finish_and_clear();
    (files, extraction)
}

/// A progress bar on stderr for batches, drawn only when stderr is a terminal.
pub(crate) fn progress_bar(len: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len as u64);
    if len < 20 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} 读取 {pos}/{len} 个文件 [{bar:30}] {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}
