//! Scoring a filled 项目支出绩效自评表 by the rules of 财预〔2020〕10号 (项目支出绩效评价
//! 管理办法), and what a written 得分 may be checked against. Pure functions over the
//! model; exact decimals.
//!
//! The rules, as the document gives them:
//! - Weights: “原则上预算执行率和一级指标权重统一设置为：预算执行率10%、产出指标50%、
//!   效益指标30%、服务对象满意度指标10%” — spread evenly over the indicators under each
//!   一级 where the table gives no 分值 ([`default_weights`]).
//! - 预算执行率 = 全年执行数 ÷ 全年预算数; its 得分 is 执行率 × 分值, never more than the 分值.
//! - Quantitative indicators: “与年初指标值相比，完成指标值的，记该指标所赋全部分值；……
//!   未完成指标值的，按照完成值与指标值的比例记分” — in the indicator's direction: a
//!   正向 target (≥) missed earns 分值 × 完成值 ÷ 指标值; a 反向 target (≤, a cost) exceeded
//!   earns 分值 × 指标值 ÷ 完成值 or, by the linear rule budget systems use, 分值 × (1 −
//!   (完成值 − 指标值) ÷ 指标值), zero at twice the target ([`Reverse`], a setting). A target
//!   of ＝0 is met only by 0.
//! - Qualitative indicators: “根据指标完成情况分为：达成年度指标、部分达成年度指标并具有
//!   一定效果、未达成年度指标且效果较差三档，分别按照该指标对应分值区间100-80%（含）、
//!   80%-60%（含）、60%-0%合理确定分值” — the department grades; the 得分 written must lie
//!   in the band its 实际完成值 names ([`band_of`]).
//! - 总分 is the sum; the grade “90（含）-100分为优、80（含）-90分为良、60（含）-80分为中、
//!   60分以下为差”.
//! - Scores are rounded to two decimals half away from zero (四舍五入), as a spreadsheet's
//!   ROUND does: the formulas `prefill` writes then show what `score` computes.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::{Indicator, Project};
use crate::value::{Op, Value};

/// How a 反向 (≤) indicator past its target is scored: provinces differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reverse {
    /// 分值 × 指标值 ÷ 完成值.
    #[default]
    Ratio,
    /// 分值 × (1 − (完成值 − 指标值) ÷ 指标值), zero at twice the target.
    Linear,
}

/// The weights of 财预〔2020〕10号 for each 一级指标, and of 预算执行率.
pub const EXECUTION_WEIGHT: Decimal = Decimal::from_parts(10, 0, 0, false, 0);

/// The 一级 weight of 10号 for an indicator's 一级指标, by its name.
pub fn level1_weight(level1: &str) -> Option<Decimal> {
    weight_group(level1).map(|(_, w)| w)
}

/// The group of 一级指标 that shares one weight of 10号, and that weight.
///
/// 10号 weighs 产出 50, 效益 30, 满意度 10, with the 成本指标 a 二级 under 产出. The newer
/// framework (财预〔2021〕101号) lifts 成本指标 to a 一级 of its own without touching 10号's
/// weights, so a 成本指标 一级 shares 产出's 50 with it, spread over the indicators of both:
/// the same cost indicators then weigh the same under either framework.
fn weight_group(level1: &str) -> Option<(&'static str, Decimal)> {
    let f = crate::text::fold(level1);
    let (group, w) = if f.contains("产出") || f.contains("成本") {
        ("产出", 50)
    } else if f.contains("效益") {
        ("效益", 30)
    } else if f.contains("满意") {
        ("满意度", 10)
    } else {
        return None;
    };
    Some((group, Decimal::from(w)))
}

/// Two decimals, half away from zero (四舍五入), as ROUND(x, 2) in a spreadsheet.
pub fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// The 分值 of each indicator: as the table gives it, else its 一级's weight spread evenly
/// over the indicators under that 一级 (two decimals, the remainder on the last, so each
/// 一级 sums to its weight exactly). An indicator under an unknown 一级 gets none.
pub fn default_weights(indicators: &[Indicator]) -> Vec<Option<Decimal>> {
    let mut out: Vec<Option<Decimal>> = indicators.iter().map(|i| i.weight).collect();
    if out.iter().all(Option::is_some) {
        return out;
    }
    let group = |i: &Indicator| weight_group(&i.level1);
    let mut groups: indexmap::IndexMap<&'static str, (Decimal, Vec<usize>)> =
        indexmap::IndexMap::new();
    for (k, i) in indicators.iter().enumerate() {
        if i.weight.is_none()
            && let Some((name, weight)) = group(i)
        {
            groups.entry(name).or_insert((weight, Vec::new())).1.push(k);
        }
    }
    for (name, (weight, members)) in groups {
        // What the group's indicators with a 分值 already take.
        let given: Decimal = indicators
            .iter()
            .filter(|i| group(i).is_some_and(|(g, _)| g == name))
            .filter_map(|i| i.weight)
            .sum();
        let left = (weight - given).max(Decimal::ZERO);
        let n = Decimal::from(members.len());
        let each = round2(left / n);
        let mut spent = Decimal::ZERO;
        for (j, &k) in members.iter().enumerate() {
            let w = if j + 1 == members.len() {
                left - spent
            } else {
                each
            };
            spent += w;
            out[k] = Some(w);
        }
    }
    out
}

/// The band of a qualitative grade, as fractions of the 分值.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    /// 达成年度指标: 80–100%.
    Reached,
    /// 部分达成年度指标并具有一定效果: 60–80%.
    Partly,
    /// 未达成年度指标且效果较差: 0–60%.
    Missed,
}

impl Band {
    /// The lowest and highest share of the 分值 the band allows (both inclusive, as the
    /// bands meet at their ends).
    pub fn range(self) -> (Decimal, Decimal) {
        let d = |n: i64| Decimal::new(n, 2);
        match self {
            Band::Reached => (d(80), d(100)),
            Band::Partly => (d(60), d(80)),
            Band::Missed => (d(0), d(60)),
        }
    }

    /// The band's wording in the 自评表 (达成年度指标 …), as a clerk writes the grade.
    pub fn name(self) -> &'static str {
        match self {
            Band::Reached => "达成年度指标",
            Band::Partly => "部分达成年度指标",
            Band::Missed => "未达成年度指标",
        }
    }
}

/// The band a qualitative 实际完成值 names: 未达成…, 部分达成…, or 达成/完成/实现 … (or
/// the 指标值 itself, written again as done).
pub fn band_of(actual: &str, target: &str) -> Option<Band> {
    let a = crate::text::fold(actual);
    if a.contains("未达成") || a.contains("未完成") || a.contains("未实现") || a.contains("较差")
    {
        Some(Band::Missed)
    } else if a.contains("部分") || a.contains("基本") {
        Some(Band::Partly)
    } else if a.contains("达成")
        || a.contains("完成")
        || a.contains("实现")
        || a.contains("达到")
        || a == crate::text::fold(target)
    {
        Some(Band::Reached)
    } else {
        None
    }
}

/// One indicator's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorScore {
    /// The 三级指标.
    pub name: String,
    /// The 分值 the indicator carries: the table's, else its share of its 一级指标's
    /// weight (see [`default_weights`]).
    pub weight: Option<Decimal>,
    /// What the rules give; `None` for a qualitative indicator (graded by the
    /// department) or one whose 实际完成值 is missing or unreadable.
    pub computed: Option<Decimal>,
    /// The 得分 written in the table, where it is a number.
    pub written: Option<Decimal>,
    /// True when the target was met (quantitative: by its direction; qualitative: the
    /// 达成 band).
    pub met: Option<bool>,
    /// The qualitative band the 实际完成值 names.
    pub band: Option<Band>,
    /// Why no score could be computed, in Chinese.
    pub why_not: Option<String>,
}

impl IndicatorScore {
    /// The score counted in the total: the computed one, else (qualitative) the written.
    pub fn counted(&self) -> Decimal {
        self.computed.or(self.written).unwrap_or_default()
    }
}

/// A project's scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectScore {
    /// 执行率 (a fraction, 0.8619 for 86.19%).
    pub rate: Option<Decimal>,
    /// The 分值 of 预算执行率: the table's, else the usual 10.
    pub execution_weight: Decimal,
    /// 预算执行率's 得分 by the rule.
    pub execution_score: Option<Decimal>,
    /// The 得分 of 预算执行率 written in the table.
    pub execution_written: Option<Decimal>,
    /// Each indicator's score, in the grid's order.
    pub indicators: Vec<IndicatorScore>,
    /// 总分 by the rules (qualitative 得分 as written).
    pub total: Decimal,
    /// 优, 良, 中 or 差, from the total (see [`grade`]).
    pub grade: &'static str,
}

/// 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60.
pub fn grade(total: Decimal) -> &'static str {
    if total >= Decimal::from(90) {
        "优"
    } else if total >= Decimal::from(80) {
        "良"
    } else if total >= Decimal::from(60) {
        "中"
    } else {
        "差"
    }
}

/// A number written in a score or rate cell: `8.62`, `86.19%` (as 86.19), `10分`.
pub fn number_in(text: &str) -> Option<Decimal> {
    let v = Value::parse(text);
    v.number
}

/// What a number in unit `from` is multiplied by to be in unit `to`, when the two
/// differ by a magnitude before one base (元 and 万元, 人次 and 万人次, 米 and 千米).
fn unit_scale(from: &str, to: &str) -> Option<Decimal> {
    let split = |u: &str| -> (Decimal, String) {
        for (prefix, k) in [("亿", 100_000_000i64), ("万", 10_000), ("千", 1_000)] {
            if let Some(base) = u.strip_prefix(prefix)
                && !base.is_empty()
            {
                return (Decimal::from(k), base.to_string());
            }
        }
        (Decimal::ONE, u.to_string())
    };
    let ((kf, bf), (kt, bt)) = (split(from), split(to));
    (bf == bt).then(|| kf / kt)
}

/// Scores a 自评表.
pub fn score_project(p: &Project, reverse: Reverse) -> ProjectScore {
    let ex = p.execution.clone().unwrap_or_default();
    let budget = ex.budget.or(ex.initial).or(p.funds.total);
    let execution_weight = ex.weight.unwrap_or(EXECUTION_WEIGHT);
    let rate = match (ex.executed, budget) {
        (Some(done), Some(b)) if !b.is_zero() => Some(done / b),
        _ => None,
    };
    let execution_score =
        rate.map(|r| round2((r * execution_weight).min(execution_weight)).normalize());
    let weights = default_weights(&p.indicators);
    let indicators: Vec<IndicatorScore> = p
        .indicators
        .iter()
        .zip(weights)
        .map(|(i, w)| score_indicator(i, w, reverse))
        .collect();
    let total = execution_score.unwrap_or_default()
        + indicators
            .iter()
            .map(IndicatorScore::counted)
            .sum::<Decimal>();
    let total = round2(total).normalize();
    ProjectScore {
        rate,
        execution_weight,
        execution_score,
        execution_written: ex.score.as_deref().and_then(number_in),
        indicators,
        total,
        grade: grade(total),
    }
}

/// Which way an indicator's target points: from its 指标方向 where the table says, else
/// from its operator; ＝ is 反向 for a cost (成本指标) and 正向 otherwise, ＝0 is met only
/// by 0 (`Op::Eq`). `None` for a qualitative indicator.
pub fn direction(i: &Indicator) -> Option<Op> {
    if let Some(d) = i.direction.as_deref() {
        let d = crate::text::fold(d);
        if d.contains("反向") || d.contains("越小") {
            return Some(Op::Le);
        }
        if d.contains("正向") || d.contains("越大") {
            return Some(Op::Ge);
        }
    }
    match i.value.op? {
        Op::Ge | Op::Gt => Some(Op::Ge),
        Op::Le | Op::Lt => Some(Op::Le),
        Op::Eq if i.value.number.is_some_and(|n| n.is_zero()) => Some(Op::Eq),
        Op::Eq
            if crate::text::fold(&i.level2).contains("成本")
                || crate::text::fold(&i.level1).contains("成本") =>
        {
            Some(Op::Le)
        }
        Op::Eq => Some(Op::Ge),
    }
}

/// One indicator's score under its weight.
pub fn score_indicator(i: &Indicator, weight: Option<Decimal>, reverse: Reverse) -> IndicatorScore {
    let written = i.score.as_deref().and_then(number_in);
    let mut s = IndicatorScore {
        name: i.name.clone(),
        weight,
        computed: None,
        written,
        met: None,
        band: None,
        why_not: None,
    };
    let actual_text = i.actual.as_deref().map(str::trim).unwrap_or_default();
    if actual_text.is_empty() || crate::value::is_placeholder(actual_text) {
        s.why_not = Some("没有填写实际完成值".into());
        return s;
    }
    let Some(w) = weight else {
        s.why_not = Some("没有分值".into());
        return s;
    };
    let target = i.value.number;
    let parsed = Value::parse(actual_text);
    let actual = match (
        parsed.number,
        i.value.unit.as_deref(),
        parsed.unit.as_deref(),
    ) {
        (Some(n), Some(want), Some(got)) if want != got => match unit_scale(got, want) {
            Some(k) => Some(n * k),
            None => {
                s.why_not = Some(format!(
                    "实际完成值的单位“{got}”与指标值的单位“{want}”不同，无法比较"
                ));
                return s;
            }
        },
        (n, _, _) => n,
    };
    let (Some(target), Some(dir)) = (target, direction(i)) else {
        // Qualitative: the department grades within the band its 实际完成值 names.
        s.band = band_of(actual_text, &i.value.text);
        s.met = s.band.map(|b| b == Band::Reached);
        if s.band.is_none() {
            s.why_not = Some(format!("定性指标的实际完成值“{actual_text}”看不出达成档次"));
        }
        return s;
    };
    let Some(actual) = actual else {
        s.why_not = Some(format!(
            "实际完成值“{actual_text}”不是数值，无法与指标值比较"
        ));
        return s;
    };
    let (met, share) = match dir {
        Op::Eq => (
            actual == target,
            if actual == target {
                Decimal::ONE
            } else {
                Decimal::ZERO
            },
        ),
        Op::Le => {
            if actual <= target {
                (true, Decimal::ONE)
            } else if target <= Decimal::ZERO {
                (false, Decimal::ZERO)
            } else {
                let share = match reverse {
                    Reverse::Ratio => target / actual,
                    Reverse::Linear => Decimal::ONE - (actual - target) / target,
                };
                (false, share.max(Decimal::ZERO))
            }
        }
        _ => {
            if actual >= target {
                (true, Decimal::ONE)
            } else if target <= Decimal::ZERO {
                (false, Decimal::ZERO)
            } else {
                (false, (actual / target).max(Decimal::ZERO))
            }
        }
    };
    s.met = Some(met);
    s.computed = Some(round2(w * share).normalize());
    s
}

/// What a group of scored 自评表 add up to: the funds summed, 执行率 of the sums, 总分
/// weighted by each project's 全年预算数, and how many of each grade.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScoreTotals {
    /// 自评表 in the group.
    pub projects: usize,
    /// Σ 全年预算数, in 万元.
    pub budget: Decimal,
    /// Σ 全年执行数, in 万元.
    pub executed: Decimal,
    /// Σ 全年执行数 ÷ Σ 全年预算数.
    pub rate: Option<Decimal>,
    /// Σ (总分 × 全年预算数) ÷ Σ 全年预算数; the plain mean where no budget is known.
    pub total: Option<Decimal>,
    /// 优, 良, 中, 差.
    pub grades: [usize; 4],
}

/// The 全年预算数 a project's score is weighted by: 全年预算数, else 年初预算数, else
/// 年度资金总额.
pub fn budget_of(p: &Project) -> Option<Decimal> {
    let ex = p.execution.as_ref();
    ex.and_then(|e| e.budget)
        .or_else(|| ex.and_then(|e| e.initial))
        .or(p.funds.total)
}

/// The totals of some scored projects.
pub fn totals<'a>(
    scored: impl IntoIterator<Item = (&'a Project, &'a ProjectScore)>,
) -> ScoreTotals {
    let mut t = ScoreTotals::default();
    let mut weighted = Decimal::ZERO;
    let mut plain = Decimal::ZERO;
    for (p, s) in scored {
        t.projects += 1;
        let budget = budget_of(p).unwrap_or_default();
        t.budget = t.budget.saturating_add(budget);
        t.executed = t.executed.saturating_add(
            p.execution
                .as_ref()
                .and_then(|e| e.executed)
                .unwrap_or_default(),
        );
        weighted = weighted.saturating_add(s.total.saturating_mul(budget));
        plain = plain.saturating_add(s.total);
        let g = ["优", "良", "中", "差"]
            .iter()
            .position(|g| *g == s.grade)
            .unwrap_or(3);
        t.grades[g] += 1;
    }
    if t.projects > 0 {
        t.rate = (!t.budget.is_zero()).then(|| t.executed / t.budget);
        t.total = Some(
            round2(if t.budget.is_zero() {
                plain / Decimal::from(t.projects)
            } else {
                weighted / t.budget
            })
            .normalize(),
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(level1: &str, level2: &str, value: &str, actual: &str) -> Indicator {
        let mut i = Indicator::new(level1, level2, "x", Value::parse(value));
        i.actual = Some(actual.to_string());
        i
    }

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn quantitative_indicators_score_by_direction() {
        let w = Some(d("10"));
        // (target, actual, reverse rule, expected score)
        let cases = [
            ("≥100%", "100%", Reverse::Ratio, "10"),
            ("≥100%", "120%", Reverse::Ratio, "10"),
            ("≥95%", "76%", Reverse::Ratio, "8"),
            ("≤2万元", "2万元", Reverse::Ratio, "10"),
            ("≤2万元", "2.5万元", Reverse::Ratio, "8"),
            ("≤2万元", "2.5万元", Reverse::Linear, "7.5"),
            ("≤2万元", "5万元", Reverse::Linear, "0"),
            ("=0起", "0起", Reverse::Ratio, "10"),
            ("=0起", "1起", Reverse::Ratio, "0"),
            ("=4次", "3次", Reverse::Ratio, "7.5"),
        ];
        for (target, actual, reverse, want) in cases {
            let s = score_indicator(&ind("产出指标", "数量指标", target, actual), w, reverse);
            assert_eq!(s.computed, Some(d(want)), "{target} / {actual}");
        }
        // ＝ on a cost is 反向: spending less meets it.
        let s = score_indicator(
            &ind("产出指标", "成本指标", "=6万元", "5万元"),
            w,
            Reverse::Ratio,
        );
        assert_eq!(s.computed, Some(d("10")));
    }

    #[test]
    fn actuals_in_another_magnitude_of_the_unit_are_converted() {
        // 158000元 spent against ≤16万元: 15.8万元, met.
        let s = score_indicator(
            &ind("产出指标", "成本指标", "≤16万元", "158000元"),
            Some(d("10")),
            Reverse::Ratio,
        );
        assert_eq!((s.met, s.computed), (Some(true), Some(d("10"))));
        // 1.2万人次 against ≥10000人次.
        let s = score_indicator(
            &ind("产出指标", "数量指标", "≥10000人次", "1.2万人次"),
            Some(d("10")),
            Reverse::Ratio,
        );
        assert_eq!(s.met, Some(true));
        // Units that do not convert are said, not compared.
        let s = score_indicator(
            &ind("产出指标", "数量指标", "≥10次", "8个"),
            Some(d("10")),
            Reverse::Ratio,
        );
        assert_eq!(s.computed, None);
        assert!(s.why_not.unwrap().contains("单位"));
        // An actual without a unit is in the target's.
        let s = score_indicator(
            &ind("产出指标", "质量指标", "≥95%", "90"),
            Some(d("10")),
            Reverse::Ratio,
        );
        assert_eq!(s.computed, Some(d("9.47")));
    }

    #[test]
    fn qualitative_indicators_are_banded_not_computed() {
        let s = score_indicator(
            &ind("效益指标", "社会效益指标", "有效", "部分达成"),
            Some(d("10")),
            Reverse::Ratio,
        );
        assert_eq!(s.computed, None);
        assert_eq!(s.band, Some(Band::Partly));
        let s = score_indicator(
            &ind("效益指标", "社会效益指标", "有效", "有效"),
            Some(d("10")),
            Reverse::Ratio,
        );
        assert_eq!(s.band, Some(Band::Reached));
        assert_eq!(s.met, Some(true));
    }

    #[test]
    fn weights_spread_evenly_and_sum_exactly() {
        let list = vec![
            ind("产出指标", "数量指标", "≥1", ""),
            ind("产出指标", "质量指标", "≥1", ""),
            ind("产出指标", "时效指标", "≥1", ""),
            ind("效益指标", "社会效益指标", "≥1", ""),
            ind("满意度指标", "服务对象满意度指标", "≥90%", ""),
        ];
        let w: Vec<Decimal> = default_weights(&list).into_iter().flatten().collect();
        assert_eq!(
            w,
            vec![d("16.67"), d("16.67"), d("16.66"), d("30"), d("10")]
        );
        assert_eq!(w.iter().sum::<Decimal>(), d("90"));
        // Under the newer framework 成本指标 is a 一级 of its own: it shares 产出's 50.
        let list = vec![
            ind("产出指标", "数量指标", "≥1", ""),
            ind("成本指标", "经济成本指标", "≤2万元", ""),
            ind("效益指标", "社会效益指标", "≥1", ""),
        ];
        let w: Vec<Decimal> = default_weights(&list).into_iter().flatten().collect();
        assert_eq!(w, vec![d("25"), d("25"), d("30")]);
    }

    #[test]
    fn scores_round_half_away_from_zero_as_spreadsheets_do() {
        assert_eq!(round2(d("12.345")), d("12.35"));
        assert_eq!(round2(d("12.355")), d("12.36"));
        assert_eq!(round2(d("-0.125")), d("-0.13"));
        // 分值 5 × 33 ÷ 200 = 0.825: 0.83 (banker's rounding would give 0.82).
        let s = score_indicator(
            &ind("产出指标", "数量指标", "≥200次", "33次"),
            Some(d("5")),
            Reverse::Ratio,
        );
        assert_eq!(s.computed, Some(d("0.83")));
        let s = score_indicator(
            &ind("产出指标", "数量指标", "≥8次", "3次"),
            Some(d("16.44")),
            Reverse::Ratio,
        );
        // 16.44 × 3 ÷ 8 = 6.165: half away from zero gives 6.17 (banker's: 6.16).
        assert_eq!(s.computed, Some(d("6.17")));
    }

    #[test]
    fn execution_rate_scores_and_caps_at_its_weight() {
        let mut p = Project {
            execution: Some(Box::new(crate::model::Execution {
                budget: Some(d("25")),
                executed: Some(d("21.54576")),
                ..Default::default()
            })),
            ..Default::default()
        };
        let s = score_project(&p, Reverse::Ratio);
        assert_eq!(s.execution_score, Some(d("8.62")));
        p.execution = Some(Box::new(crate::model::Execution {
            budget: Some(d("25")),
            executed: Some(d("30")),
            ..Default::default()
        }));
        assert_eq!(
            score_project(&p, Reverse::Ratio).execution_score,
            Some(d("10"))
        );
    }

    #[test]
    fn grades_follow_the_document() {
        for (t, g) in [
            ("90", "优"),
            ("89.99", "良"),
            ("80", "良"),
            ("60", "中"),
            ("59.9", "差"),
        ] {
            assert_eq!(grade(d(t)), g, "{t}");
        }
    }
}
