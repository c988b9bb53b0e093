//! `jixiao merge`: the consolidated workbook — 汇总, one sheet per 主管部门, 问题清单.

use anyhow::Context;

use crate::cli::MergeArgs;
use crate::commands::{EXIT_FINDINGS, Output, layout_parts, progress_bar};
use jixiao::rule::Rule;
use jixiao::write::{self, Layout};

/// Runs `merge`; findings go to stderr and into 问题清单. Exit status 1 when any
/// finding is an error (the workbook is still written).
///
/// # Errors
/// When the output cannot be written or the layout or configuration is invalid.
pub fn run(args: &MergeArgs, limits: &jixiao::read::Limits) -> anyhow::Result<i32> {
    let walked = jixiao::inputs(&args.paths);
    for line in walked.notes() {
        note!("{line}");
    }
    super::require_extension(&args.output, &["xlsx"])?;
    let mut inputs = walked.paths();
    inputs.extend(args.budget.iter().cloned());
    let output = Output::new(Some(&args.output), args.force, &inputs)?;
    let (template, parts) = layout_parts(&args.layout)?;
    let config = super::rule_config(args.config.as_deref(), &args.deny, &args.allow)?;
    let expected = args
        .expect
        .as_deref()
        .map(|path| jixiao::season::read_expected(path, limits))
        .transpose()?;
    let budget = args
        .budget
        .as_deref()
        .map(|path| jixiao::budget::read_list(path, limits))
        .transpose()?;
    let files = walked.files.len();
    let bar = progress_bar(files);
    // Which version of a resubmitted project counts goes by when each file was changed.
    // Each table's indicators wait on disk until its sheet is written, so a province's
    // batch does not have to fit in memory.
    let mut shelf = jixiao::shelf::Shelf::new().context("无法创建临时文件")?;
    let checked = jixiao::batch::check_walked(
        walked,
        limits,
        &config,
        args.prefer.into(),
        jixiao::batch::Keep::Heads(&mut shelf),
        |_| bar.inc(1),
    )
    .context("写入临时文件失败")?;
    bar.finish_and_clear();
    let tables = shelf.sealed().context("写入临时文件失败")?;
    let mut merged = jixiao::batch::merge(checked);
    // The budget is compared with the versions that count.
    let reconciliation = budget
        .as_ref()
        .map(|list| jixiao::budget::reconcile(list, &merged.keys, &config));
    if let Some(r) = &reconciliation {
        merged.diagnostics.extend(r.diagnostics.iter().cloned());
    }
    // The writer takes the projects, to let each go once its sheet is written.
    let batch = std::mem::take(&mut merged.projects);
    let projects = &batch;
    let jixiao::batch::Merged {
        superseded,
        prefer,
        diagnostics,
        ..
    } = &merged;
    for d in diagnostics {
        note!("{}", crate::term::finding(d, crate::term::Stream::Stderr));
    }
    // No table at all: an empty 汇总 would look like a result.
    if projects.is_empty() {
        note!(
            "未找到任何绩效目标表（读取了 {files} 个文件），未写出 {}",
            args.output.display()
        );
        return Ok(EXIT_FINDINGS);
    }
    let layout = Layout::new(&template, &parts);
    let submissions = expected
        .as_deref()
        .map(|e| jixiao::season::submissions(e, &jixiao::season::found_in(projects), diagnostics));
    // Writing a province's batch takes a while: say so.
    let spinner = indicatif::ProgressBar::new_spinner();
    if projects.len() < 200 || crate::term::quiet() {
        spinner.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    spinner.set_message(format!("正在写出汇总工作簿（{} 个项目）", projects.len()));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let total = jixiao::aggregate::grand_total(projects);
    let (mut book, continued) = write::merged_book(
        batch,
        superseded,
        *prefer,
        diagnostics,
        submissions.as_deref(),
        reconciliation.as_ref(),
        &layout,
        &tables,
        write::MAX_ROWS,
    )
    .context("生成汇总工作簿失败")?;
    // Saved straight into the output's temporary file: a province's workbook is tens
    // of megabytes, not to be held whole in memory as well.
    output.write_send(|w| book.save_to_writer(w).map_err(std::io::Error::other))?;
    spinner.finish_and_clear();
    // A sheet past Excel's row limit went on on another: say where.
    for c in &continued {
        note!("{}：{}", args.output.display(), c.describe(write::MAX_ROWS));
    }
    // Files left out as jixiao's own outputs were not merged: they are not counted.
    let own = diagnostics
        .iter()
        .filter(|d| d.rule == Rule::OwnOutput)
        .count();
    let skipped = if own > 0 {
        format!("（另有 {own} 个 jixiao 自己的输出未计入）")
    } else {
        String::new()
    };
    info!(
        "已汇总 {} 个文件、{} 个项目，年度资金总额 {} 万元{skipped}：{}",
        files - own,
        total.projects,
        jixiao::value::money(total.total),
        args.output.display()
    );
    if let Some(r) = &reconciliation {
        for line in jixiao::budget::summary_lines(r) {
            note!("{line}");
        }
    }
    if let Some(subs) = &submissions {
        for line in jixiao::season::summary_lines(subs) {
            note!("{line}");
        }
    }
    Ok(super::exit_status(diagnostics))
}
