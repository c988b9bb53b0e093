//! One module per subcommand; each returns the process's exit status.

pub mod check;
pub mod diff;
pub mod extract;
pub mod merge;
pub(crate) mod output;
pub mod prefill;
pub mod score;
pub mod serve;
pub mod split;
pub mod template;

pub use output::Output;

/// Exit statuses: clean, findings of severity error (or a refused file), failure.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_FAILURE: i32 = 2;

/// The exit status of a run that found `diagnostics`: [`EXIT_FINDINGS`] when any is an
/// error (a refused file is one), else [`EXIT_OK`]. Every command that reads derives
/// its status here, so "what counts as failing" is said once.
pub(crate) fn exit_status<'a>(
    diagnostics: impl IntoIterator<Item = &'a jixiao::model::Diagnostic>,
) -> i32 {
    let error = diagnostics
        .into_iter()
        .any(|d| d.severity == jixiao::model::Severity::Error);
    if error { EXIT_FINDINGS } else { EXIT_OK }
}

/// Runs the parsed command line; returns the exit status.
///
/// # Errors
/// When output cannot be written; findings in the inputs are not errors.
pub fn run(cli: crate::cli::Cli) -> anyhow::Result<i32> {
    let limits = cli.limits.limits();
    jixiao::read::VERBOSE.store(cli.verbose, std::sync::atomic::Ordering::Relaxed);
    crate::term::set(cli.quiet, cli.color);
    match cli.command {
        crate::cli::Command::Extract(args) => extract::run(&args, &limits),
        crate::cli::Command::Check(args) => check::run(&args, &limits),
        crate::cli::Command::Merge(args) => merge::run(&args, &limits),
        crate::cli::Command::Split(args) => split::run(&args, &limits),
        crate::cli::Command::Template(args) => template::run(&args),
        crate::cli::Command::Prefill(args) => prefill::run(&args, &limits),
        crate::cli::Command::Score(args) => score::run(&args, &limits),
        crate::cli::Command::Diff(args) => diff::run(&args, &limits),
        crate::cli::Command::Serve(args) => serve::run(&args, &limits),
    }
}

/// Reads the inputs with a progress bar on stderr for long batches.
pub(crate) fn read_inputs(
    walked: jixiao::Walked,
    limits: &jixiao::read::Limits,
) -> (usize, jixiao::model::Extraction) {
    let files = walked.files.len();
    let bar = progress_bar(files);
    let extraction = jixiao::Extract::new()
        .limits(*limits)
        .progress(|_| bar.inc(1))
        .run_walked(walked);
    bar.finish_and_clear();
    (files, extraction)
}

/// The rules' configuration: the file, then `--deny` (made errors) and `--allow`
/// (turned off), as `check` and `merge` both take them.
///
/// # Errors
/// When the file cannot be read or a rule id is unknown.
pub(crate) fn rule_config(
    file: Option<&std::path::Path>,
    deny: &[String],
    allow: &[String],
) -> anyhow::Result<jixiao::validate::Config> {
    use jixiao::validate::{Config, Level};
    let mut config = match file {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    for id in deny {
        config.set(id, Level::Error)?;
    }
    for id in allow {
        config.set(id, Level::Off)?;
    }
    Ok(config)
}

/// Refuses an output name whose extension says another format than the one written
/// (`merge -o 汇总.csv` would write a workbook a clerk cannot open as CSV).
///
/// # Errors
/// When the extension is not one of `allowed`.
pub(crate) fn require_extension(path: &std::path::Path, allowed: &[&str]) -> anyhow::Result<()> {
    if path.as_os_str() == "-" {
        return Ok(());
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !allowed.contains(&ext.as_str()) {
        anyhow::bail!(
            "输出文件 {} 的扩展名应为 .{}（写出的是 {} 格式）",
            path.display(),
            allowed[0],
            allowed[0]
        );
    }
    Ok(())
}

/// The template and title parts the layout options ask for.
///
/// # Errors
/// When the template file cannot be read or is not a layout.
pub(crate) fn layout_parts(
    args: &crate::cli::LayoutArgs,
) -> anyhow::Result<(jixiao::template::Template, jixiao::template::TitleParts)> {
    layout_for(args, None)
}

/// As [`layout_parts`], for a stage's table: the embedded layout of `stage`, or the
/// `--template` file, which must then be a layout of that stage.
///
/// # Errors
/// When the template file cannot be read, is not a layout, or is another stage's.
pub(crate) fn layout_for(
    args: &crate::cli::LayoutArgs,
    stage: Option<jixiao::template::Stage>,
) -> anyhow::Result<(jixiao::template::Template, jixiao::template::TitleParts)> {
    use jixiao::template::Template;
    let template = match (&args.template, stage) {
        (Some(path), _) => Template::from_file(path)?,
        (None, Some(stage)) => Template::for_stage(stage),
        (None, None) => Template::default(),
    };
    if let Some(stage) = stage
        && template.stage() != stage
    {
        anyhow::bail!(
            "版式文件 {} 是{}表的版式，不能用来写{}表",
            args.template
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            template.stage().name(),
            stage.name()
        );
    }
    let parts = jixiao::template::TitleParts {
        region: args.region.clone(),
        year: args.year,
        table_label: args.table_label.clone(),
    };
    Ok((template, parts))
}

/// A progress bar on stderr for batches, drawn only when stderr is a terminal.
pub(crate) fn progress_bar(len: usize) -> indicatif::ProgressBar {
    progress_bar_for(len, "读取", "个文件")
}

/// A progress bar for `len` steps of `what` (读取 files, 写出 workbooks).
pub(crate) fn progress_bar_for(len: usize, what: &str, unit: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len as u64);
    if len < 20 || crate::term::quiet() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{spinner}} {what} {{pos}}/{{len}} {unit} [{{bar:30}}] {{elapsed}}"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}
