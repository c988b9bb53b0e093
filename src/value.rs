//! 指标值 text ⇄ operator, number and unit; money from cells.
//!
//! A quantitative value is an operator, a number and a unit (`＝1次`, `≤16万元`,
//! `>=85%`); a qualitative one is free text (`有所提高`). Placeholders (`*`, `/`, `-`,
//! `—`, blank) mean no value at all.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::text::{clean, fold};

/// A comparison operator of a quantitative 指标值.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    /// ＝: the target is exactly this (＝1次).
    #[serde(rename = "=")]
    Eq,
    /// ≥: at least this (≥95%).
    #[serde(rename = ">=")]
    Ge,
    /// ≤: at most this (≤24.02万元), as a cost cap is written.
    #[serde(rename = "<=")]
    Le,
    /// ＞: more than this.
    #[serde(rename = ">")]
    Gt,
    /// ＜: less than this.
    #[serde(rename = "<")]
    Lt,
}

impl Op {
    /// The ASCII form used in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ge => ">=",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Lt => "<",
        }
    }

    /// The form printed in official tables: ＝ ≥ ≤ ＞ ＜.
    pub fn official(self) -> &'static str {
        match self {
            Op::Eq => "＝",
            Op::Ge => "≥",
            Op::Le => "≤",
            Op::Gt => "＞",
            Op::Lt => "＜",
        }
    }

    /// ＝ ≥ ＞ are positive (正向) targets, ≤ ＜ negative (反向).
    pub fn is_positive(self) -> bool {
        matches!(self, Op::Eq | Op::Ge | Op::Gt)
    }

    /// Reads an operator at the start of folded text; returns it and the bytes used.
    fn prefix(folded: &str) -> Option<(Op, usize)> {
        const TABLE: &[(&str, Op)] = &[
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("==", Op::Eq),
            ("≥", Op::Ge),
            ("≤", Op::Le),
            ("=", Op::Eq),
            (">", Op::Gt),
            ("<", Op::Lt),
            ("大于等于", Op::Ge),
            ("小于等于", Op::Le),
            ("不低于", Op::Ge),
            ("不高于", Op::Le),
            ("不超过", Op::Le),
            ("不少于", Op::Ge),
            ("等于", Op::Eq),
            ("大于", Op::Gt),
            ("小于", Op::Lt),
        ];
        TABLE
            .iter()
            .find(|(t, _)| folded.starts_with(t))
            .map(|(t, op)| (*op, t.len()))
    }

    /// The operator a text starts with, if any (after folding).
    pub fn parse_prefix(text: &str) -> Option<Op> {
        let f: String = fold(text).chars().filter(|c| !c.is_whitespace()).collect();
        Op::prefix(&f).map(|(op, _)| op)
    }

    /// Parses an operator written alone, as in the 指标值符号 column of a flat export.
    pub fn parse(text: &str) -> Option<Op> {
        let f: String = fold(text).chars().filter(|c| !c.is_whitespace()).collect();
        match Op::prefix(&f) {
            Some((op, used)) if used == f.len() => Some(op),
            _ => None,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 指标值 as written, with its quantitative reading when it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Value {
    /// The text exactly as written in the cell (trimmed).
    pub text: String,
    /// The comparison the target makes, when the text starts with one (≥, ≤, ＝ …).
    pub op: Option<Op>,
    /// The target's number, when the text is quantitative.
    pub number: Option<Decimal>,
    /// The 计量单位 after the number (次, %, 万元), as written.
    pub unit: Option<String>,
}

/// What a 指标值 text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Blank or a placeholder (`*`, `/`, `-`, `—`): no value.
    Missing,
    /// A number, with or without an operator and unit.
    Quantitative,
    /// Free text such as 有所提高.
    Qualitative,
}

impl Value {
    /// Reads a 指标值. Never fails: text that is not quantitative is qualitative.
    pub fn parse(text: &str) -> Value {
        let text = clean(text).to_string();
        let mut value = Value {
            text,
            op: None,
            number: None,
            unit: None,
        };
        if is_placeholder(&value.text) {
            return value;
        }
        let folded: String = fold(&value.text)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let (op, rest) = match Op::prefix(&folded) {
            Some((op, used)) => (Some(op), &folded[used..]),
            None => (None, folded.as_str()),
        };
        let Some((number, used)) = leading_number(rest) else {
            return value;
        };
        let unit = &rest[used..];
        // Without an operator, only a short unit makes a number a target: 76家 is one,
        // 76家基层党组织全覆盖 is a sentence.
        if op.is_none() && !plausible_unit(unit) {
            return value;
        }
        // A number and unit alone is a target to reach exactly: 10辆 is ＝10辆.
        value.op = op.or(Some(Op::Eq));
        value.number = Some(number);
        value.unit = (!unit.is_empty()).then(|| unit.to_string());
        value
    }

    /// Builds the value of a flat export, whose operator, number and unit stand in
    /// separate columns; the text is what they say together.
    pub fn from_parts(op: &str, number: &str, unit: &str) -> Value {
        let (op, number, unit) = (clean(op), clean(number), clean(unit));
        if is_placeholder(number) {
            return Value::parse(number);
        }
        let op_known = Op::parse(op);
        let mut text = String::new();
        if op_known.is_some() {
            text.push_str(op);
        }
        text.push_str(number);
        if !unit.is_empty() && !number.ends_with(unit) {
            text.push_str(unit);
        }
        let mut value = Value::parse(&text);
        value.text = text;
        value
    }

    /// Missing (blank, a placeholder or a formula's error value), quantitative or
    /// qualitative.
    pub fn kind(&self) -> Kind {
        if is_placeholder(&self.text) || is_error_literal(&self.text) {
            Kind::Missing
        } else if self.number.is_some() {
            Kind::Quantitative
        } else {
            Kind::Qualitative
        }
    }

    /// The amount in 万元 when the unit is money (元 or 万元).
    pub fn money_wan(&self) -> Option<Decimal> {
        let number = self.number?;
        match self.unit.as_deref()? {
            "万元" => Some(number),
            "元" => Some(number / Decimal::from(10_000)),
            _ => None,
        }
    }
}

/// An Excel error value (`#REF!`, `#DIV/0!`, `#N/A` …): a formula that failed.
pub fn is_error_literal(text: &str) -> bool {
    const ERRORS: &[&str] = &[
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
    ];
    ERRORS.contains(&clean(text))
}

/// Blank, `*`, `/`, `-`, `—` and their repetitions mean "no value".
pub fn is_placeholder(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '*' | '/' | '-' | '\\' | '＊' | '／' | '－' | '＼' | '—' | '–' | '―' | '‐' | '−'
            )
    })
}

fn plausible_unit(unit: &str) -> bool {
    unit.chars().count() <= 4
        && unit
            .chars()
            .all(|c| !c.is_ascii_digit() && !"，。；、,;()".contains(c))
}

/// Reads a decimal number at the start of folded text (`1,234.5`, `-3`, `.5`);
/// returns it and the bytes used.
pub fn leading_number(s: &str) -> Option<(Decimal, usize)> {
    let bytes = s.as_bytes();
    let mut end = 0;
    let mut digits = String::new();
    if bytes.first() == Some(&b'-') || bytes.first() == Some(&b'+') {
        digits.push(bytes[0] as char);
        end = 1;
    }
    let mut seen_digit = false;
    let mut seen_dot = false;
    while end < bytes.len() {
        let b = bytes[end];
        if b.is_ascii_digit() {
            seen_digit = true;
            digits.push(b as char);
        } else if b == b'.' && !seen_dot && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
            seen_dot = true;
            digits.push('.');
        } else if b == b','
            && seen_digit
            && !seen_dot
            && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
        {
            // thousands separator
        } else {
            break;
        }
        end += 1;
    }
    if !seen_digit {
        return None;
    }
    Decimal::from_str(&digits).ok().map(|d| (d, end))
}

/// Parses a whole folded text as a number (numbers stored as text, `２４．０２`).
pub fn parse_number(text: &str) -> Option<Decimal> {
    let f: String = fold(text).chars().filter(|c| !c.is_whitespace()).collect();
    match leading_number(&f) {
        Some((d, used)) if used == f.len() => Some(d),
        _ => None,
    }
}

/// Converts a spreadsheet float to a decimal the way Excel shows it: 15 significant
/// digits, so 24.019999999999996 is 24.02.
pub fn decimal_from_f64(x: f64) -> Option<Decimal> {
    if !x.is_finite() {
        return None;
    }
    let s = format!("{:.14e}", x);
    Decimal::from_scientific(&s).ok().map(|d| d.normalize())
}

/// An amount of money in 万元 as stored in the model: normalised, at least two decimals.
pub fn money(d: Decimal) -> Decimal {
    let mut d = d.normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> (Option<Op>, Option<String>, Option<String>) {
        let v = Value::parse(text);
        (v.op, v.number.map(|n| n.to_string()), v.unit)
    }

    fn quant(
        op: Option<Op>,
        n: &str,
        unit: Option<&str>,
    ) -> (Option<Op>, Option<String>, Option<String>) {
        (op, Some(n.to_string()), unit.map(str::to_string))
    }

    /// Every quantitative value of the four seed tables, and the variants met in
    /// real submissions.
    #[test]
    fn quantitative_values() {
        let cases: &[(&str, Option<Op>, &str, Option<&str>)] = &[
            ("＝1次", Some(Op::Eq), "1", Some("次")),
            ("＝2次", Some(Op::Eq), "2", Some("次")),
            ("＝4次", Some(Op::Eq), "4", Some("次")),
            ("＝100%", Some(Op::Eq), "100", Some("%")),
            ("＝76个", Some(Op::Eq), "76", Some("个")),
            ("＝10个", Some(Op::Eq), "10", Some("个")),
            ("＝2024年", Some(Op::Eq), "2024", Some("年")),
            ("≤16万元", Some(Op::Le), "16", Some("万元")),
            ("≤5.5万元", Some(Op::Le), "5.5", Some("万元")),
            ("≤2.52万元", Some(Op::Le), "2.52", Some("万元")),
            ("≤2万元", Some(Op::Le), "2", Some("万元")),
            ("≤6万元", Some(Op::Le), "6", Some("万元")),
            ("≤29.5万元", Some(Op::Le), "29.5", Some("万元")),
            ("≤0.5万元", Some(Op::Le), "0.5", Some("万元")),
            ("≤7.76万元", Some(Op::Le), "7.76", Some("万元")),
            ("≤10.74万元", Some(Op::Le), "10.74", Some("万元")),
            ("≤4万元", Some(Op::Le), "4", Some("万元")),
            ("≥85%", Some(Op::Ge), "85", Some("%")),
            (">=85%", Some(Op::Ge), "85", Some("%")),
            ("<=16万元", Some(Op::Le), "16", Some("万元")),
            ("≦16万元", Some(Op::Le), "16", Some("万元")),
            ("≧90%", Some(Op::Ge), "90", Some("%")),
            ("＜5%", Some(Op::Lt), "5", Some("%")),
            ("＞0", Some(Op::Gt), "0", None),
            ("＝２４．０２万元", Some(Op::Eq), "24.02", Some("万元")),
            ("= 1 次", Some(Op::Eq), "1", Some("次")),
            ("≤160,000元", Some(Op::Le), "160000", Some("元")),
            ("76家", Some(Op::Eq), "76", Some("家")),
            ("100%", Some(Op::Eq), "100", Some("%")),
            ("12", Some(Op::Eq), "12", None),
            ("10辆", Some(Op::Eq), "10", Some("辆")),
        ];
        for (text, op, n, unit) in cases {
            assert_eq!(q(text), quant(*op, n, *unit), "{text}");
            assert_eq!(Value::parse(text).kind(), Kind::Quantitative, "{text}");
        }
    }

    #[test]
    fn qualitative_values() {
        for text in [
            "有所提高",
            "有所提升",
            "有所加强",
            "对76家基层党组织266个党支部全覆盖",
            "持续增强使命感和荣誉感",
            "进一步突显党建工作与业务工作双融合双促进的重要性",
            "结果将作为党建年度综合评价的重要依据，不断强化、逐步提升。",
        ] {
            let v = Value::parse(text);
            assert_eq!(v.kind(), Kind::Qualitative, "{text}");
            assert_eq!(v.op, None);
            assert_eq!(v.text, text);
        }
    }

    #[test]
    fn placeholders() {
        for text in ["", " ", "*", "/", "-", "—", "--", "／"] {
            assert_eq!(Value::parse(text).kind(), Kind::Missing, "{text:?}");
        }
    }

    #[test]
    fn split_columns() {
        let v = Value::from_parts("≤", "16", "万元");
        assert_eq!(v.text, "≤16万元");
        assert_eq!(
            (v.op, v.number, v.unit.as_deref()),
            (Some(Op::Le), Some(Decimal::from(16)), Some("万元"))
        );
        let v = Value::from_parts("定性", "有所提高", "");
        assert_eq!(v.text, "有所提高");
        assert_eq!(v.kind(), Kind::Qualitative);
        let v = Value::from_parts("＝", "100", "%");
        assert_eq!(v.text, "＝100%");
        assert_eq!(v.op, Some(Op::Eq));
    }

    #[test]
    fn floats_become_the_decimal_excel_shows() {
        assert_eq!(decimal_from_f64(24.02).unwrap().to_string(), "24.02");
        assert_eq!(
            decimal_from_f64(24.019999999999996).unwrap().to_string(),
            "24.02"
        );
        assert_eq!(decimal_from_f64(0.1 + 0.2).unwrap().to_string(), "0.3");
        assert_eq!(decimal_from_f64(240200.0).unwrap().to_string(), "240200");
        assert_eq!(money(decimal_from_f64(10.0).unwrap()).to_string(), "10.00");
        assert_eq!(
            money(Decimal::from(240200) / Decimal::from(10000)).to_string(),
            "24.02"
        );
        assert_eq!(decimal_from_f64(f64::NAN), None);
    }

    #[test]
    fn numbers_stored_as_text() {
        assert_eq!(parse_number("２４．０２").unwrap().to_string(), "24.02");
        assert_eq!(parse_number(" 1,234.50 ").unwrap().to_string(), "1234.50");
        assert_eq!(parse_number("24.02万元"), None);
        assert_eq!(parse_number("abc"), None);
    }
}
