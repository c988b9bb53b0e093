//! The 预算对比 sheet of a merge with `--budget`: every budgeted project beside its
//! table's 年度资金总额 and the difference, the tables the budget lacks, a 小计 per
//! 主管部门 and a 合计; what does not match is coloured.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, Formula, Worksheet, XlsxError};

use crate::budget::{Reconciliation, Row, Status};
use crate::template::Template;
use crate::text::column_name;

const HEADERS: &[(&str, f64)] = &[
    ("序号", 6.0),
    ("主管部门", 24.0),
    ("项目名称", 30.0),
    ("预算金额", 12.0),
    ("年度资金总额", 13.0),
    ("差额", 11.0),
    ("对比结果", 12.0),
    ("预算表位置", 24.0),
    ("绩效目标表", 30.0),
    ("说明", 40.0),
];
/// 预算金额, 年度资金总额 and 差额.
const BUDGET: u16 = 3;
const TABLE: u16 = 4;
const DIFF: u16 = 5;
const STATUS: u16 = 6;
const HEADER_ROW: u32 = 2;

/// The fill that marks a status a clerk must look at (none for 相符).
fn fill(status: Status) -> Option<&'static str> {
    match status {
        Status::Matches => None,
        Status::Differs | Status::NoAmount => Some("#FFEB9C"),
        Status::Missing => Some("#FFC7CE"),
        Status::Unlisted => Some("#FCE4D6"),
    }
}

fn number(d: Option<Decimal>) -> Option<f64> {
    d.and_then(|d| d.to_f64())
}

/// Writes the sheet.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell.
pub fn write_budget(ws: &mut Worksheet, t: &Template, r: &Reconciliation) -> Result<(), XlsxError> {
    let (base, cell) = crate::write::official::body_formats(t);
    let title = Format::new()
        .set_font_name(&t.fonts.title)
        .set_font_size(t.fonts.title_size - 2.0)
        .set_bold()
        .set_align(FormatAlign::Center);
    let head = cell
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color("#D9E1F2");
    let text = cell.clone();
    let centred = cell.clone().set_align(FormatAlign::Center);
    let money = cell.clone().set_num_format("0.00");
    let sub = cell.clone().set_bold().set_background_color("#F2F2F2");
    let sub_money = sub.clone().set_num_format("0.00");
    let last = HEADERS.len() as u16 - 1;
    ws.merge_range(
        0,
        0,
        0,
        last,
        "项目预算与绩效目标表年度资金总额对比",
        &title,
    )?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(
        1,
        last - 1,
        1,
        last,
        "单位：万元",
        &base.set_align(FormatAlign::Right),
    )?;
    for (c, (h, w)) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, *h, &head)?;
        ws.set_column_width(c as u16, *w)?;
    }
    // One group per 主管部门, in the order departments first appear.
    let mut groups: indexmap::IndexMap<String, Vec<&Row>> = indexmap::IndexMap::new();
    for row in &r.rows {
        groups
            .entry(crate::season::key(&row.department))
            .or_default()
            .push(row);
    }
    let mut at = HEADER_ROW + 1;
    let mut n = 0;
    let (mut all_budget, mut all_table) = (Decimal::ZERO, Decimal::ZERO);
    for rows in groups.values() {
        let first = at;
        let (mut budget, mut table) = (Decimal::ZERO, Decimal::ZERO);
        for row in rows {
            n += 1;
            ws.write_number_with_format(at, 0, n as f64, &centred)?;
            ws.write_string_with_format(at, 1, &row.department, &text)?;
            ws.write_string_with_format(at, 2, &row.project, &text)?;
            for (col, amount) in [(BUDGET, row.budget), (TABLE, row.table)] {
                match number(amount) {
                    Some(x) => ws.write_number_with_format(at, col, x, &money)?,
                    None => ws.write_blank(at, col, &money)?,
                };
            }
            budget = budget.saturating_add(row.budget.unwrap_or_default());
            table = table.saturating_add(row.table.unwrap_or_default());
            let marked = |f: &Format| match fill(row.status) {
                Some(colour) => f.clone().set_background_color(colour),
                None => f.clone(),
            };
            match row.difference() {
                Some(d) => {
                    let formula = difference(at).set_result(crate::value::money(d).to_string());
                    ws.write_formula_with_format(at, DIFF, formula, &marked(&money))?
                }
                None => ws.write_blank(at, DIFF, &marked(&money))?,
            };
            ws.write_string_with_format(at, STATUS, row.status.as_str(), &marked(&centred))?;
            let line = row.line.as_ref().map(|l| l.describe()).unwrap_or_default();
            let source = row
                .source
                .as_ref()
                .map(|s| format!("{}:{}", s.file, s.sheet))
                .unwrap_or_default();
            let note = match (&row.likely, row.status) {
                (Some(likely), _) => likely.clone(),
                (None, Status::NoAmount) => "表中未填年度资金总额".to_string(),
                _ => String::new(),
            };
            ws.write_string_with_format(at, 7, super::fit_cell(&line), &text)?;
            ws.write_string_with_format(at, 8, super::fit_cell(&source), &text)?;
            ws.write_string_with_format(at, 9, super::fit_cell(&note), &text)?;
            let lines = [
                (row.department.as_str(), 1),
                (row.project.as_str(), 2),
                (line.as_str(), 7),
                (source.as_str(), 8),
                (note.as_str(), 9),
            ]
            .iter()
            .map(|(s, c)| super::wrapped_lines(s, HEADERS[*c].1))
            .max()
            .unwrap_or(1);
            ws.set_row_height(at, super::official::height(lines))?;
            at += 1;
        }
        let label = format!("{} 小计（{} 个项目）", rows[0].department, rows.len());
        sum_row(
            ws,
            at,
            first,
            at - 1,
            &label,
            (budget, table),
            &sub,
            &sub_money,
        )?;
        all_budget = all_budget.saturating_add(budget);
        all_table = all_table.saturating_add(table);
        at += 1;
    }
    // SUBTOTAL(9, …) leaves out the 小计 rows, which are SUBTOTALs themselves.
    let label = format!("合计（{n} 个项目）");
    sum_row(
        ws,
        at,
        HEADER_ROW + 1,
        at.saturating_sub(1).max(HEADER_ROW + 1),
        &label,
        (all_budget, all_table),
        &sub,
        &sub_money,
    )?;
    // No autofilter: sorting would scatter the 小计 rows among the projects.
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.set_paper_size(t.print.paper.code());
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

/// `=E4-D4`: 年度资金总额 − 预算金额 on row `r`.
fn difference(r: u32) -> Formula {
    let (table, budget) = (column_name(TABLE.into()), column_name(BUDGET.into()));
    Formula::new(format!("={table}{n}-{budget}{n}", n = r + 1))
}

#[allow(clippy::too_many_arguments)]
fn sum_row(
    ws: &mut Worksheet,
    r: u32,
    first: u32,
    last: u32,
    label: &str,
    (budget, table): (Decimal, Decimal),
    sub: &Format,
    sub_money: &Format,
) -> Result<(), XlsxError> {
    ws.write_blank(r, 0, sub)?;
    ws.merge_range(r, 1, r, 2, label, sub)?;
    for (col, amount) in [(BUDGET, budget), (TABLE, table)] {
        let letter = column_name(col.into());
        let formula = Formula::new(format!(
            "=SUBTOTAL(9,{letter}{}:{letter}{})",
            first + 1,
            last + 1
        ))
        .set_result(crate::value::money(amount).to_string());
        ws.write_formula_with_format(r, col, formula, sub_money)?;
    }
    let diff = crate::value::money(table.saturating_sub(budget)).to_string();
    ws.write_formula_with_format(r, DIFF, difference(r).set_result(diff), sub_money)?;
    for col in STATUS..HEADERS.len() as u16 {
        ws.write_blank(r, col, sub)?;
    }
    ws.set_row_height(r, super::official::height(1) + 4.0)?;
    Ok(())
}
