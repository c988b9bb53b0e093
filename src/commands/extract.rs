//! `jixiao extract`: every table of every workbook as JSON or CSV.
//!
//! The document is written as files are read, a batch at a time, so memory stays flat
//! and the serialising runs on every core.

use std::io::{self, Write};

use crate::cli::{ExtractArgs, Format};
use crate::commands::{Output, progress_bar};
use jixiao::model::Diagnostic;
use jixiao::report::{self, JsonDocument};

/// Runs `extract`; findings go to stderr in the concise form and into the JSON.
///
/// # Errors
/// When the output cannot be written.
pub fn run(args: &ExtractArgs, limits: &jixiao::read::Limits) -> anyhow::Result<i32> {
    let walked = jixiao::inputs(&args.paths);
    for line in walked.notes() {
        note!("{line}");
    }
    let output = Output::new(args.output.as_deref(), args.force, &walked.paths())?;
    let bar = progress_bar(walked.files.len());
    let mut diagnostics: Vec<Diagnostic> = walked.diagnostics.clone();
    for d in &diagnostics {
        note!("{}", crate::term::finding(d, crate::term::Stream::Stderr));
    }
    output.write(|w| {
        // A concrete buffer in front of the `dyn Write`: many small writes, inlined.
        let mut w = io::BufWriter::with_capacity(1 << 16, w);
        let mut kept = |file_diagnostics: Vec<Diagnostic>| {
            for d in &file_diagnostics {
                bar.suspend(|| note!("{}", crate::term::finding(d, crate::term::Stream::Stderr)));
            }
            diagnostics.extend(file_diagnostics);
        };
        match args.format {
            Format::Json => {
                let mut doc = JsonDocument::new(&mut w)?;
                let mut failed = None;
                jixiao::for_each_file(
                    &walked.files,
                    limits,
                    |_| bar.inc(1),
                    |projects, d| {
                        (
                            projects
                                .iter()
                                .map(report::project_json)
                                .collect::<Result<Vec<_>, _>>(),
                            d,
                        )
                    },
                    |(json, d)| {
                        match json {
                            Ok(json) => {
                                for p in json {
                                    if let Err(e) = doc.project(&p) {
                                        failed.get_or_insert(e);
                                    }
                                }
                            }
                            Err(e) => {
                                failed.get_or_insert(e.into());
                            }
                        }
                        kept(d);
                    },
                );
                if let Some(e) = failed {
                    return Err(e);
                }
                doc.finish(&diagnostics)?;
            }
            Format::Csv => {
                report::write_csv_header(&mut w).map_err(io::Error::other)?;
                let mut failed = None;
                jixiao::for_each_file(
                    &walked.files,
                    limits,
                    |_| bar.inc(1),
                    |projects, d| (report::csv_rows(&projects, !args.csv_raw), d),
                    |(rows, d)| {
                        if let Err(e) = rows
                            .map_err(io::Error::other)
                            .and_then(|rows| w.write_all(&rows))
                        {
                            failed.get_or_insert(e);
                        }
                        kept(d);
                    },
                );
                if let Some(e) = failed {
                    return Err(e);
                }
            }
        }
        w.flush()
    })?;
    bar.finish_and_clear();
    Ok(super::exit_status(&diagnostics))
}
