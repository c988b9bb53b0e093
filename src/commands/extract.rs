//! `jixiao extract`: every table of every workbook as JSON or CSV.

use std::io::Write as _;

use crate::cli::{ExtractArgs, Format};
use crate::commands::{EXIT_FINDINGS, EXIT_OK, Output, read_inputs};
use crate::report;

/// Runs `extract`; findings go to stderr in the concise form and into the JSON.
///
/// # Errors
/// When the output cannot be written.
pub fn run(args: &ExtractArgs, limits: &crate::read::Limits) -> anyhow::Result<i32> {
    let walked = crate::inputs(&args.paths);
    let output = Output::new(args.output.as_deref(), args.force, &walked.paths())?;
    let (_, extraction) = read_inputs(walked, limits);
    for d in &extraction.diagnostics {
        eprintln!("{}", report::concise(d));
    }
    output.write(|w| match args.format {
        Format::Json => {
            // A concrete buffer in front of the `dyn Write`, so the serializer's many
            // small writes are inlined copies rather than dynamic calls.
            let mut buf = std::io::BufWriter::with_capacity(1 << 16, w);
            serde_json::to_writer_pretty(&mut buf, &extraction)?;
            writeln!(buf)?;
            buf.flush()
        }
        Format::Csv => report::write_csv(&extraction.projects, w),
    })?;
    Ok(if extraction.has_errors() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
