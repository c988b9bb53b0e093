//! `jixiao template`: a blank official form for departments to fill.

use anyhow::Context;

use crate::cli::TemplateArgs;
use crate::commands::{EXIT_OK, Output, layout_parts};
use crate::write::{Layout, form};

/// Runs `template`.
///
/// # Errors
/// When the output exists without `--force` or cannot be written.
pub fn run(args: &TemplateArgs) -> anyhow::Result<i32> {
    let output = Output::new(Some(&args.output), args.force, &[])?;
    let (template, parts) = layout_parts(&args.layout)?;
    let bytes = form::blank_form(&Layout::new(&template, &parts)).context("生成模板失败")?;
    output.write(|w| w.write_all(&bytes))?;
    note!("已写出空白模板：{}", args.output.display());
    Ok(EXIT_OK)
}
