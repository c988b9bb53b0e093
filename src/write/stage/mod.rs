//! A stage's table (申报表, 监控表, 自评表) in the layout its form describes
//! ([`crate::template::Form`]): title, header rows, 项目资金, 年度总体目标 and the indicator
//! grid. Blank for a department to fill, copied from the model as read, or prefilled
//! from a 批复表 with formulas where a figure follows from what the department types.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{DataValidation, Format, FormatAlign, Formula, Worksheet, XlsxError};

use crate::framework::FRAMEWORK;
use crate::model::{Indicator, Project};
use crate::score::Reverse;
use crate::template::form::{Content, HeaderField};
use crate::template::{Form, Template};
use crate::text::a1;
use crate::write::formula;
use crate::write::official::{Layout, Look, Placements, Written, height};
use crate::write::wrapped_lines;

mod funds;
use funds::{Execution, write_funds};

/// What the table holds besides its layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A blank form: hints and dropdowns, rows to fill.
    Blank,
    /// The model as read: every value as written, no formulas but the 总分 sums.
    Copy,
    /// Carried forward from a 批复表: the targets, funds and 分值 filled in, formulas for
    /// 执行率, 得分 and 总分, and the department's cells left open with their hints.
    Prefill(Reverse),
}

/// The formats of a stage's table, beside the official layout's.
struct Formats {
    money: Format,
    pct: Format,
    number: Format,
    input: Format,
    money_input: Format,
}

impl Formats {
    fn new(t: &Template) -> Formats {
        let (_, cell) = crate::write::official::body_formats(t);
        Formats {
            money: cell
                .clone()
                .set_align(FormatAlign::Center)
                .set_num_format("0.00"),
            pct: cell
                .clone()
                .set_align(FormatAlign::Center)
                .set_num_format("0.00%"),
            number: cell.clone().set_align(FormatAlign::Center),
            input: cell
                .clone()
                .set_align(FormatAlign::Left)
                .set_num_format("@"),
            money_input: cell.set_align(FormatAlign::Center).set_num_format("0.00"),
        }
    }
}

/// Where the sheet's parts go across its columns.
struct Across<'a> {
    widths: &'a [f64],
    /// How much more text a column holds than at 11 points, the size widths are set for.
    scale: f64,
    last: u16,
    /// Where the right half of a header row starts (实施单位), and where its label ends.
    right: (u16, u16),
}

impl<'a> Across<'a> {
    fn new(widths: &'a [f64], body_size: f64) -> Across<'a> {
        let last = widths.len() as u16 - 1;
        let total: f64 = widths.iter().sum();
        // The right half's label stands near the middle, with room for four characters.
        let mut m = 3;
        while m < last - 1 && widths[..m as usize].iter().sum::<f64>() < total * 0.45 {
            m += 1;
        }
        let mut m2 = m;
        while m2 < last - 1 && widths[m as usize..=m2 as usize].iter().sum::<f64>() < 9.0 {
            m2 += 1;
        }
        Across {
            widths,
            scale: 11.0 / body_size.max(6.0),
            last,
            right: (m, m2),
        }
    }

    fn width(&self, from: u16, to: u16) -> f64 {
        self.widths[from as usize..=to as usize].iter().sum()
    }

    /// The lines `text` wraps to in a cell `width` wide, at the body's size.
    fn lines(&self, text: &str, width: f64) -> u32 {
        wrapped_lines(text, width * self.scale)
    }
}

/// Text across `c0..=c1` of row `r`: one cell, or merged.
fn span(
    ws: &mut Worksheet,
    r: u32,
    (c0, c1): (u16, u16),
    text: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    span_rows(ws, (r, r), (c0, c1), text, f)
}

fn span_rows(
    ws: &mut Worksheet,
    (r0, r1): (u32, u32),
    (c0, c1): (u16, u16),
    text: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    let text = crate::write::fit_cell(text);
    if r0 == r1 && c0 == c1 {
        ws.write_string_with_format(r0, c0, text, f)?;
    } else {
        ws.merge_range(r0, c0, r1, c1, text, f)?;
    }
    Ok(())
}

fn hint(title: &str, message: &str) -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_any_value()
        .set_input_title(title.replace('\n', ""))?
        .set_input_message(message)
}

fn number(d: Decimal) -> f64 {
    d.to_f64().unwrap_or_default()
}

/// Writes one project's table (or a blank one) from `row` down.
///
/// # Errors
/// When the layout has no stage's form (it is the official one), or rust_xlsxwriter
/// refuses a cell, a merge or a validation.
pub fn write_table(
    ws: &mut Worksheet,
    l: &Layout<'_>,
    row: u32,
    p: &Project,
    mode: Mode,
) -> Result<Written, XlsxError> {
    let t = l.template;
    let Some(form) = t.form.as_ref() else {
        return Err(XlsxError::ParameterError(format!(
            "版式“{}”没有 [form]，不是申报表、监控表或自评表的版式",
            t.name
        )));
    };
    let across = Across::new(&t.columns.widths, t.fonts.body_size);
    let f = Formats::new(t);
    // A formula whose result is blank until the department types stores the empty
    // string, which every reader shows as blank.
    ws.set_formula_result_default("");
    // Where each source cell of the table is written, for the links to findings.
    let mut placed = Placements::default();
    let cell = |key: &str| p.cells.get(key).map(String::as_str);
    let mut r = write_top(ws, l, row, p, &across)?;
    placed.put(cell("title"), r - 2, 0, Look::Title);
    placed.put(cell("year"), r - 2, 0, Look::Title);
    r = write_header_rows(ws, l, r, p, form, &across, mode, &mut placed)?;
    let (next, execution) = write_funds(ws, l, r, p, form, &across, &f, mode, &mut placed)?;
    r = write_goal(ws, l, next, p, form, &across, mode)?;
    // The goal's text is on the last row of its block, from column C.
    placed.put(cell("goal"), r - 1, 2, Look::Left);
    write_grid(ws, l, r, p, form, &across, &f, mode, execution, placed)
}

/// The 附表 label (when there is one), the title and the unit line; the row after.
fn write_top(
    ws: &mut Worksheet,
    l: &Layout<'_>,
    row: u32,
    p: &Project,
    across: &Across<'_>,
) -> Result<u32, XlsxError> {
    let (s, t) = (&l.styles, l.template);
    let mut r = row;
    let label = t.label(l.parts);
    if !label.is_empty() {
        ws.write_string_with_format(r, 0, &label, &s.label_tag)?;
        r += 1;
    }
    span(ws, r, (0, across.last), &t.title_for(p, l.parts), &s.title)?;
    ws.set_row_height(r, t.fonts.title_size * 2.0)?;
    r += 1;
    span(
        ws,
        r,
        (across.last - 1, across.last),
        &format!("单位：{}", t.unit),
        &s.unit,
    )?;
    Ok(r + 1)
}

fn field_text(p: &Project, field: HeaderField) -> &str {
    let v = match field {
        HeaderField::Level1Project => &p.level1_project,
        HeaderField::Level2Project => &p.level2_project,
        HeaderField::Department => &p.department,
        HeaderField::Implementer => &p.implementer,
    };
    v.as_deref().unwrap_or_default()
}

fn field_hint(field: HeaderField) -> &'static str {
    match field {
        HeaderField::Level1Project => "项目类别，如 特定目标-单位发展专项",
        HeaderField::Level2Project => "项目本身的名称",
        HeaderField::Department => "主管部门全称",
        HeaderField::Implementer => "实施单位全称",
    }
}

/// 项目名称, 主管部门 | 实施单位 …: a label left, its value across; two to a row.
#[allow(clippy::too_many_arguments)]
fn write_header_rows(
    ws: &mut Worksheet,
    l: &Layout<'_>,
    row: u32,
    p: &Project,
    form: &Form,
    across: &Across<'_>,
    mode: Mode,
    placed: &mut Placements,
) -> Result<u32, XlsxError> {
    let s = &l.styles;
    let (m, m2) = across.right;
    let mut r = row;
    for pairs in &form.header {
        let mut cells = vec![(0, 1, 2, across.last)];
        if pairs.len() == 2 {
            cells = vec![(0, 1, 2, m - 1), (m, m2, m2 + 1, across.last)];
        }
        let mut lines = 1;
        for (cell, (l0, l1, v0, v1)) in pairs.iter().zip(cells) {
            span(ws, r, (l0, l1), &form.words(&cell.label), &s.label)?;
            let value = field_text(p, cell.field);
            span(ws, r, (v0, v1), value, &s.text)?;
            let key = match cell.field {
                HeaderField::Level1Project => "level1_project",
                HeaderField::Level2Project => "level2_project",
                HeaderField::Department => "department",
                HeaderField::Implementer => "implementer",
            };
            placed.put(p.cells.get(key).map(String::as_str), r, v0, Look::Text);
            if mode == Mode::Blank {
                ws.add_data_validation(r, v0, r, v0, &hint(&cell.label, field_hint(cell.field))?)?;
            }
            lines = lines.max(across.lines(value, across.width(v0, v1)));
        }
        ws.set_row_height(r, height(lines.max(2)))?;
        r += 1;
    }
    Ok(r)
}

/// 年度总体目标: one text across, or 预期目标 beside 实际完成情况.
fn write_goal(
    ws: &mut Worksheet,
    l: &Layout<'_>,
    row: u32,
    p: &Project,
    form: &Form,
    across: &Across<'_>,
    mode: Mode,
) -> Result<u32, XlsxError> {
    let s = &l.styles;
    let goal = p.goal.as_deref().unwrap_or_default();
    let g = &form.goal;
    let label = form.words(&g.label);
    let rows_of = |text: &str, width: f64| across.lines(text, width);
    let (Some(planned), Some(actual)) = (&g.planned, &g.actual) else {
        span(ws, row, (0, 1), &label, &s.label)?;
        span(ws, row, (2, across.last), goal, &s.left)?;
        let lines = rows_of(goal, across.width(2, across.last));
        // Room for a goal of a few hundred characters in a blank form.
        let lines = if mode == Mode::Blank { 6 } else { lines.max(2) };
        ws.set_row_height(row, height(lines))?;
        if mode == Mode::Blank {
            let message = g
                .hint
                .as_deref()
                .unwrap_or("分条写明，如 目标1：…；目标2：…");
            ws.add_data_validation(row, 2, row, 2, &hint(&label, &form.words(message))?)?;
        }
        return Ok(row + 1);
    };
    let m = across.right.0;
    span_rows(ws, (row, row + 1), (0, 1), &label, &s.label)?;
    span(ws, row, (2, m - 1), &form.words(planned), &s.label)?;
    span(ws, row, (m, across.last), &form.words(actual), &s.label)?;
    ws.set_row_height(row, height(1))?;
    let done = if mode == Mode::Copy {
        p.goal_actual.as_deref().unwrap_or_default()
    } else {
        ""
    };
    span(ws, row + 1, (2, m - 1), goal, &s.left)?;
    span(ws, row + 1, (m, across.last), done, &s.left)?;
    let lines = rows_of(goal, across.width(2, m - 1))
        .max(rows_of(done, across.width(m, across.last)))
        .max(if mode == Mode::Blank { 6 } else { 4 });
    ws.set_row_height(row + 1, height(lines))?;
    if mode != Mode::Copy {
        let message = g.hint.as_deref().unwrap_or("写明目标的实际完成情况");
        ws.add_data_validation(row + 1, m, row + 1, m, &hint(actual, &form.words(message))?)?;
    }
    Ok(row + 2)
}

/// The text an indicator shows in a column that holds plain text.
fn text_of(i: &Indicator, content: Content, header: &str) -> String {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    match content {
        Content::Level1 => i.level1.clone(),
        Content::Level2 => i.level2.clone(),
        Content::Name => i.name.clone(),
        Content::Value => i.value.text.clone(),
        Content::Op => i
            .value
            .op
            .map(|o| o.official().to_string())
            .unwrap_or_default(),
        Content::Number => match i.value.number {
            Some(n) => n.to_string(),
            None => i.value.text.clone(),
        },
        Content::Unit => o(&i.value.unit),
        Content::Nature => i.nature.clone().unwrap_or_else(|| {
            match i.value.kind() {
                crate::value::Kind::Quantitative => "定量",
                crate::value::Kind::Qualitative => "定性",
                crate::value::Kind::Missing => "",
            }
            .to_string()
        }),
        Content::Direction => o(&i.direction),
        Content::Scoring => o(&i.scoring),
        Content::Note => o(&i.note),
        Content::Actual => o(&i.actual),
        Content::Score => o(&i.score),
        Content::Deviation => o(&i.deviation),
        Content::Extra => i.extra.get(header).cloned().unwrap_or_default(),
        Content::Weight => i.weight.map(|w| w.to_string()).unwrap_or_default(),
    }
}

/// True for the columns a department fills in a prefilled table.
fn filled_later(content: Content) -> bool {
    matches!(
        content,
        Content::Actual | Content::Deviation | Content::Extra
    )
}

/// The indicator grid: the vertical label down column A, the header row, a row per
/// indicator (or blank rows), and 总分 where the form closes with it.
#[allow(clippy::too_many_arguments)]
fn write_grid(
    ws: &mut Worksheet,
    l: &Layout<'_>,
    row: u32,
    p: &Project,
    form: &Form,
    across: &Across<'_>,
    f: &Formats,
    mode: Mode,
    execution: Execution,
    mut placed: Placements,
) -> Result<Written, XlsxError> {
    let s = &l.styles;
    let columns = &form.grid.columns;
    let col_of = |k: usize| k as u16 + 1;
    let head = row;
    let mut head_lines = 1;
    for (k, c) in columns.iter().enumerate() {
        let text = form.words(&c.header);
        head_lines = head_lines.max(text.lines().count() as u32);
        ws.write_string_with_format(head, col_of(k), &text, &s.head)?;
    }
    ws.set_row_height(head, height(head_lines))?;
    let first = head + 1;
    let rows: Vec<&Indicator> = if mode == Mode::Blank {
        Vec::new()
    } else {
        crate::write::official::in_framework_order(&p.indicators)
    };
    let count = if mode == Mode::Blank {
        form.grid.blank_rows.max(1)
    } else {
        rows.len().max(1) as u32
    };
    let end = first + count - 1;
    let cell_at =
        |r: u32, content: Content| form.column(content).map(|k| a1(r, u32::from(col_of(k))));
    let value_column = form
        .column(Content::Value)
        .or(form.column(Content::Number))
        .map(col_of);
    let (mut run1, mut run2) = (first, first);
    for (n, i) in rows.iter().enumerate() {
        let r = first + n as u32;
        if n > 0 && rows[n - 1].level1 != i.level1 {
            run1 = r;
        }
        if n > 0 && (&rows[n - 1].level1, &rows[n - 1].level2) != (&i.level1, &i.level2) {
            run2 = r;
        }
        let ic = &i.cells;
        if let Some(col) = value_column {
            placed.put(ic.value.as_deref().or(Some(&i.cell)), r, col, Look::Text);
        }
        for (content, source, look) in [
            (Content::Level1, &ic.level1, Look::Text),
            (Content::Level2, &ic.level2, Look::Text),
            (Content::Name, &ic.name, Look::Left),
            (Content::Note, &ic.note, Look::Left),
            (Content::Weight, &ic.weight, Look::Text),
            (Content::Actual, &ic.actual, Look::Text),
            (Content::Score, &ic.score, Look::Text),
            (Content::Deviation, &ic.deviation, Look::Left),
        ] {
            let at = match content {
                Content::Level1 => run1,
                Content::Level2 => run2,
                _ => r,
            };
            if let Some(k) = form.column(content) {
                placed.put(source.as_deref(), at, col_of(k), look);
            }
        }
        let mut lines = 1;
        for (k, c) in columns.iter().enumerate() {
            let col = col_of(k);
            if matches!(c.content, Content::Level1 | Content::Level2) {
                continue;
            }
            let header = form.words(&c.header);
            let rule = match mode {
                Mode::Prefill(reverse) => Some(reverse),
                _ => None,
            };
            let prefill = rule.is_some();
            match c.content {
                Content::Weight => {
                    match i.weight {
                        Some(w) => ws.write_number_with_format(r, col, number(w), &f.number)?,
                        None => ws.write_blank(r, col, &f.number)?,
                    };
                }
                Content::Score if prefill => {
                    let (actual, weight) = (
                        cell_at(r, Content::Actual).unwrap_or_default(),
                        cell_at(r, Content::Weight).unwrap_or_default(),
                    );
                    let reverse = rule.unwrap_or_default();
                    match formula::indicator_score(i, &actual, &weight, reverse) {
                        Some(text) => {
                            ws.write_formula_with_format(r, col, Formula::new(text), &f.number)?
                        }
                        None => ws.write_blank(r, col, &f.number)?,
                    };
                }
                Content::Score if mode == Mode::Copy => {
                    // A score written as a number stays one, so 总分's sum counts it.
                    match i.score.as_deref().and_then(crate::value::parse_number) {
                        Some(x) => ws.write_number_with_format(r, col, number(x), &f.number)?,
                        None => ws.write_string_with_format(
                            r,
                            col,
                            i.score.as_deref().unwrap_or_default(),
                            &f.number,
                        )?,
                    };
                }
                c2 if prefill && filled_later(c2) => {
                    ws.write_blank(r, col, &f.input)?;
                }
                Content::Name | Content::Note | Content::Scoring | Content::Deviation => {
                    let text = text_of(i, c.content, &header);
                    lines = lines.max(across.lines(&text, across.widths[col as usize]));
                    ws.write_string_with_format(r, col, crate::write::fit_cell(&text), &s.left)?;
                }
                _ => {
                    let text = text_of(i, c.content, &header);
                    lines = lines.max(across.lines(&text, across.widths[col as usize]));
                    ws.write_string_with_format(r, col, crate::write::fit_cell(&text), &s.text)?;
                }
            }
        }
        if let Some(k) = form.column(Content::Level2) {
            lines = lines.max(across.lines(&i.level2, across.widths[col_of(k) as usize]));
        }
        // A prefilled table leaves room to write in each row.
        let least = if mode == Mode::Copy { 1 } else { 2 };
        ws.set_row_height(r, height(lines.max(least)))?;
    }
    for level in [Content::Level1, Content::Level2] {
        if let Some(k) = form.column(level) {
            merge_runs(ws, first, &rows, level, col_of(k), &s.text)?;
        }
    }
    if rows.is_empty() {
        for r in first..=end {
            for (k, c) in columns.iter().enumerate() {
                let fmt = match c.content {
                    Content::Name | Content::Note | Content::Scoring | Content::Deviation => {
                        &s.left
                    }
                    Content::Actual | Content::Extra => &f.input,
                    _ => &s.text,
                };
                ws.write_blank(r, col_of(k), fmt)?;
            }
            ws.set_row_height(r, height(2))?;
        }
    }
    ws.merge_range(head, 0, end, 0, &form.words(&form.grid.label), &s.head)?;
    if mode != Mode::Copy {
        validations(ws, form, mode, (first, end))?;
    }
    let mut next = end + 1;
    if let Some(label) = &form.grid.total {
        write_total(ws, l, next, form, f, label, (first, end), &rows, &execution)?;
        next += 1;
    }
    Ok(Written {
        grid_header: head,
        next,
        placements: placed,
    })
}

/// 一级 or 二级 merged down its run (二级 within its 一级).
fn merge_runs(
    ws: &mut Worksheet,
    first: u32,
    rows: &[&Indicator],
    level: Content,
    col: u16,
    f: &Format,
) -> Result<(), XlsxError> {
    let key = |i: &Indicator| match level {
        Content::Level1 => (i.level1.clone(), String::new()),
        _ => (i.level1.clone(), i.level2.clone()),
    };
    let mut start = 0;
    while start < rows.len() {
        let mut end = start;
        while end + 1 < rows.len() && key(rows[end + 1]) == key(rows[start]) {
            end += 1;
        }
        let (l1, l2) = key(rows[start]);
        let label = if level == Content::Level1 { l1 } else { l2 };
        let r = (first + start as u32, first + end as u32);
        span_rows(ws, r, (col, col), &label, f)?;
        start = end + 1;
    }
    Ok(())
}

/// The hints and dropdowns of the grid's columns, over rows `first..=end`.
fn validations(
    ws: &mut Worksheet,
    form: &Form,
    mode: Mode,
    (first, end): (u32, u32),
) -> Result<(), XlsxError> {
    let level1: Vec<&str> = FRAMEWORK.iter().map(|(l1, _)| *l1).collect();
    let mut level2: Vec<&str> = FRAMEWORK
        .iter()
        .flat_map(|(_, l2)| l2.iter().copied())
        .collect();
    level2.dedup();
    for (k, c) in form.grid.columns.iter().enumerate() {
        let col = k as u16 + 1;
        // A prefilled table's targets are the approved ones: only the department's
        // columns get hints there.
        if matches!(mode, Mode::Prefill(_))
            && !(filled_later(c.content) || c.content == Content::Score)
        {
            continue;
        }
        let title = form.words(&c.header).replace('\n', "");
        let message = c.hint.as_deref().map(|h| form.words(h));
        let listed: Vec<&str> = if !c.choices.is_empty() {
            c.choices.iter().map(String::as_str).collect()
        } else if mode == Mode::Blank && c.content == Content::Level1 {
            level1.clone()
        } else if mode == Mode::Blank && c.content == Content::Level2 {
            level2.clone()
        } else {
            Vec::new()
        };
        let level1_col = form.column(Content::Level1).map(|k| k as u16 + 1);
        let v = if let (Mode::Blank, Content::Level2, Some(l1)) = (mode, c.content, level1_col) {
            crate::write::form::level2_list(first, l1)?
        } else if !listed.is_empty() {
            let default = match c.content {
                Content::Level1 => "从列表中选择：产出、效益、满意度（或新框架的成本）指标",
                Content::Level2 => "从列表中选择与一级指标对应的二级指标",
                _ => "从列表中选择",
            };
            DataValidation::new()
                .allow_list_strings(&listed)?
                .set_input_title(&title)?
                .set_input_message(message.as_deref().unwrap_or(default))?
        } else if let Some(message) = message {
            hint(&title, &message)?
        } else {
            continue;
        };
        ws.add_data_validation(first, col, end, col, &v)?;
    }
    Ok(())
}

/// 总分: the label across to the 分值 column, the sums of 分值 and of 得分 (预算执行率's
/// included) as formulas with their values stored.
#[allow(clippy::too_many_arguments)]
fn write_total(
    ws: &mut Worksheet,
    l: &Layout<'_>,
    r: u32,
    form: &Form,
    f: &Formats,
    label: &str,
    (first, end): (u32, u32),
    rows: &[&Indicator],
    execution: &Execution,
) -> Result<(), XlsxError> {
    let s = &l.styles;
    let weight = form.column(Content::Weight).map(|k| k as u16 + 1);
    let score = form.column(Content::Score).map(|k| k as u16 + 1);
    let stop = weight.or(score).unwrap_or(1);
    span(ws, r, (0, stop - 1), &form.words(label), &s.head)?;
    let range = |c: u16| format!("{}:{}", a1(first, u32::from(c)), a1(end, u32::from(c)));
    let last = l.template.columns.widths.len() as u16 - 1;
    for c in stop..=last {
        if Some(c) == weight {
            let sum: Decimal = rows.iter().filter_map(|i| i.weight).sum::<Decimal>()
                + execution.weight_value.unwrap_or_default();
            let text = formula::weights(&range(c), execution.weight.as_deref());
            let fm = Formula::new(text).set_result(formula::result(sum));
            ws.write_formula_with_format(r, c, fm, &f.number)?;
        } else if Some(c) == score {
            // What is written so far: blank in a prefilled table, where nothing is
            // scored until the department fills in.
            let written: Vec<Decimal> = rows
                .iter()
                .filter_map(|i| i.score.as_deref().and_then(crate::value::parse_number))
                .chain(execution.score_value)
                .collect();
            let text = formula::total(&range(c), execution.score.as_deref());
            let mut fm = Formula::new(text);
            if !written.is_empty() {
                let sum = crate::score::round2(written.iter().sum());
                fm = fm.set_result(formula::result(sum));
            }
            ws.write_formula_with_format(r, c, fm, &f.number)?;
        } else {
            ws.write_blank(r, c, &s.text)?;
        }
    }
    ws.set_row_height(r, height(1))?;
    Ok(())
}
