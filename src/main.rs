//! The `jixiao` binary: parse the command line, run, print the error chain, exit.

use clap::Parser;

fn main() {
    let cli = jixiao::cli::Cli::parse();
    let code = match jixiao::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`jixiao extract … | head`) is not worth a message.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                std::process::exit(jixiao::commands::EXIT_OK);
            }
            eprintln!("错误：{err}");
            for cause in err.chain().skip(1) {
                eprintln!("原因：{cause}");
            }
            jixiao::commands::EXIT_FAILURE
        }
    };
    std::process::exit(code);
}
