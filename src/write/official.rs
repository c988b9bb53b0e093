//! The official layout of a performance target table (the seed's 附表7), drawn from
//! the model: title, unit line, header block, 资金情况, 年度总体目标 and the indicator
//! grid with 一级/二级 merged down their runs.

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

use crate::model::Project;
use crate::write::wrapped_lines;

/// Column widths A–F: 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 说明.
pub const WIDTHS: [f64; 6] = [5.0, 12.0, 16.0, 36.0, 16.0, 18.0];
const COLS: u16 = 6;
const LINE_HEIGHT: f64 = 14.5;

/// The formats of the layout, built once per workbook.
pub struct Styles {
    label_tag: Format,
    title: Format,
    unit: Format,
    label: Format,
    text: Format,
    left: Format,
    money: Format,
    head: Format,
}

impl Styles {
    /// 宋体 throughout; thin borders, wrapped and centred text; amounts as 0.00.
    pub fn new(font: &str) -> Styles {
        let base = Format::new().set_font_name(font).set_font_size(11);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        Styles {
            label_tag: base.clone().set_font_size(12).set_bold(),
            title: base
                .clone()
                .set_font_size(18)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            unit: base.clone().set_align(FormatAlign::Right),
            label: cell.clone().set_align(FormatAlign::Center),
            text: cell.clone().set_align(FormatAlign::Center),
            left: cell.clone().set_align(FormatAlign::Left),
            money: cell
                .clone()
                .set_align(FormatAlign::Left)
                .set_num_format("0.00"),
            head: cell.set_align(FormatAlign::Center).set_bold(),
        }
    }
}

/// Sets the column widths and A4 print settings the layout needs.
pub fn set_up_sheet(ws: &mut Worksheet) -> Result<(), XlsxError> {
    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_paper_size(9); // A4
    ws.set_portrait();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.6, 0.6, 0.75, 0.75, 0.3, 0.3);
    Ok(())
}

/// Writes one project from `row` down; returns the first row after it.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell (past the sheet's limits).
pub fn write_project(
    ws: &mut Worksheet,
    s: &Styles,
    row: u32,
    p: &Project,
    tag: &str,
) -> Result<u32, XlsxError> {
    let last = COLS - 1;
    let text = |o: &Option<String>| o.clone().unwrap_or_default();
    let mut r = row;
    ws.write_string_with_format(r, 0, tag, &s.label_tag)?;
    r += 1;
    ws.merge_range(r, 0, r, last, &text(&p.title), &s.title)?;
    ws.set_row_height(r, 36)?;
    r += 1;
    ws.merge_range(r, 4, r, last, &format!("单位：{}", p.unit), &s.unit)?;
    r += 1;

    // 一级项目名称 | value | 二级项目名称 | value, then 主管部门 | … | 实施单位 | …
    for (l1, v1, l2, v2) in [
        (
            "一级项目名称",
            &p.level1_project,
            "二级项目名称",
            &p.level2_project,
        ),
        ("主管部门", &p.department, "实施单位", &p.implementer),
    ] {
        ws.merge_range(r, 0, r, 1, l1, &s.label)?;
        ws.merge_range(r, 2, r, 3, &text(v1), &s.text)?;
        ws.write_string_with_format(r, 4, l2, &s.label)?;
        ws.write_string_with_format(r, 5, text(v2), &s.text)?;
        let lines = wrapped_lines(&text(v1), WIDTHS[2] + WIDTHS[3])
            .max(wrapped_lines(&text(v2), WIDTHS[5]));
        ws.set_row_height(r, height(lines.max(2)))?;
        r += 1;
    }

    // 资金情况: one line per source, the label merged down them.
    let f = &p.funds;
    let mut lines: Vec<(String, Option<rust_decimal::Decimal>)> = vec![
        ("年度资金总额：".into(), f.total),
        ("其中：财政拨款".into(), f.fiscal),
        ("非财政拨款".into(), f.non_fiscal),
    ];
    lines.extend(f.other.iter().map(|(k, v)| (k.clone(), Some(*v))));
    let first = r;
    for (label, amount) in &lines {
        ws.write_string_with_format(r, 2, label, &s.label)?;
        match amount.and_then(|d| d.to_f64()) {
            Some(x) => ws
                .merge_range(r, 3, r, last, "", &s.money)?
                .write_number_with_format(r, 3, x, &s.money)?,
            None => ws.merge_range(r, 3, r, last, "", &s.money)?,
        };
        ws.set_row_height(r, height(1))?;
        r += 1;
    }
    ws.merge_range(first, 0, r - 1, 1, "资金情况", &s.label)?;

    ws.merge_range(r, 0, r, 1, "年度总体目标", &s.label)?;
    let goal = text(&p.goal);
    ws.merge_range(r, 2, r, last, &goal, &s.left)?;
    ws.set_row_height(
        r,
        height(wrapped_lines(&goal, WIDTHS[2..].iter().sum()).max(2)),
    )?;
    r += 1;

    // The indicator grid.
    let head = r;
    for (c, label) in ["一级指标", "二级指标", "三级指标", "指标值", "说明"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16 + 1, *label, &s.head)?;
    }
    ws.set_row_height(r, height(1))?;
    r += 1;
    let rows = &p.indicators;
    for (i, ind) in rows.iter().enumerate() {
        let rr = r + i as u32;
        ws.write_string_with_format(rr, 3, &ind.name, &s.left)?;
        ws.write_string_with_format(rr, 4, &ind.value.text, &s.text)?;
        ws.write_string_with_format(rr, 5, ind.note.as_deref().unwrap_or(""), &s.left)?;
        let lines = wrapped_lines(&ind.name, WIDTHS[3])
            .max(wrapped_lines(&ind.value.text, WIDTHS[4]))
            .max(wrapped_lines(ind.note.as_deref().unwrap_or(""), WIDTHS[5]));
        ws.set_row_height(rr, height(lines))?;
    }
    // 一级 merged down its run; 二级 down its run within the 一级.
    merge_runs(
        ws,
        r,
        rows.iter().map(|i| (i.level1.as_str(), "")).collect(),
        1,
        &s.text,
    )?;
    merge_runs(
        ws,
        r,
        rows.iter()
            .map(|i| (i.level1.as_str(), i.level2.as_str()))
            .collect(),
        2,
        &s.text,
    )?;
    let end = r + rows.len().max(1) as u32 - 1;
    if rows.is_empty() {
        for c in 1..COLS {
            ws.write_blank(r, c, &s.text)?;
        }
    }
    ws.merge_range(head, 0, end, 0, "绩\n效\n指\n标", &s.head)?;
    Ok(end + 1)
}

/// Writes `keys` down column `col` from `row`, merging runs of equal keys; the cell
/// shows the key's last part (the 一级 or 二级 label).
fn merge_runs(
    ws: &mut Worksheet,
    row: u32,
    keys: Vec<(&str, &str)>,
    col: u16,
    f: &Format,
) -> Result<(), XlsxError> {
    let mut start = 0;
    while start < keys.len() {
        let mut end = start;
        while end + 1 < keys.len() && keys[end + 1] == keys[start] {
            end += 1;
        }
        let label = if col == 1 {
            keys[start].0
        } else {
            keys[start].1
        };
        let (r0, r1) = (row + start as u32, row + end as u32);
        if r0 == r1 {
            ws.write_string_with_format(r0, col, label, f)?;
        } else {
            ws.merge_range(r0, col, r1, col, label, f)?;
        }
        start = end + 1;
    }
    Ok(())
}

fn height(lines: u32) -> f64 {
    lines as f64 * LINE_HEIGHT + 6.0
}
