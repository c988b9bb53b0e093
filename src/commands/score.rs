//! `jixiao score`: a filled 自评表 scored by the rules of 财预〔2020〕10号, beside what
//! the department wrote.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::cli::{CheckFormat, ReverseRule, ScoreArgs};
use crate::commands::{Output, read_inputs};
use jixiao::model::Project;
use jixiao::score::{self, ProjectScore, Reverse};

#[derive(Serialize)]
struct Scored<'a> {
    file: &'a str,
    sheet: &'a str,
    department: Option<&'a str>,
    project: Option<&'a str>,
    #[serde(flatten)]
    score: ProjectScore,
}

fn pct(rate: Decimal) -> String {
    format!("{}%", (rate * Decimal::from(100)).round_dp(2).normalize())
}

fn n(d: Decimal) -> String {
    d.round_dp(2).normalize().to_string()
}

/// One project's line: 执行率, the indicators' part, 总分 and grade.
fn line(p: &Project, s: &ProjectScore) -> String {
    let indicators: Decimal = s.indicators.iter().map(|i| i.counted()).sum();
    let weights: Decimal = s.indicators.iter().filter_map(|i| i.weight).sum();
    let rate = s.rate.map_or(
        "无法计算（缺全年预算数或全年执行数）".to_string(),
        |r| {
            format!(
                "{}（得分 {}/{}）",
                pct(r),
                n(s.execution_score.unwrap_or_default()),
                n(s.execution_weight)
            )
        },
    );
    format!(
        "{}:{}: {}（{}）：预算执行率 {rate}，指标得分 {}/{}，总分 {}，{}",
        p.source.file,
        p.source.sheet,
        // A name wrapped in its cell is one name on one line.
        p.level2_project
            .as_deref()
            .unwrap_or("未填项目名称")
            .replace('\n', ""),
        p.department
            .as_deref()
            .unwrap_or("未填主管部门")
            .replace('\n', ""),
        n(indicators),
        n(weights),
        n(s.total),
        s.grade
    )
}

/// Runs `score`: exit status 1 when a finding is an error (a 得分 the rules do not
/// give, a missed target without a reason, …) or a file was refused.
///
/// # Errors
/// When the output cannot be written.
pub fn run(args: &ScoreArgs, limits: &jixiao::read::Limits) -> anyhow::Result<i32> {
    let walked = jixiao::inputs(&args.paths);
    for line in walked.notes() {
        note!("{line}");
    }
    let output = Output::new(args.output.as_deref(), args.force, &walked.paths())?;
    let reverse = match args.reverse {
        ReverseRule::Ratio => Reverse::Ratio,
        ReverseRule::Linear => Reverse::Linear,
    };
    let (_, extraction) = read_inputs(walked, limits);
    let config = jixiao::validate::Config::default();
    let diagnostics = jixiao::validate::check(&extraction, &config);
    let tables: Vec<&Project> = extraction
        .projects
        .iter()
        .filter(|p| p.stage.as_deref() == Some("自评"))
        .collect();
    let others = extraction.projects.len() - tables.len();
    // Only what bears on the scores: the reader's refusals and the 自评 rules.
    let relevant = |d: &&jixiao::model::Diagnostic| {
        use jixiao::rule::Rule::*;
        matches!(
            d.rule,
            UnreadableFile
                | NoTable
                | BadAmount
                | ScoreMismatch
                | MissingDeviationReason
                | ActualMissing
                | ExecutionRate
                | QualitativeBand
        )
    };
    for d in diagnostics.iter().filter(relevant) {
        note!("{}", crate::term::finding(d, crate::term::Stream::Stderr));
    }
    let scored: Vec<Scored> = tables
        .iter()
        .map(|p| Scored {
            file: &p.source.file,
            sheet: &p.source.sheet,
            department: p.department.as_deref(),
            project: p.level2_project.as_deref(),
            score: score::score_project(p, reverse),
        })
        .collect();
    output.write(|w| match args.format {
        CheckFormat::Text => {
            for (p, s) in tables.iter().zip(&scored) {
                writeln!(w, "{}", line(p, &s.score))?;
            }
            Ok(())
        }
        CheckFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, &scored).map_err(std::io::Error::other)?;
            writeln!(w)
        }
    })?;
    if others > 0 {
        note!("另有 {others} 张表不是自评表（标题中没有“自评”），未评分");
    }
    info!("已评分 {} 张自评表", scored.len());
    Ok(super::exit_status(diagnostics.iter().filter(relevant)))
}
