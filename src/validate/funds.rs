//! Rules on the money: `funds-sum`, `cost-sum` (`empty-field` is the reader's: a table
//! without its project, department or amount is reported as it is read).

use crate::framework::money_cost;
use crate::rule::Rule;
use rust_decimal::Decimal;

use super::Finding;
use crate::model::Project;

/// `funds-sum`: 年度资金总额 = 财政拨款 + 非财政拨款 (+ every other listed source).
pub(crate) fn funds_sum(p: &Project, tolerance: Decimal) -> Vec<Finding> {
    let f = &p.funds;
    let (Some(total), Some(fiscal)) = (f.total, f.fiscal) else {
        return Vec::new();
    };
    let non_fiscal = f.non_fiscal.unwrap_or_default();
    let sum = f
        .other
        .values()
        .fold(fiscal.saturating_add(non_fiscal), |a, b| {
            a.saturating_add(*b)
        });
    if total.saturating_sub(sum).abs() <= tolerance {
        return Vec::new();
    }
    let mut message = format!(
        "年度资金总额 {} ≠ 财政拨款 {} + 非财政拨款 {}",
        m(total),
        m(fiscal),
        m(non_fiscal)
    );
    for (label, amount) in &f.other {
        message.push_str(&format!(" + {label} {}", m(*amount)));
    }
    message.push_str(&format!("（合计 {}）", m(sum)));
    vec![Finding::new(
        Rule::FundsSum,
        p.cells.get("funds.total").map(String::as_str),
        message,
    )]
}

/// `cost-sum`: the money-valued 成本指标 add up to 年度资金总额.
pub(crate) fn cost_sum(p: &Project, tolerance: Decimal) -> Vec<Finding> {
    let Some(total) = p.funds.total else {
        return Vec::new();
    };
    let costs: Vec<Decimal> = p.indicators.iter().filter_map(money_cost).collect();
    if costs.is_empty() {
        return Vec::new();
    }
    let sum = costs
        .iter()
        .fold(Decimal::ZERO, |a, b| a.saturating_add(*b));
    if total.saturating_sub(sum).abs() <= tolerance {
        return Vec::new();
    }
    let message = format!(
        "金额类成本指标合计 {} 万元 ≠ 年度资金总额 {} 万元（{} 项）",
        m(sum),
        m(total),
        costs.len()
    );
    vec![Finding::new(
        Rule::CostSum,
        p.cells.get("funds.total").map(String::as_str),
        message,
    )]
}

/// An amount as the tables print it: two decimals at least.
fn m(d: Decimal) -> String {
    crate::value::money(d).to_string()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{clean, push, rules};
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn funds_sum() {
        assert!(super::funds_sum(&clean(), Decimal::ZERO).is_empty());
        let mut p = clean();
        p.funds.fiscal = Some(d("20.00"));
        let f = super::funds_sum(&p, Decimal::ZERO);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].cell.as_deref(), Some("D6"));
        assert_eq!(
            f[0].message,
            "年度资金总额 24.02 ≠ 财政拨款 20.00 + 非财政拨款 0.00（合计 20.00）"
        );
        // Other sources count, and a tolerance absorbs rounding.
        p.funds.other.insert("上年结转".into(), d("4.02"));
        assert!(super::funds_sum(&p, Decimal::ZERO).is_empty());
        p.funds.other.insert("上年结转".into(), d("4.01"));
        assert!(super::funds_sum(&p, d("0.01")).is_empty());
    }

    #[test]
    fn cost_sum_counts_money_only() {
        assert!(
            cost_sum(&clean(), Decimal::ZERO).is_empty(),
            "16 + 5.5 + 2.52 = 24.02; ＝100% does not count"
        );
        let mut p = clean();
        push(&mut p, "产出指标", "成本指标", "资料费", "≤1万元");
        let f = cost_sum(&p, Decimal::ZERO);
        assert_eq!(rules(&f), ["cost-sum"]);
        assert!(
            f[0].message.contains("25.02") && f[0].message.contains("24.02"),
            "{}",
            f[0].message
        );
        // 元 are converted; ≥ is not a cap and does not count.
        let mut p = clean();
        p.indicators.retain(|i| money_cost(i).is_none());
        push(&mut p, "成本指标", "经济成本指标", "经费", "≤240200元");
        push(&mut p, "成本指标", "经济成本指标", "下限", "≥1万元");
        assert!(cost_sum(&p, Decimal::ZERO).is_empty());
    }
}
