//! `jixiao template`: a blank form for departments to fill, of any stage's table.

use std::path::PathBuf;

use anyhow::Context;

use crate::cli::{StageArg, TemplateArgs};
use crate::commands::{EXIT_OK, Output, layout_for};
use jixiao::template::Stage;
use jixiao::write::{Layout, form};

/// The stage `--stage` names.
pub(crate) fn stage_of(arg: StageArg) -> Stage {
    match arg {
        StageArg::Shenbao => Stage::Shenbao,
        StageArg::Pifu => Stage::Pifu,
        StageArg::Jiankong => Stage::Jiankong,
        StageArg::Ziping => Stage::Ziping,
    }
}

/// Runs `template`: without `--stage` (and without a stage's `--template`), the form
/// of the official layout titled 申报表, as before stages had layouts of their own.
///
/// # Errors
/// When the output exists without `--force` or cannot be written, or the layout file
/// cannot be read or is another stage's.
pub fn run(args: &TemplateArgs) -> anyhow::Result<i32> {
    let stage = args.stage.map(stage_of);
    let (template, parts) = layout_for(&args.layout, stage)?;
    let output = args.output.clone().unwrap_or_else(|| {
        let name = match (stage, template.form.is_some()) {
            (None, false) => "项目支出绩效目标表".to_string(),
            _ => template.title_fallback.clone(),
        };
        PathBuf::from(format!("{name}（空白）.xlsx"))
    });
    let output_to = Output::new(Some(&output), args.force, &[])?;
    let layout = Layout::new(&template, &parts);
    let bytes = if template.form.is_some() {
        jixiao::write::stage_form(&layout)
    } else {
        form::blank_form_for(&layout, stage == Some(Stage::Pifu))
    }
    .context("生成模板失败")?;
    output_to.write(|w| w.write_all(&bytes))?;
    info!("已写出空白模板：{}", output.display());
    Ok(EXIT_OK)
}
