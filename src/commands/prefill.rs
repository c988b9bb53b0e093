//! `jixiao prefill`: the approved targets carried forward into each project's 自评表 or
//! 监控表, so a department fills in only what happened (全年执行数, 实际完成值, 偏差原因).

use anyhow::Context;

use crate::cli::{PrefillArgs, PrefillStage, ReverseRule};
use crate::commands::split::write_each;
use crate::commands::{EXIT_FINDINGS, layout_for, read_inputs};
use jixiao::model::{Execution, Indicator, Project};
use jixiao::score::{self, Reverse};
use jixiao::template::Stage;
use jixiao::write::{self, Layout};

/// What a table of `stage` starts from, carried forward from `p` (a 批复表, or a 申报表
/// with its 分值): the header, the funds as 年初预算数 (and 全年预算数), the goal as 预期目标
/// and every indicator with its 指标值. A 自评表's indicators get their 分值: the ones `p`
/// gives, else 10号's weights spread by [`score::default_weights`]; 预算执行率 gets 10.
/// What was done (实际完成值, 得分, 偏差原因, execution) is never carried.
pub fn carry_forward(p: &Project, stage: Stage) -> Project {
    let mut indicators: Vec<Indicator> = p
        .indicators
        .iter()
        .map(|i| Indicator {
            note: i.note.clone(),
            nature: i.nature.clone(),
            direction: i.direction.clone(),
            weight: i.weight,
            scoring: i.scoring.clone(),
            ..Indicator::new(&i.level1, &i.level2, &i.name, i.value.clone())
        })
        .collect();
    let mut execution = None;
    if stage == Stage::Ziping {
        for (i, w) in indicators
            .iter_mut()
            .zip(score::default_weights(&p.indicators))
        {
            i.weight = w;
        }
        execution = Some(Box::new(Execution {
            weight: Some(
                p.execution
                    .as_ref()
                    .and_then(|e| e.weight)
                    .unwrap_or(score::EXECUTION_WEIGHT),
            ),
            ..Execution::default()
        }));
    }
    Project {
        source: p.source.clone(),
        title: p.title.clone(),
        stage: Some(stage.name().to_string()),
        year: p.year,
        level1_project: p.level1_project.clone(),
        level2_project: p.level2_project.clone(),
        department: p.department.clone(),
        implementer: p.implementer.clone(),
        unit: p.unit.clone(),
        source_unit: p.source_unit.clone(),
        funds: p.funds.clone(),
        execution,
        goal: p.goal.clone(),
        goal_period: p.goal_period.clone(),
        goal_actual: None,
        indicators,
        cells: Default::default(),
    }
}

/// Runs `prefill`: every project read to `DIR/主管部门-二级项目名称.xlsx`, named as
/// `split` names them. Exit status 1 when a file was refused (the others are written).
///
/// # Errors
/// When the layout cannot be read, the directory cannot be made, a target exists
/// without `--force`, or a write fails.
pub fn run(args: &PrefillArgs, limits: &jixiao::read::Limits) -> anyhow::Result<i32> {
    let stage = match args.stage {
        PrefillStage::Ziping => Stage::Ziping,
        PrefillStage::Jiankong => Stage::Jiankong,
    };
    let reverse = match args.reverse {
        ReverseRule::Ratio => Reverse::Ratio,
        ReverseRule::Linear => Reverse::Linear,
    };
    let walked = jixiao::inputs(&args.paths);
    for line in walked.notes() {
        note!("{line}");
    }
    let inputs = walked.paths();
    let (template, parts) = layout_for(&args.layout, Some(stage))?;
    let (_, extraction) = read_inputs(walked, limits);
    for d in &extraction.diagnostics {
        note!("{}", crate::term::finding(d, crate::term::Stream::Stderr));
    }
    if extraction.projects.is_empty() {
        note!("未找到任何绩效目标表，未创建 {}", args.output.display());
        return Ok(EXIT_FINDINGS);
    }
    let carried: Vec<Project> = extraction
        .projects
        .iter()
        .map(|p| carry_forward(p, stage))
        .collect();
    let later = extraction
        .projects
        .iter()
        .filter(|p| matches!(p.stage.as_deref(), Some("监控" | "自评")))
        .count();
    if later > 0 {
        note!("其中 {later} 张表本身是监控表或自评表：只带入了其中的指标值，未带入完成情况");
    }
    let names = jixiao::batch::split_names(&extraction.projects);
    let layout = Layout::new(&template, &parts);
    let written = write_each(
        &args.output,
        args.force,
        &inputs,
        carried.iter().zip(names).collect(),
        |p| write::prefilled_workbook(p, &layout, reverse).context("生成工作簿失败"),
    )?;
    info!(
        "已预填 {written} 张{}表到 {}",
        stage.name(),
        args.output.display()
    );
    Ok(super::exit_status(&extraction.diagnostics))
}
