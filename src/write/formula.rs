//! The spreadsheet formulas of a prefilled 自评表 or 监控表: 执行率, 预算执行率's 得分, each
//! quantitative indicator's 得分 and 总分, written so that the figures a spreadsheet shows
//! are the ones `jixiao score` computes ([`crate::score`]: the same direction, the same
//! ratio, ROUND to two decimals half away from zero).

use rust_decimal::Decimal;

use crate::model::Indicator;
use crate::score::{self, Reverse};
use crate::value::Op;

/// A string literal in a formula: `"` doubled.
fn literal(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The number a department typed in `cell`, without the unit it may have typed after
/// it (`1次`, `98%`, `15.8万元`): VALUE of the text with the unit taken out.
fn typed_number(cell: &str, unit: Option<&str>) -> String {
    let mut inner = format!("TRIM({cell})");
    let mut units: Vec<&str> = unit.into_iter().filter(|u| !u.is_empty()).collect();
    if !units.contains(&"%") {
        units.push("%");
    }
    for u in units {
        inner = format!("SUBSTITUTE({inner},{},\"\")", literal(u));
    }
    format!("VALUE({inner})")
}

/// The 得分 of an indicator as a formula over its 实际完成值 (`actual`) and 分值
/// (`weight`) cells, or `None` for a qualitative one (the department grades it).
pub fn indicator_score(
    i: &Indicator,
    actual: &str,
    weight: &str,
    reverse: Reverse,
) -> Option<String> {
    let target = i.value.number?;
    let dir = score::direction(i)?;
    let n = typed_number(actual, i.value.unit.as_deref());
    let t = target.normalize().to_string();
    let w = weight;
    let expr = match dir {
        Op::Eq => format!("IF({n}={t},{w},0)"),
        Op::Le | Op::Lt => {
            let missed = match reverse {
                Reverse::Ratio => format!("{w}*{t}/{n}"),
                Reverse::Linear => format!("{w}*(1-({n}-{t})/{t})"),
            };
            format!("IF({n}<={t},{w},IF({t}<=0,0,MAX(0,{missed})))")
        }
        Op::Ge | Op::Gt => format!("IF({n}>={t},{w},IF({t}<=0,0,MAX(0,{w}*{n}/{t})))"),
    };
    Some(format!(
        "IF(TRIM({actual})=\"\",\"\",IFERROR(ROUND({expr},2),\"\"))"
    ))
}

/// 执行率 = 执行数 ÷ 全年预算数 (年初预算数 where no 全年预算数 is filled).
pub fn rate(executed: &str, budget: Option<&str>, initial: Option<&str>) -> String {
    let base = match (budget, initial) {
        (Some(b), Some(i)) => format!("IF({b}=\"\",{i},{b})"),
        (Some(b), None) => b.to_string(),
        (None, Some(i)) => i.to_string(),
        (None, None) => "0".into(),
    };
    format!("IF(OR({executed}=\"\",N({base})=0),\"\",{executed}/{base})")
}

/// 预算执行率's 得分: 执行率 × 分值, never more than the 分值.
pub fn execution_score(rate: &str, weight: &str) -> String {
    format!("IF({rate}=\"\",\"\",ROUND(MIN({rate}*{weight},{weight}),2))")
}

/// 总分 of the scores in `range` and 预算执行率's `execution` 得分: blank until one is there.
pub fn total(range: &str, execution: Option<&str>) -> String {
    match execution {
        Some(e) => format!("IF(COUNT({range},{e})=0,\"\",ROUND(SUM({range})+N({e}),2))"),
        None => format!("IF(COUNT({range})=0,\"\",ROUND(SUM({range}),2))"),
    }
}

/// The sum of 分值 in `range` (and 预算执行率's).
pub fn weights(range: &str, execution: Option<&str>) -> String {
    match execution {
        Some(e) => format!("SUM({range})+N({e})"),
        None => format!("SUM({range})"),
    }
}

/// A number as a formula's stored result.
pub fn result(d: Decimal) -> String {
    d.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn ind(level2: &str, value: &str) -> Indicator {
        Indicator::new("产出指标", level2, "x", Value::parse(value))
    }

    #[test]
    fn each_direction_has_its_formula() {
        let s =
            |level2, value, reverse| indicator_score(&ind(level2, value), "F12", "G12", reverse);
        assert_eq!(
            s("数量指标", "＝1次", Reverse::Ratio).unwrap(),
            "IF(TRIM(F12)=\"\",\"\",IFERROR(ROUND(IF(VALUE(SUBSTITUTE(SUBSTITUTE(TRIM(F12),\"次\",\"\"),\"%\",\"\"))>=1,G12,IF(1<=0,0,MAX(0,G12*VALUE(SUBSTITUTE(SUBSTITUTE(TRIM(F12),\"次\",\"\"),\"%\",\"\"))/1))),2),\"\"))"
        );
        // A cost: ＝ is 反向, spending less meets it; ≤ likewise, linear when asked.
        let cost = s("成本指标", "≤16万元", Reverse::Ratio).unwrap();
        assert!(
            cost.contains("<=16,G12") && cost.contains("G12*16/"),
            "{cost}"
        );
        let linear = s("成本指标", "≤16万元", Reverse::Linear).unwrap();
        assert!(linear.contains("G12*(1-("), "{linear}");
        let eq = s("成本指标", "＝100%", Reverse::Ratio).unwrap();
        assert!(eq.contains("<=100,G12"), "{eq}");
        // ＝0 is met by 0 alone.
        let zero = s("质量指标", "＝0起", Reverse::Ratio).unwrap();
        assert!(zero.contains("=0,G12,0)"), "{zero}");
        // The department grades a qualitative one.
        assert_eq!(s("社会效益指标", "有所提高", Reverse::Ratio), None);
    }

    #[test]
    fn a_unit_with_a_quote_stays_a_literal() {
        assert_eq!(
            typed_number("F3", Some("\"个\"")),
            "VALUE(SUBSTITUTE(SUBSTITUTE(TRIM(F3),\"\"\"个\"\"\",\"\"),\"%\",\"\"))"
        );
    }

    #[test]
    fn execution_formulas() {
        assert_eq!(
            rate("F7", Some("E7"), Some("D7")),
            "IF(OR(F7=\"\",N(IF(E7=\"\",D7,E7))=0),\"\",F7/IF(E7=\"\",D7,E7))"
        );
        assert_eq!(
            execution_score("H7", "G7"),
            "IF(H7=\"\",\"\",ROUND(MIN(H7*G7,G7),2))"
        );
        assert_eq!(
            total("H13:H29", Some("I7")),
            "IF(COUNT(H13:H29,I7)=0,\"\",ROUND(SUM(H13:H29)+N(I7),2))"
        );
    }
}
