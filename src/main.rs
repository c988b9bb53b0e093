//! The `jixiao` binary: parse the command line, run, print the error chain, exit.
//!
//! The command line (`cli`, `help`) and one module per subcommand (`commands`) live
//! here, beside the binary; everything they call is the `jixiao` library.

/// Prints a line to stderr. A closed stderr (`jixiao merge … 2>&1 | head -1`) is no
/// reason to stop: the work goes on and the output file is still written.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// A status line to stderr (what was written, how much was read), left out under
/// `--quiet`; findings and errors use [`note!`] and are always shown.
macro_rules! info {
    ($($arg:tt)*) => {{
        if !crate::term::quiet() {
            note!($($arg)*);
        }
    }};
}

mod cli;
mod commands;
mod help;
mod term;

/// A line to stderr, ignoring a closed stderr.
fn say(line: std::fmt::Arguments) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn main() {
    // A parser's panic on a damaged file is caught and reported as a finding about that
    // file; the default hook would also print a Rust backtrace notice users cannot use.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = match help::parse(std::env::args_os()) {
        help::Parsed::Run(cli) => *cli,
        help::Parsed::Exit {
            text,
            status,
            stdout,
        } => {
            use std::io::Write;
            let _ = if stdout {
                write!(std::io::stdout().lock(), "{text}")
            } else {
                write!(std::io::stderr().lock(), "{text}")
            };
            std::process::exit(status);
        }
    };
    let result = std::panic::catch_unwind(|| commands::run(cli));
    let code = match result {
        Ok(Ok(code)) => code,
        Err(payload) => {
            let what = jixiao::panic_message(payload.as_ref()).unwrap_or("未知");
            say(format_args!(
                "内部错误：{what}（这是 jixiao 的缺陷，请将命令和输入文件报告给开发者）"
            ));
            commands::EXIT_FAILURE
        }
        Ok(Err(err)) => {
            // A closed pipe (`jixiao extract … | head`) is not worth a message.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                std::process::exit(commands::EXIT_OK);
            }
            say(format_args!("{}{err}", term::error_prefix()));
            for cause in err.chain().skip(1) {
                say(format_args!("原因：{cause}"));
            }
            commands::EXIT_FAILURE
        }
    };
    std::process::exit(code);
}
