//! The money of a table: the 资金情况 lines and their labels, a 自评表's 项目资金
//! columns, the unit money is written in, and an amount as written.

use rust_decimal::Decimal;

use super::words::core_of;
use crate::text::{fold, label_key};
use crate::value::leading_number;

pub use crate::model::FundColumn;

/// The 项目资金 column a header names, one rule per line.
pub fn fund_column(text: &str) -> Option<FundColumn> {
    // Every such header has one of these; most cells have none (and are not folded).
    // Text folding could change is folded first.
    if text.chars().all(crate::text::surely_nfkc) && !text.contains(['预', '执', '分', '权', '支'])
    {
        return None;
    }
    let key = label_key(text);
    let core = core_of(&key);
    if core.chars().count() > 12 {
        return None;
    }
    let has = |w: &str| core.contains(w);
    Some(if has("执行率") {
        FundColumn::Rate
    } else if has("预计") && (has("执行") || has("支出")) {
        FundColumn::Expected
    } else if has("执行数") || has("执行金额") || has("支出数") {
        FundColumn::Executed
    } else if has("年初") && has("预算") {
        FundColumn::Initial
    } else if (has("全年") || has("调整")) && has("预算") {
        FundColumn::Budget
    } else if core == "分值" || core == "权重" {
        FundColumn::Weight
    } else if core == "得分" {
        FundColumn::Score
    } else {
        return None;
    })
}

/// A line of the 资金情况 block.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fund {
    Total,
    Fiscal,
    NonFiscal,
    /// Another source, by its label (其他资金, 上年结转, 上级补助资金 …).
    Other(String),
    /// The whole period's amount (中期市财政预算, 实施期资金总额, 项目总预算) beside the
    /// annual one.
    Period,
}

impl Fund {
    pub fn key(&self) -> String {
        match self {
            Fund::Total => "funds.total".into(),
            Fund::Fiscal => "funds.fiscal".into(),
            Fund::NonFiscal => "funds.non_fiscal".into(),
            Fund::Other(label) => format!("funds.other.{label}"),
            Fund::Period => "funds.period".into(),
        }
    }
}

/// Longest first, so 非财政拨款 is not read as 财政拨款 and 年度资金总额 not as 资金总额.
pub(super) const FUNDS: &[(&str, Fund)] = &[
    ("年度资金申请总额", Fund::Total),
    ("年度资金总额", Fund::Total),
    ("资金总额", Fund::Total),
    ("项目预算", Fund::Total),
    ("预算金额", Fund::Total),
    ("非财政拨款", Fund::NonFiscal),
    ("当年财政拨款", Fund::Fiscal),
    ("本年财政拨款", Fund::Fiscal),
    ("财政拨款", Fund::Fiscal),
    ("财政资金", Fund::Fiscal),
    ("上年结转资金", Fund::Other(String::new())),
    ("上年结转", Fund::Other(String::new())),
    ("其他资金", Fund::Other(String::new())),
    ("其它资金", Fund::Other(String::new())),
    ("自有资金", Fund::Other(String::new())),
    ("自筹资金", Fund::Other(String::new())),
    ("单位资金", Fund::Other(String::new())),
    ("事业收入", Fund::Other(String::new())),
];

/// The label an `Other` line of [`FUNDS`] is known by.
fn other_label(label: &str) -> &str {
    match label {
        "上年结转资金" => "上年结转",
        l => l,
    }
}

pub(super) const FUNDS_BLOCK: &[&str] = &["资金情况", "项目资金", "资金来源", "资金投入情况"];

/// The unit money is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// 万元, the unit tables and the model use.
    Wan,
    /// 元, as budget systems and some departments write amounts.
    Yuan,
}

impl Unit {
    /// The unit as a table writes it (万元, 元).
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Wan => "万元",
            Unit::Yuan => "元",
        }
    }

    pub(super) fn parse(s: &str) -> Option<Unit> {
        match s {
            "万元" => Some(Unit::Wan),
            "元" => Some(Unit::Yuan),
            _ => None,
        }
    }

    /// `(万元)` or `(元)` at the end of a folded key: the key without it, and the unit.
    pub(super) fn strip_suffix(key: &str) -> (&str, Option<Unit>) {
        for (suffix, unit) in [("(万元)", Unit::Wan), ("(元)", Unit::Yuan)] {
            if let Some(k) = key.strip_suffix(suffix) {
                return (k, Some(unit));
            }
        }
        (key, None)
    }
}

/// An amount as written: a number and, when stated beside it, its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    pub number: Decimal,
    pub unit: Option<Unit>,
}

/// Reads 资金情况 lines from folded text: `年度资金总额:24.02万元;其中:财政拨款24.02万元,
/// 非财政拨款0万元` gives three, `年度资金总额:` one without an amount.
pub(super) fn scan_funds(key: &str) -> Vec<(Fund, Option<Amount>)> {
    let mut out = Vec::new();
    let mut rest = key;
    while !rest.is_empty() {
        let Some((label, fund)) = FUNDS.iter().find(|(label, _)| rest.starts_with(label)) else {
            let skip = rest.chars().next().map_or(1, char::len_utf8);
            rest = &rest[skip..];
            continue;
        };
        rest = &rest[label.len()..];
        let (_, unit) = Unit::strip_suffix(rest.split(':').next().unwrap_or(""));
        if let Some(after) = rest
            .strip_prefix("(万元)")
            .or_else(|| rest.strip_prefix("(元)"))
        {
            rest = after;
        }
        rest = rest.trim_start_matches([':', '为']);
        let amount = leading_number(rest).map(|(number, used)| {
            rest = &rest[used..];
            let stated = if let Some(after) = rest.strip_prefix("万元") {
                rest = after;
                Some(Unit::Wan)
            } else if let Some(after) = rest.strip_prefix('元') {
                rest = after;
                Some(Unit::Yuan)
            } else {
                unit
            };
            Amount {
                number,
                unit: stated,
            }
        });
        let fund = match fund {
            Fund::Other(_) => Fund::Other(other_label(label).to_string()),
            f => f.clone(),
        };
        out.push((fund, amount));
    }
    out
}

/// Reads an amount standing alone in a cell: `24.02`, `２４．０２`, `240200元`.
pub fn amount(text: &str) -> Option<Amount> {
    let f: String = fold(text).chars().filter(|c| !c.is_whitespace()).collect();
    let (number, used) = leading_number(&f)?;
    let rest = &f[used..];
    // The unit, then what may follow an amount without changing it: a remark in
    // brackets (854万(高标准农田建设400万元,…)) or the same amount typed twice.
    let units: &[(&str, Option<Unit>, u32)] = &[
        ("万元", Some(Unit::Wan), 1),
        ("亿元", Some(Unit::Wan), 10_000),
        ("万", Some(Unit::Wan), 1),
        ("亿", Some(Unit::Wan), 10_000),
        ("元", Some(Unit::Yuan), 1),
        ("", None, 1),
    ];
    let (suffix, unit, times) = units.iter().find(|(u, ..)| rest.starts_with(u))?;
    let written = &f[..used + suffix.len()];
    let mut tail = &rest[suffix.len()..];
    while !written.is_empty() && tail.starts_with(written) {
        tail = &tail[written.len()..];
    }
    if !(tail.is_empty() || (tail.starts_with('(') && tail.ends_with(')'))) {
        return None;
    }
    Some(Amount {
        number: number.checked_mul(Decimal::from(*times))?,
        unit: *unit,
    })
}
