//! `jixiao split`: one workbook per project, in the official layout.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rayon::prelude::*;

use crate::cli::SplitArgs;
use crate::commands::output::{Durability, refuse_inputs, write_atomically_as};
use crate::commands::{EXIT_FINDINGS, layout_parts, progress_bar};
use jixiao::shelf::{Shelf, Span};
use jixiao::write::{self, Layout};

/// Runs `split`: every project to `DIR/主管部门-二级项目名称.xlsx`. Exit status 1 when
/// a file was refused (the others are still written).
///
/// # Errors
/// When the directory cannot be made, a target exists without `--force`, or a write fails.
pub fn run(args: &SplitArgs, limits: &jixiao::read::Limits) -> anyhow::Result<i32> {
    let mut walked = jixiao::inputs(&args.paths);
    for line in walked.notes() {
        note!("{line}");
    }
    let inputs = walked.paths();
    let (template, parts) = layout_parts(&args.layout)?;
    // Each table is set aside whole on disk as it is read: a province's batch holds
    // only the names it will be written under and where each table lies.
    let mut shelf = Shelf::new().context("无法创建临时文件")?;
    let mut names = jixiao::write::FileNames::default();
    let mut targets: Vec<(Span, String)> = Vec::new();
    let mut diagnostics = std::mem::take(&mut walked.diagnostics);
    let mut shelved = Ok(());
    let bar = progress_bar(walked.files.len());
    jixiao::for_each_file(
        &walked.files,
        limits,
        |_| bar.inc(1),
        |projects, found| {
            let packed: Vec<_> = projects
                .iter()
                .map(|p| (jixiao::batch::split_stem(p), Shelf::pack_whole(p)))
                .collect();
            (packed, found)
        },
        |(packed, found)| {
            diagnostics.extend(found);
            for (wanted, bytes) in packed {
                if shelved.is_ok() {
                    match shelf.put_whole(&bytes) {
                        Ok(span) => targets.push((span, names.unique(&wanted, "xlsx"))),
                        Err(e) => shelved = Err(e),
                    }
                }
            }
        },
    );
    bar.finish_and_clear();
    shelved.context("写入临时文件失败")?;
    let tables = shelf.sealed().context("写入临时文件失败")?;
    for d in &diagnostics {
        note!("{}", crate::term::finding(d, crate::term::Stream::Stderr));
    }
    if targets.is_empty() {
        note!("未找到任何绩效目标表，未创建 {}", args.output.display());
        return Ok(EXIT_FINDINGS);
    }
    let layout = Layout::new(&template, &parts);
    let written = write_each(&args.output, args.force, &inputs, targets, |span| {
        let p = tables.whole(*span).context("读回临时文件失败")?;
        write::project_workbook(&p, &layout).context("生成工作簿失败")
    })?;
    info!("已写出 {written} 个工作簿到 {}", args.output.display());
    Ok(super::exit_status(&diagnostics))
}

/// Writes one workbook per project into `dir` (made when missing) under the names
/// given, each atomically; `make` gives a project's bytes from what stands for it (the
/// project, or where it was set aside). Refuses, before writing anything, a target that
/// is one of the inputs or (without `force`) exists already. Returns how many were
/// written.
///
/// # Errors
/// When the directory cannot be made, a target is refused, or a write fails.
pub(crate) fn write_each<T: Sync>(
    dir: &Path,
    force: bool,
    inputs: &[PathBuf],
    projects: Vec<(T, String)>,
    make: impl Fn(&T) -> anyhow::Result<Vec<u8>> + Sync,
) -> anyhow::Result<usize> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    let targets: Vec<_> = projects
        .into_iter()
        .map(|(p, name)| (p, dir.join(name)))
        .collect();
    // Refuse before writing anything, so a refused run changes nothing.
    refuse_inputs(targets.iter().map(|(_, path)| path.as_path()), inputs)?;
    if !force && let Some((_, path)) = targets.iter().find(|(_, path)| path.exists()) {
        bail!("输出文件 {} 已存在；如需覆盖，请加 --force", path.display());
    }
    let bar = super::progress_bar_for(targets.len(), "写出", "个工作簿");
    targets
        .par_iter()
        .try_for_each(|(p, path)| -> anyhow::Result<()> {
            let bytes = make(p)?;
            write_atomically_as(path, force, Durability::Renamed, |w| w.write_all(&bytes))?;
            bar.inc(1);
            Ok(())
        })?;
    bar.finish_and_clear();
    Ok(targets.len())
}
