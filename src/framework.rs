//! The indicator framework and what counts as money: domain knowledge that reading,
//! checking, aggregating and writing all share, below every one of them.

use rust_decimal::Decimal;

use crate::model::Indicator;
use crate::value::Op;

/// The indicator framework (domain.md §3); both generations are accepted.
/// In the order the official layout writes them (产出, 成本, 效益, 满意度).
pub const FRAMEWORK: &[(&str, &[&str])] = &[
    (
        "产出指标",
        &["数量指标", "质量指标", "时效指标", "成本指标"],
    ),
    (
        "成本指标",
        &["经济成本指标", "社会成本指标", "生态环境成本指标"],
    ),
    (
        "效益指标",
        &[
            "经济效益指标",
            "社会效益指标",
            "生态效益指标",
            "环境效益指标",
            "可持续影响指标",
        ],
    ),
    ("满意度指标", &["服务对象满意度指标"]),
];

/// A 成本指标 whose value is an amount of money (元 or 万元) capped or fixed (≤, ＜, ＝):
/// the ones that should add up to the total. Ratios (＝100%) do not count.
pub fn money_cost(i: &Indicator) -> Option<Decimal> {
    let is_cost = i.level2.contains("成本") || i.level1.contains("成本");
    let capped = matches!(i.value.op, Some(Op::Le | Op::Lt | Op::Eq));
    if is_cost && capped {
        i.value.money_wan()
    } else {
        None
    }
}
