//! Rules on a filled 项目支出绩效自评表 (a table whose title says 自评): `score-mismatch`,
//! `missing-deviation-reason`, `actual-missing`, `execution-rate`, `qualitative-band`.
//! The scores are [`crate::score`]'s.

use rust_decimal::Decimal;

use super::{Config, Finding};
use crate::model::Project;
use crate::rule::Rule;
use crate::score::{self, Reverse};

/// True for a table these rules are for.
pub(crate) fn is_self_evaluation(p: &Project) -> bool {
    p.stage.as_deref() == Some("自评")
}

fn pct(rate: Decimal) -> String {
    format!("{}%", (rate * Decimal::from(100)).round_dp(2).normalize())
}

fn n(d: Decimal) -> String {
    d.round_dp(2).normalize().to_string()
}

/// Every 自评 rule on one table.
pub(crate) fn check(p: &Project, config: &Config) -> Vec<Finding> {
    if !is_self_evaluation(p) {
        return Vec::new();
    }
    let scored = score::score_project(p, Reverse::default());
    let tolerance = config.tolerance("score-mismatch");
    let mut out = Vec::new();
    // 预算执行率.
    if let Some(rate) = scored.rate {
        let line = match config.tolerance("execution-rate") {
            t if t.is_zero() => Decimal::new(90, 2),
            t => t,
        };
        if rate < line {
            out.push(Finding::new(
                Rule::ExecutionRate,
                p.cells
                    .get("execution.executed")
                    .or_else(|| p.cells.get("execution.rate"))
                    .map(String::as_str),
                format!("预算执行率 {}，低于 {}", pct(rate), pct(line)),
            ));
        }
        if let (Some(right), Some(written)) = (scored.execution_score, scored.execution_written)
            && (written - right).abs() > tolerance
        {
            out.push(Finding::new(
                Rule::ScoreMismatch,
                p.cells.get("execution.score").map(String::as_str),
                format!(
                    "预算执行率的得分写为 {}，按执行率 {} × 分值 {} 应为 {}",
                    n(written),
                    pct(rate),
                    n(scored.execution_weight),
                    n(right)
                ),
            ));
        }
    }
    for (i, s) in p.indicators.iter().zip(&scored.indicators) {
        let row = i.cell.as_str();
        let at = |c: &Option<String>| c.clone().unwrap_or_else(|| row.to_string());
        let name = &i.name;
        if s.why_not.as_deref() == Some("没有填写实际完成值") {
            out.push(Finding {
                rule: Rule::ActualMissing,
                cell: Some(at(&i.cells.actual)),
                message: format!("指标“{name}”（指标值 {}）没有填写实际完成值", i.value.text),
            });
            continue;
        }
        if let (Some(right), Some(written)) = (s.computed, s.written)
            && (written - right).abs() > tolerance
        {
            out.push(Finding {
                rule: Rule::ScoreMismatch,
                cell: Some(at(&i.cells.score)),
                message: format!(
                    "指标“{name}”的得分写为 {}，按指标值 {}、实际完成值 {}、分值 {} 应为 {}",
                    n(written),
                    i.value.text,
                    i.actual.as_deref().unwrap_or_default(),
                    s.weight.map(n).unwrap_or_default(),
                    n(right)
                ),
            });
        }
        if let (Some(band), Some(written), Some(w)) = (s.band, s.written, s.weight) {
            let (low, high) = band.range();
            if written < low * w || written > high * w {
                out.push(Finding {
                    rule: Rule::QualitativeBand,
                    cell: Some(at(&i.cells.score)),
                    message: format!(
                        "定性指标“{name}”实际完成值为“{}”（{}），得分应在 {}–{} 之间，写为 {}",
                        i.actual.as_deref().unwrap_or_default(),
                        band.name(),
                        n(low * w),
                        n(high * w),
                        n(written)
                    ),
                });
            }
        }
        let reason = i.deviation.as_deref().map(str::trim).unwrap_or_default();
        if s.met == Some(false) && (reason.is_empty() || crate::value::is_placeholder(reason)) {
            out.push(Finding {
                rule: Rule::MissingDeviationReason,
                cell: Some(at(&i.cells.deviation)),
                message: format!(
                    "指标“{name}”未完成（指标值 {}，实际完成值 {}），没有填写偏差原因分析及改进措施",
                    i.value.text,
                    i.actual.as_deref().unwrap_or_default()
                ),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::testing::{clean, push, rules};

    fn self_evaluation() -> Project {
        let mut p = clean();
        p.indicators.clear();
        p.stage = Some("自评".into());
        p.execution = Some(Box::new(crate::model::Execution {
            budget: Some(Decimal::from(100)),
            executed: Some(Decimal::from(80)),
            score: Some("8".into()),
            ..Default::default()
        }));
        p
    }

    fn with(p: &mut Project, value: &str, actual: &str, score: &str, reason: &str) {
        push(p, "产出指标", "数量指标", "指标", value);
        let i = p.indicators.last_mut().expect("pushed");
        i.weight = Some(Decimal::from(10));
        i.actual = (!actual.is_empty()).then(|| actual.to_string());
        i.score = (!score.is_empty()).then(|| score.to_string());
        i.deviation = (!reason.is_empty()).then(|| reason.to_string());
    }

    #[test]
    fn each_rule_fires_where_it_should_and_nowhere_else() {
        let config = Config::default();
        let mut p = self_evaluation();
        with(&mut p, "≥10次", "10次", "10", "");
        assert_eq!(rules(&check(&p, &config)), vec!["execution-rate"]);

        let mut p = self_evaluation();
        with(&mut p, "≥10次", "8次", "8", "");
        assert_eq!(
            rules(&check(&p, &config)),
            vec!["execution-rate", "missing-deviation-reason"]
        );

        let mut p = self_evaluation();
        with(&mut p, "≥10次", "8次", "10", "天气原因延期");
        assert_eq!(
            rules(&check(&p, &config)),
            vec!["execution-rate", "score-mismatch"]
        );

        let mut p = self_evaluation();
        with(&mut p, "≥10次", "", "", "");
        assert_eq!(
            rules(&check(&p, &config)),
            vec!["execution-rate", "actual-missing"]
        );

        let mut p = self_evaluation();
        with(&mut p, "有效", "部分达成", "9", "宣传不足");
        assert_eq!(
            rules(&check(&p, &config)),
            vec!["execution-rate", "qualitative-band"]
        );

        // Not a 自评表: none of these apply.
        let mut p = self_evaluation();
        p.stage = Some("批复".into());
        with(&mut p, "≥10次", "", "", "");
        assert!(check(&p, &config).is_empty());
    }
}
