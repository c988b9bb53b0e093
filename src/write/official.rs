//! The official layout of a performance target table (the seed's 附表7), drawn from
//! the model: title, unit line, header block, 资金情况, 年度总体目标 and the indicator
//! grid with 一级/二级 merged down their runs.

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

use crate::model::Project;
use crate::template::{Orientation, Template, TitleParts};
use crate::write::wrapped_lines;

const COLS: u16 = 6;
const LINE_HEIGHT: f64 = 14.5;

/// The formats of the layout, built once per workbook from the template.
pub struct Styles {
    pub(crate) label_tag: Format,
    pub(crate) title: Format,
    pub(crate) unit: Format,
    pub(crate) label: Format,
    pub(crate) text: Format,
    pub(crate) left: Format,
    pub(crate) money: Format,
    pub(crate) head: Format,
}

impl Styles {
    /// The body font throughout; thin borders, wrapped and centred text; amounts 0.00.
    pub fn new(t: &Template) -> Styles {
        let (base, cell) = body_formats(t);
        Styles {
            label_tag: base
                .clone()
                .set_font_size(t.fonts.body_size + 1.0)
                .set_bold(),
            title: Format::new()
                .set_font_name(&t.fonts.title)
                .set_font_size(t.fonts.title_size)
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

/// Which of the layout's formats a cell was written with, so a cell can be marked
/// afterwards (a finding's fill) in its own format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// The table's title, large and bold.
    Title,
    /// A centred text cell (labels, 一级/二级指标, 指标值).
    Text,
    /// A left-aligned text cell (names, the goal).
    Left,
    /// An amount in 万元, shown with two decimals (0.00).
    Money,
}

impl Styles {
    /// The format a [`Look`] names.
    pub fn of(&self, look: Look) -> &Format {
        match look {
            Look::Title => &self.title,
            Look::Text => &self.text,
            Look::Left => &self.left,
            Look::Money => &self.money,
        }
    }
}

/// Where a value of the source was written: the cell (zero-based) and its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    /// The row, zero-based.
    pub row: u32,
    /// The column, zero-based.
    pub col: u16,
    /// The format the cell was written with.
    pub look: Look,
}

/// Where each source cell of a table (`Project.cells`, `Indicator.cells`, in the
/// department's sheet) was written in the official layout; a source cell read for
/// several values (a merged 一级指标) maps to the first place it was written.
#[derive(Debug, Clone, Default)]
pub struct Placements {
    cells: indexmap::IndexMap<String, Placed>,
}

impl Placements {
    pub(crate) fn put(&mut self, source: Option<&str>, row: u32, col: u16, look: Look) {
        if let Some(a1) = source.filter(|a| !a.is_empty()) {
            self.cells
                .entry(a1.to_string())
                .or_insert(Placed { row, col, look });
        }
    }

    /// Where the value read from `source` (A1 in the submitted sheet) was written.
    pub fn get(&self, source: &str) -> Option<Placed> {
        self.cells.get(source).copied()
    }

    /// Only the cells `keep` says yes to.
    pub fn only(self, keep: impl Fn(&str) -> bool) -> Placements {
        Placements {
            cells: self.cells.into_iter().filter(|(a1, _)| keep(a1)).collect(),
        }
    }

    /// True when `source` is one of the table's cells.
    pub fn contains(&self, source: &str) -> bool {
        self.cells.contains_key(source)
    }
}

/// The body font of the template, and the same as a bordered, wrapped, vertically
/// centred table cell: what every sheet jixiao writes starts from.
pub(crate) fn body_formats(t: &Template) -> (Format, Format) {
    let base = Format::new()
        .set_font_name(&t.fonts.body)
        .set_font_size(t.fonts.body_size);
    let cell = base
        .clone()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    (base, cell)
}

/// What the writer needs besides the project: the layout and the title's parts.
pub struct Layout<'a> {
    /// The layout definition: labels, title pattern, fonts, widths, print settings.
    pub template: &'a Template,
    /// What the command line says of the title (region, year, 附表 label).
    pub parts: &'a TitleParts,
    /// The template's formats, built once and shared by every sheet written.
    pub styles: Styles,
    /// Where a merged workbook's sheets, streamed row by row, keep their temporary
    /// files (unlinked, gone when the workbook is written); `None`: the system's
    /// temporary folder. The page gives its own folder, removed when it stops.
    pub temp_dir: Option<std::path::PathBuf>,
}

impl<'a> Layout<'a> {
    /// The layout to write tables in, its formats built from `template`.
    pub fn new(template: &'a Template, parts: &'a TitleParts) -> Layout<'a> {
        Layout {
            template,
            parts,
            styles: Styles::new(template),
            temp_dir: None,
        }
    }

    /// As [`Layout::new`], for a form to fill in on a protected sheet: the cells that
    /// take a value (the title, the header block's values, the grid's rows) are
    /// unlocked, the labels stay locked.
    pub fn fillable(template: &'a Template, parts: &'a TitleParts) -> Layout<'a> {
        let mut styles = Styles::new(template);
        for f in [
            &mut styles.title,
            &mut styles.text,
            &mut styles.left,
            &mut styles.money,
        ] {
            *f = f.clone().set_unlocked();
        }
        Layout {
            template,
            parts,
            styles,
            temp_dir: None,
        }
    }
}

/// Where a written table's parts landed.
#[derive(Debug, Clone)]
pub struct Written {
    /// The row of the indicator grid's header.
    pub grid_header: u32,
    /// The first row after the table.
    pub next: u32,
    /// Where each value's source cell was written.
    pub placements: Placements,
}

/// Sets the column widths and print settings of the template.
///
/// # Errors
/// When rust_xlsxwriter refuses a setting.
pub fn set_up_sheet(ws: &mut Worksheet, t: &Template) -> Result<(), XlsxError> {
    for (c, w) in t.columns.widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let p = &t.print;
    ws.set_paper_size(p.paper.code());
    match p.orientation {
        Orientation::Portrait => ws.set_portrait(),
        Orientation::Landscape => ws.set_landscape(),
    };
    ws.set_print_fit_to_pages(p.fit_pages_wide, 0);
    ws.set_print_center_horizontally(true);
    let m = p.margins;
    ws.set_margins(m.left, m.right, m.top, m.bottom, m.header, m.footer);
    Ok(())
}

/// Writes one project from `row` down.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell (past the sheet's limits).
pub fn write_project(
    ws: &mut Worksheet,
    l: &Layout<'_>,
    row: u32,
    p: &Project,
) -> Result<Written, XlsxError> {
    let (s, widths) = (&l.styles, &l.template.columns.widths);
    let last = COLS - 1;
    let mut placed = Placements::default();
    let mut r = header(ws, l, row, p, last, widths, &mut placed)?;
    // The indicator grid, written row by row (a sheet in constant-memory mode takes
    // its rows in order): each merged range is declared on its first row.
    let head = r;
    let rows = in_framework_order(&p.indicators);
    // The grid's rows follow its header; one blank row when there is no indicator.
    let end = head + rows.len().max(1) as u32;
    ws.merge_range(head, 0, end, 0, "绩\n效\n指\n标", &s.head)?;
    for (c, label) in ["一级指标", "二级指标", "三级指标", "指标值", "说明"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16 + 1, *label, &s.head)?;
    }
    ws.set_row_height(r, height(1))?;
    r += 1;
    // 一级 merged down its run; 二级 down its run within the 一级: a label's source cell
    // is written where its run starts.
    let (mut l1, mut l2) = (r, r);
    for (i, ind) in rows.iter().enumerate() {
        let rr = r + i as u32;
        let starts1 = i == 0 || rows[i - 1].level1 != ind.level1;
        let starts2 =
            i == 0 || (&rows[i - 1].level1, &rows[i - 1].level2) != (&ind.level1, &ind.level2);
        if starts1 {
            l1 = rr;
            let run = run_length(&rows[i..], |a, b| a.level1 == b.level1);
            merge_down(ws, rr, run, 1, &ind.level1, &s.text)?;
        }
        if starts2 {
            l2 = rr;
            let run = run_length(&rows[i..], |a, b| {
                (&a.level1, &a.level2) == (&b.level1, &b.level2)
            });
            merge_down(ws, rr, run, 2, &ind.level2, &s.text)?;
        }
        placed.put(ind.cells.level1.as_deref(), l1, 1, Look::Text);
        placed.put(ind.cells.level2.as_deref(), l2, 2, Look::Text);
        let note = ind.note.as_deref().unwrap_or("");
        let c = &ind.cells;
        placed.put(c.value.as_deref().or(Some(&ind.cell)), rr, 4, Look::Text);
        placed.put(c.name.as_deref(), rr, 3, Look::Left);
        placed.put(c.note.as_deref(), rr, 5, Look::Left);
        ws.write_string_with_format(rr, 3, &ind.name, &s.left)?;
        ws.write_string_with_format(rr, 4, &ind.value.text, &s.text)?;
        ws.write_string_with_format(rr, 5, note, &s.left)?;
        let lines = wrapped_lines(&ind.name, widths[3])
            .max(wrapped_lines(&ind.value.text, widths[4]))
            .max(wrapped_lines(note, widths[5]))
            .max(wrapped_lines(&ind.level2, widths[2]));
        ws.set_row_height(rr, height(lines))?;
    }
    if rows.is_empty() {
        for c in 1..COLS {
            ws.write_blank(r, c, &s.text)?;
        }
    }
    Ok(Written {
        grid_header: head,
        next: end + 1,
        placements: placed,
    })
}

/// The indicators grouped as the framework orders them (产出, 成本, 效益, 满意度; 二级
/// in the framework's order within each), source order kept within a group, labels
/// outside the framework after the rest: 一级 and 二级 then merge in whole runs.
pub(crate) fn in_framework_order(
    indicators: &[crate::model::Indicator],
) -> Vec<&crate::model::Indicator> {
    use crate::framework::FRAMEWORK;
    let rank = |i: &crate::model::Indicator| {
        let one = FRAMEWORK.iter().position(|(l1, _)| *l1 == i.level1);
        let two = one.and_then(|k| FRAMEWORK[k].1.iter().position(|l2| *l2 == i.level2));
        (one.unwrap_or(FRAMEWORK.len()), two.unwrap_or(usize::MAX))
    };
    let mut rows: Vec<&crate::model::Indicator> = indicators.iter().collect();
    rows.sort_by_key(|i| rank(i));
    rows
}

/// Writes the label, title, unit line, header block, 资金情况 and 年度总体目标 across
/// columns A to `last`; returns the row after them. `widths` are the columns' widths.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell.
pub fn write_header(
    ws: &mut Worksheet,
    l: &Layout<'_>,
    row: u32,
    p: &Project,
    last: u16,
    widths: &[f64],
) -> Result<u32, XlsxError> {
    header(ws, l, row, p, last, widths, &mut Placements::default())
}

/// [`write_header`], saying where each header value's source cell was written.
fn header(
    ws: &mut Worksheet,
    l: &Layout<'_>,
    row: u32,
    p: &Project,
    last: u16,
    widths: &[f64],
    placed: &mut Placements,
) -> Result<u32, XlsxError> {
    let (s, t) = (&l.styles, l.template);
    let cell = |key: &str| p.cells.get(key).map(String::as_str);
    let text = |o: &Option<String>| o.clone().unwrap_or_default();
    let mut r = row;
    ws.write_string_with_format(r, 0, t.label(l.parts), &s.label_tag)?;
    r += 1;
    ws.merge_range(r, 0, r, last, &t.title_for(p, l.parts), &s.title)?;
    // The year is read from the title or a line under it: both are in the title here.
    placed.put(cell("title"), r, 0, Look::Title);
    placed.put(cell("year"), r, 0, Look::Title);
    ws.set_row_height(r, t.fonts.title_size * 2.0)?;
    r += 1;
    ws.merge_range(r, last - 1, r, last, &format!("单位：{}", t.unit), &s.unit)?;
    r += 1;

    // 一级项目名称 | value | 二级项目名称 | value, then 主管部门 | … | 实施单位 | …
    let right: f64 = widths[5..=last as usize].iter().sum();
    for (l1, v1, l2, v2, keys) in [
        (
            "一级项目名称",
            &p.level1_project,
            "二级项目名称",
            &p.level2_project,
            ["level1_project", "level2_project"],
        ),
        (
            "主管部门",
            &p.department,
            "实施单位",
            &p.implementer,
            ["department", "implementer"],
        ),
    ] {
        placed.put(cell(keys[0]), r, 2, Look::Text);
        placed.put(cell(keys[1]), r, 5, Look::Text);
        ws.merge_range(r, 0, r, 1, l1, &s.label)?;
        ws.merge_range(r, 2, r, 3, &text(v1), &s.text)?;
        ws.write_string_with_format(r, 4, l2, &s.label)?;
        if last > 5 {
            ws.merge_range(r, 5, r, last, &text(v2), &s.text)?;
        } else {
            ws.write_string_with_format(r, 5, text(v2), &s.text)?;
        }
        let lines =
            wrapped_lines(&text(v1), widths[2] + widths[3]).max(wrapped_lines(&text(v2), right));
        ws.set_row_height(r, height(lines.max(2)))?;
        r += 1;
    }

    // 资金情况: one line per source, the label merged down them.
    let f = &p.funds;
    let mut lines: Vec<(String, Option<rust_decimal::Decimal>, String)> = vec![
        ("年度资金总额：".into(), f.total, "funds.total".into()),
        ("其中：财政拨款".into(), f.fiscal, "funds.fiscal".into()),
        ("非财政拨款".into(), f.non_fiscal, "funds.non_fiscal".into()),
    ];
    lines.extend(
        f.other
            .iter()
            .map(|(k, v)| (k.clone(), Some(*v), format!("funds.other.{k}"))),
    );
    let first = r;
    ws.merge_range(
        first,
        0,
        first + lines.len() as u32 - 1,
        1,
        "资金情况",
        &s.label,
    )?;
    for (label, amount, key) in &lines {
        placed.put(cell(key), r, 3, Look::Money);
        ws.write_string_with_format(r, 2, label, &s.label)?;
        ws.merge_range(r, 3, r, last, "", &s.money)?;
        if let Some(x) = amount.and_then(|d| d.to_f64()) {
            ws.write_number_with_format(r, 3, x, &s.money)?;
        }
        ws.set_row_height(r, height(1))?;
        r += 1;
    }

    ws.merge_range(r, 0, r, 1, "年度总体目标", &s.label)?;
    placed.put(cell("goal"), r, 2, Look::Left);
    let goal = text(&p.goal);
    ws.merge_range(r, 2, r, last, &goal, &s.left)?;
    ws.set_row_height(
        r,
        height(wrapped_lines(&goal, widths[2..=last as usize].iter().sum()).max(2)),
    )?;
    Ok(r + 1)
}

/// How many of `rows`, from the first, are in one run with it.
fn run_length<T>(rows: &[T], same: impl Fn(&T, &T) -> bool) -> u32 {
    rows.iter().take_while(|r| same(&rows[0], r)).count() as u32
}

/// `label` in column `col` from `row`, merged down `run` rows when there are several.
fn merge_down(
    ws: &mut Worksheet,
    row: u32,
    run: u32,
    col: u16,
    label: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    if run > 1 {
        ws.merge_range(row, col, row + run - 1, col, label, f)?;
    } else {
        ws.write_string_with_format(row, col, label, f)?;
    }
    Ok(())
}

pub(crate) fn height(lines: u32) -> f64 {
    lines as f64 * LINE_HEIGHT + 6.0
}

/// How many rows [`write_project`] takes for `p`: the label, title and unit lines, the
/// two header lines, one line per source of funds, the goal, the grid's header and
/// one line per indicator (one blank line when there is none).
pub(crate) fn table_rows(p: &Project) -> u32 {
    let funds = 3 + p.funds.other.len();
    let grid = 1 + p.indicators.len().max(1);
    u32::try_from(6 + funds + grid).unwrap_or(u32::MAX)
}
