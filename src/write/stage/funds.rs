//! The 项目资金 block of a stage's table: its label down the left, a line per source,
//! and under the form's columns (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分)
//! the amounts, the department's open cells and the formulas of 预算执行率.

use rust_decimal::Decimal;
use rust_xlsxwriter::{DataValidation, DataValidationRule, Formula, Worksheet, XlsxError};

use super::{Across, Formats, Mode, number, span, span_rows};
use crate::model::Project;
use crate::template::Form;
use crate::template::form::{Amount, FundValue};
use crate::text::a1;
use crate::write::formula;
use crate::write::official::{Layout, Look, Placements, height};

/// The key of `Project.cells` a funds line's amount was read under.
fn amount_key(amount: Amount<'_>) -> String {
    match amount {
        Amount::Total => "funds.total".into(),
        Amount::Fiscal => "funds.fiscal".into(),
        Amount::NonFiscal => "funds.non_fiscal".into(),
        Amount::Other(label) => format!("funds.other.{label}"),
    }
}

/// The amount a funds line shows, from the model.
fn line_amount(p: &Project, amount: Amount<'_>) -> Option<Decimal> {
    let f = &p.funds;
    match amount {
        Amount::Total => f.total,
        Amount::Fiscal => f.fiscal,
        Amount::NonFiscal => f.non_fiscal,
        Amount::Other(label) => f.other.get(label).copied(),
    }
}

/// The cells of 预算执行率 on the 年度资金总额 line: its 分值 and its 得分.
#[derive(Debug, Clone, Default)]
pub(super) struct Execution {
    pub(super) weight: Option<String>,
    pub(super) weight_value: Option<Decimal>,
    pub(super) score: Option<String>,
    /// Its 得分 as written (a copied table; a prefilled one has none yet).
    pub(super) score_value: Option<Decimal>,
}

/// 项目资金: its label down the left, a line per source, the amounts under the
/// columns where the form has them. Returns the row after and 预算执行率's cells.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_funds(
    ws: &mut Worksheet,
    l: &Layout<'_>,
    row: u32,
    p: &Project,
    form: &Form,
    across: &Across<'_>,
    f: &Formats,
    mode: Mode,
    placed: &mut Placements,
) -> Result<(u32, Execution), XlsxError> {
    let s = &l.styles;
    let source = |key: &str| p.cells.get(key).map(String::as_str);
    let last = across.last;
    // The layout's lines, then any other source of the model it does not name.
    let mut lines: Vec<(String, Option<Decimal>, String)> = form
        .funds
        .lines
        .iter()
        .map(|line| {
            let amount = line.amount();
            (
                form.words(&line.label),
                line_amount(p, amount),
                amount_key(amount),
            )
        })
        .collect();
    if mode != Mode::Blank {
        for (label, amount) in &p.funds.other {
            let named = form
                .funds
                .lines
                .iter()
                .any(|line| line.amount() == Amount::Other(label));
            if !named {
                lines.push((label.clone(), Some(*amount), format!("funds.other.{label}")));
            }
        }
    }
    let columns = &form.funds.columns;
    let mut r = row;
    let first = r;
    let mut execution = Execution::default();
    let money_hint = |title: &str| -> Result<DataValidation, XlsxError> {
        DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_input_title(title.replace('\n', ""))?
            .set_input_message("以万元为单位，保留两位小数")?
            .set_error_message("请填写不小于 0 的数字（万元）")
    };
    if columns.is_empty() {
        for (label, amount, key) in &lines {
            placed.put(source(key), r, 3, Look::Money);
            ws.write_string_with_format(r, 2, label, &s.label)?;
            ws.merge_range(r, 3, r, last, "", &s.money)?;
            if let Some(x) = amount {
                ws.write_number_with_format(r, 3, number(*x), &s.money)?;
            }
            if mode == Mode::Blank {
                ws.add_data_validation(r, 3, r, 3, &money_hint("金额（万元）")?)?;
            }
            ws.set_row_height(r, height(1))?;
            r += 1;
        }
        span_rows(ws, (first, r - 1), (0, 1), &form.funds.label, &s.label)?;
        return Ok((r, execution));
    }
    // Columns stand at the right; the lines' labels take the room left of them.
    let c0 = last + 1 - columns.len() as u16;
    span(ws, r, (2, c0 - 1), "", &s.label)?;
    let mut head_lines = 1;
    for (k, c) in columns.iter().enumerate() {
        let col = c0 + k as u16;
        let text = form.words(&c.header);
        head_lines = head_lines
            .max(text.lines().count() as u32)
            .max(across.lines(&text, across.width(col, col)));
        ws.write_string_with_format(r, col, &text, &s.label)?;
    }
    ws.set_row_height(r, height(head_lines.max(1)))?;
    r += 1;
    let cell = |row: u32, v: FundValue| {
        form.fund_column(v)
            .map(|k| a1(row, u32::from(c0) + k as u32))
    };
    // A line's amount is read into the first amount column (年初预算数).
    let first_amount = columns
        .iter()
        .position(|c| matches!(c.value, FundValue::Initial | FundValue::Budget))
        .map(|k| c0 + k as u16);
    for (n, (label, amount, key)) in lines.iter().enumerate() {
        let total_line = n == 0;
        if let Some(col) = first_amount {
            placed.put(source(key), r, col, Look::Money);
        }
        span(ws, r, (2, c0 - 1), label, &s.label)?;
        let ex = p.execution.as_ref().filter(|_| total_line);
        for (k, c) in columns.iter().enumerate() {
            let col = c0 + k as u16;
            let money = |d: Option<Decimal>| d.map(number);
            match (c.value, mode) {
                (FundValue::Initial, Mode::Copy) => {
                    match money(ex.and_then(|e| e.initial).or(*amount)) {
                        Some(x) => ws.write_number_with_format(r, col, x, &f.money)?,
                        None => ws.write_blank(r, col, &f.money)?,
                    };
                }
                (FundValue::Initial | FundValue::Budget, Mode::Prefill(_)) => {
                    match money(*amount) {
                        Some(x) => ws.write_number_with_format(r, col, x, &f.money)?,
                        None => ws.write_blank(r, col, &f.money_input)?,
                    };
                }
                (FundValue::Budget | FundValue::Executed | FundValue::Expected, Mode::Copy) => {
                    let v = ex.and_then(|e| match c.value {
                        FundValue::Budget => e.budget,
                        FundValue::Executed => e.executed,
                        _ => e.expected,
                    });
                    match money(v) {
                        Some(x) => ws.write_number_with_format(r, col, x, &f.money)?,
                        None => ws.write_blank(r, col, &f.money)?,
                    };
                }
                (FundValue::Initial | FundValue::Budget | FundValue::Executed, _)
                | (FundValue::Expected, _) => {
                    ws.write_blank(r, col, &f.money_input)?;
                    let v = money_hint(&form.words(&c.header))?;
                    ws.add_data_validation(r, col, r, col, &v)?;
                }
                (FundValue::Weight, _) if total_line => {
                    // A copy shows the 分值 as read; a form to fill starts from 10号's 10.
                    let read = ex.and_then(|e| e.weight);
                    let w = match mode {
                        Mode::Copy => read,
                        _ => read.or(Some(crate::score::EXECUTION_WEIGHT)),
                    };
                    match w {
                        Some(w) => ws.write_number_with_format(r, col, number(w), &f.number)?,
                        None => ws.write_blank(r, col, &f.number)?,
                    };
                    execution.weight = Some(a1(r, u32::from(col)));
                    execution.weight_value = w;
                }
                (FundValue::Rate, Mode::Copy) if total_line => {
                    let v = ex.and_then(|e| e.rate.clone()).unwrap_or_default();
                    ws.write_string_with_format(r, col, v, &f.number)?;
                }
                (FundValue::Score, Mode::Copy) if total_line => {
                    let v = ex.and_then(|e| e.score.clone()).unwrap_or_default();
                    match crate::value::parse_number(&v) {
                        Some(x) => ws.write_number_with_format(r, col, number(x), &f.number)?,
                        None => ws.write_string_with_format(r, col, &v, &f.number)?,
                    };
                    execution.score = Some(a1(r, u32::from(col)));
                    execution.score_value = crate::value::parse_number(&v);
                }
                (FundValue::Rate, _) if total_line => {
                    let executed = cell(r, FundValue::Executed).unwrap_or_default();
                    let budget = cell(r, FundValue::Budget);
                    let initial = cell(r, FundValue::Initial);
                    let text = formula::rate(&executed, budget.as_deref(), initial.as_deref());
                    ws.write_formula_with_format(r, col, Formula::new(text), &f.pct)?;
                }
                (FundValue::Score, _) if total_line => {
                    let rate = cell(r, FundValue::Rate).unwrap_or_default();
                    let weight = cell(r, FundValue::Weight).unwrap_or_default();
                    let text = formula::execution_score(&rate, &weight);
                    ws.write_formula_with_format(r, col, Formula::new(text), &f.number)?;
                    execution.score = Some(a1(r, u32::from(col)));
                }
                (FundValue::Weight | FundValue::Score, _) => {
                    ws.write_string_with_format(r, col, "—", &f.number)?;
                }
                (FundValue::Rate, _) => {
                    ws.write_blank(r, col, &f.pct)?;
                }
            }
        }
        ws.set_row_height(r, height(across.lines(label, across.width(2, c0 - 1))))?;
        r += 1;
    }
    span_rows(ws, (first, r - 1), (0, 1), &form.funds.label, &s.label)?;
    Ok((r, execution))
}
