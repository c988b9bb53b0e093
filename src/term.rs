//! The terminal: whether status lines and progress are shown (`--quiet`) and whether
//! findings are coloured (`--color`, `NO_COLOR`). Set once from the command line,
//! read by every command.

use std::io::IsTerminal;
use std::sync::OnceLock;

use crate::cli::ColorChoice;
use jixiao::model::{Diagnostic, Severity};

/// `--quiet` and `--color`, as the command line gave them.
static CHOSEN: OnceLock<(bool, ColorChoice)> = OnceLock::new();

/// Where a line is printed: colour is decided for each stream apart, as a pipe on one
/// and a terminal on the other is ordinary (`jixiao check … > 问题.txt`).
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Records `--quiet` and `--color` for the run.
pub fn set(quiet: bool, color: ColorChoice) {
    let _ = CHOSEN.set((quiet, color));
}

/// `--quiet`: progress and status lines are not shown; findings and errors are.
pub fn quiet() -> bool {
    CHOSEN.get().is_some_and(|&(quiet, _)| quiet)
}

/// Whether lines on `stream` are coloured: `--color always|never`, or by default when
/// the stream is a terminal and `NO_COLOR` is not set to a non-empty value.
pub fn colored(stream: Stream) -> bool {
    match CHOSEN.get().map_or(ColorChoice::Auto, |&(_, color)| color) {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            !no_color
                && match stream {
                    Stream::Stdout => std::io::stdout().is_terminal(),
                    Stream::Stderr => std::io::stderr().is_terminal(),
                }
        }
    }
}

/// A finding on one line, its severity coloured when `stream` is (errors red,
/// warnings yellow).
pub fn finding(d: &Diagnostic, stream: Stream) -> String {
    if colored(stream) {
        jixiao::report::concise_with(d, paint)
    } else {
        jixiao::report::concise(d)
    }
}

/// `错误：` before a failure's message, red when stderr is coloured.
pub fn error_prefix() -> &'static str {
    if colored(Stream::Stderr) {
        "\x1b[1;31m错误\x1b[0m："
    } else {
        "错误："
    }
}

fn paint(severity: Severity, word: &str) -> String {
    let code = match severity {
        Severity::Error => "1;31",
        Severity::Warning => "33",
    };
    format!("\x1b[{code}m{word}\x1b[0m")
}
