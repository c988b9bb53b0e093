//! The workbook of `jixiao diff -o 变更.xlsx`: 变更, one row per change, and 项目对比,
//! one row per project with both years' 年度资金总额. Added rows are green, removed ones
//! red and struck through, changed and renamed ones yellow with 原值 → 新值.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, Formula, Worksheet, XlsxError};

use crate::diff::{Diff, Kind};
use crate::template::Template;
use crate::text::column_name;

/// The fill of a kind of change.
fn fill(kind: Kind) -> &'static str {
    match kind {
        Kind::Added => "#C6EFCE",
        Kind::Removed => "#FFC7CE",
        Kind::Renamed | Kind::Changed => "#FFEB9C",
    }
}

/// The formats of a row of `kind` (text, centred, money), or plain ones for `None`.
struct Styles {
    title: Format,
    head: Format,
    base: Format,
    cell: Format,
}

impl Styles {
    fn new(t: &Template) -> Styles {
        let (base, cell) = crate::write::official::body_formats(t);
        Styles {
            title: Format::new()
                .set_font_name(&t.fonts.title)
                .set_font_size(t.fonts.title_size - 2.0)
                .set_bold()
                .set_align(FormatAlign::Center),
            head: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color("#D9E1F2"),
            base,
            cell,
        }
    }

    fn row(&self, kind: Option<Kind>) -> (Format, Format, Format) {
        let mut text = self.cell.clone();
        if let Some(k) = kind {
            text = text.set_background_color(fill(k));
            if k == Kind::Removed {
                text = text.set_font_strikethrough();
            }
        }
        let centred = text.clone().set_align(FormatAlign::Center);
        let money = text.clone().set_num_format("0.00");
        (text, centred, money)
    }
}

fn f64_of(d: Decimal) -> f64 {
    d.to_f64().unwrap_or_default()
}

/// The workbook: 变更 and 项目对比. `old` and `new` name the two sides (the paths
/// given), for the titles.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell or a sheet.
pub fn diff_workbook(d: &Diff, old: &str, new: &str, t: &Template) -> Result<Vec<u8>, XlsxError> {
    let mut wb = super::output_workbook(Some("diff"));
    let s = Styles::new(t);
    let ws = wb.add_worksheet().set_name("变更")?;
    write_changes(ws, &s, t, d, old, new)?;
    let ws = wb.add_worksheet().set_name("项目对比")?;
    write_projects(ws, &s, t, d, old, new)?;
    wb.save_to_buffer()
}

const CHANGE_HEADERS: &[(&str, f64)] = &[
    ("序号", 6.0),
    ("变更", 7.0),
    ("主管部门", 22.0),
    ("项目名称", 26.0),
    ("变更内容", 24.0),
    ("原值", 18.0),
    ("新值", 18.0),
    ("原值 → 新值", 30.0),
    ("增减（万元）", 11.0),
    ("新表位置", 26.0),
    ("原表位置", 26.0),
];

fn set_up(ws: &mut Worksheet, t: &Template, head_row: u32) -> Result<(), XlsxError> {
    ws.set_freeze_panes(head_row + 1, 0)?;
    ws.set_paper_size(t.print.paper.code());
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(head_row, head_row)?;
    Ok(())
}

fn heading(
    ws: &mut Worksheet,
    s: &Styles,
    title: &str,
    sub: &str,
    headers: &[(&str, f64)],
) -> Result<(), XlsxError> {
    let last = headers.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last, title, &s.title)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        sub,
        &s.base.clone().set_align(FormatAlign::Right),
    )?;
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &s.head)?;
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}

fn write_changes(
    ws: &mut Worksheet,
    s: &Styles,
    t: &Template,
    d: &Diff,
    old: &str,
    new: &str,
) -> Result<(), XlsxError> {
    heading(
        ws,
        s,
        "项目支出绩效目标表变更对比",
        &format!("原：{old}　新：{new}　金额单位：万元"),
        CHANGE_HEADERS,
    )?;
    for (i, c) in d.changes.iter().enumerate() {
        let r = i as u32 + 3;
        let (text, centred, money) = s.row(Some(c.kind));
        let old_value = c.old.clone().unwrap_or_default();
        let new_value = c.new.clone().unwrap_or_default();
        let both = match c.kind {
            Kind::Renamed | Kind::Changed => format!(
                "{} → {}",
                c.old.as_deref().unwrap_or("（空）"),
                c.new.as_deref().unwrap_or("（空）")
            ),
            _ => String::new(),
        };
        let places =
            |p: &Option<crate::diff::Place>| p.as_ref().map(|p| p.describe()).unwrap_or_default();
        let (new_at, old_at) = (places(&c.new_place), places(&c.old_place));
        let item = c.item();
        ws.write_number_with_format(r, 0, (i + 1) as f64, &centred)?;
        ws.write_string_with_format(r, 1, c.kind.word(), &centred)?;
        let cells = [
            (2, c.department.as_str()),
            (3, c.project.as_str()),
            (4, item.as_str()),
            (5, old_value.as_str()),
            (6, new_value.as_str()),
            (7, both.as_str()),
            (9, new_at.as_str()),
            (10, old_at.as_str()),
        ];
        for (col, value) in cells {
            ws.write_string_with_format(r, col, super::fit_cell(value), &text)?;
        }
        match c.difference {
            Some(x) => ws.write_number_with_format(r, 8, f64_of(x), &money)?,
            None => ws.write_blank(r, 8, &money)?,
        };
        let lines = cells
            .iter()
            .map(|(col, v)| super::wrapped_lines(v, CHANGE_HEADERS[*col as usize].1))
            .max()
            .unwrap_or(1);
        ws.set_row_height(r, super::official::height(lines.min(12)))?;
    }
    if d.changes.is_empty() {
        ws.merge_range(
            3,
            0,
            3,
            CHANGE_HEADERS.len() as u16 - 1,
            "没有变更",
            &s.cell,
        )?;
    }
    ws.autofilter(
        2,
        0,
        d.changes.len().max(1) as u32 + 2,
        CHANGE_HEADERS.len() as u16 - 1,
    )?;
    set_up(ws, t, 2)
}

const PROJECT_HEADERS: &[(&str, f64)] = &[
    ("序号", 6.0),
    ("主管部门", 22.0),
    ("项目名称", 28.0),
    ("原项目名称", 24.0),
    ("原年度资金总额", 13.0),
    ("新年度资金总额", 13.0),
    ("增减", 11.0),
    ("对比结果", 9.0),
    ("变更处数", 8.0),
    ("新表位置", 26.0),
    ("原表位置", 26.0),
];

fn write_projects(
    ws: &mut Worksheet,
    s: &Styles,
    t: &Template,
    d: &Diff,
    old: &str,
    new: &str,
) -> Result<(), XlsxError> {
    heading(
        ws,
        s,
        "项目对比",
        &format!("原：{old}　新：{new}　单位：万元"),
        PROJECT_HEADERS,
    )?;
    let (old_col, new_col) = (4u16, 5u16);
    let mut r = 3;
    for (i, p) in d.projects.iter().enumerate() {
        let (text, centred, money) = s.row(p.status);
        let status = match p.status {
            Some(Kind::Changed) => "有变更",
            Some(k) => k.word(),
            None => "未变",
        };
        let places =
            |p: &Option<crate::diff::Place>| p.as_ref().map(|p| p.describe()).unwrap_or_default();
        let (new_at, old_at) = (places(&p.new_place), places(&p.old_place));
        let old_name = p.old_project.clone().unwrap_or_default();
        ws.write_number_with_format(r, 0, (i + 1) as f64, &centred)?;
        for (col, value) in [
            (1, p.department.as_str()),
            (2, p.project.as_str()),
            (3, old_name.as_str()),
            (9, new_at.as_str()),
            (10, old_at.as_str()),
        ] {
            ws.write_string_with_format(r, col, super::fit_cell(value), &text)?;
        }
        for (col, amount) in [(old_col, p.old_total), (new_col, p.new_total)] {
            match amount {
                Some(x) => ws.write_number_with_format(r, col, f64_of(x), &money)?,
                None => ws.write_blank(r, col, &money)?,
            };
        }
        match p.old_total.zip(p.new_total) {
            Some((a, b)) => {
                let diff = crate::value::money(b.saturating_sub(a)).to_string();
                let formula = Formula::new(format!("=F{n}-E{n}", n = r + 1)).set_result(diff);
                ws.write_formula_with_format(r, 6, formula, &money)?
            }
            None => ws.write_blank(r, 6, &money)?,
        };
        ws.write_string_with_format(r, 7, status, &centred)?;
        ws.write_number_with_format(r, 8, p.changes as f64, &centred)?;
        let lines = [
            (1, &p.department),
            (2, &p.project),
            (9, &new_at),
            (10, &old_at),
        ]
        .iter()
        .map(|(col, v)| super::wrapped_lines(v, PROJECT_HEADERS[*col].1))
        .max()
        .unwrap_or(1);
        ws.set_row_height(r, super::official::height(lines))?;
        r += 1;
    }
    // 合计: each year's total over the projects it has.
    let (sum, _, sum_money) = s.row(None);
    let sum = sum.set_bold().set_background_color("#F2F2F2");
    let sum_money = sum_money.set_bold().set_background_color("#F2F2F2");
    let total = |f: fn(&crate::diff::ProjectRow) -> Option<Decimal>| {
        d.projects
            .iter()
            .filter_map(f)
            .fold(Decimal::ZERO, Decimal::saturating_add)
    };
    let (old_sum, new_sum) = (total(|p| p.old_total), total(|p| p.new_total));
    ws.write_blank(r, 0, &sum)?;
    ws.merge_range(
        r,
        1,
        r,
        3,
        &format!(
            "合计（原 {} 个项目，新 {} 个项目）",
            d.summary.old_projects, d.summary.new_projects
        ),
        &sum,
    )?;
    for (col, amount) in [(old_col, old_sum), (new_col, new_sum)] {
        let letter = column_name(col.into());
        let formula = Formula::new(format!("=SUBTOTAL(9,{letter}4:{letter}{})", r.max(4)))
            .set_result(crate::value::money(amount).to_string());
        ws.write_formula_with_format(r, col, formula, &sum_money)?;
    }
    let diff = crate::value::money(new_sum.saturating_sub(old_sum)).to_string();
    ws.write_formula_with_format(
        r,
        6,
        Formula::new(format!("=F{n}-E{n}", n = r + 1)).set_result(diff),
        &sum_money,
    )?;
    for col in 7..PROJECT_HEADERS.len() as u16 {
        ws.write_blank(r, col, &sum)?;
    }
    set_up(ws, t, 2)
}
