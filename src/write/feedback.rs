//! The feedback a bureau sends back to a department (`check --feedback`): a list of the
//! findings first, each linked to its cell, then every table of the department in the
//! official layout with each cell that has a finding filled light red and a note on it.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Format, FormatAlign, Note, Workbook, Worksheet, XlsxError};

use crate::model::{Diagnostic, Project, Severity};
use crate::write::links::{Links, Target};
use crate::write::official::{self, Layout};
use crate::write::{SheetNames, rollup, wrapped_lines};

/// The fill of a cell with a finding: Excel's own light red for bad values.
const FINDING_FILL: &str = "#FFC7CE";
/// The list of findings starts here, under the title and the summary.
const LIST_TOP: u32 = 3;
/// The name of the first sheet.
pub const LIST_SHEET: &str = "审核意见";

/// One department's feedback workbook: [`LIST_SHEET`] with every finding in `diagnostics`
/// (file, sheet, cell, severity, rule, message and a link to the cell), then one sheet
/// per table of `projects` in the official layout, its cells with findings marked; a
/// table that does not count (another version of it does) is named so on its tab.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell, a note or a link.
pub fn department_workbook(
    department: &str,
    projects: &[(&Project, bool)],
    diagnostics: &[&Diagnostic],
    l: &Layout<'_>,
) -> Result<Vec<u8>, XlsxError> {
    let projects: Vec<(Project, bool)> = projects
        .iter()
        .map(|(p, counts)| (super::fit_project(p), *counts))
        .collect();
    let mut wb = super::output_workbook(Some("feedback"));
    let mut names = SheetNames::default();
    let list = names.unique(LIST_SHEET);
    wb.add_worksheet().set_name(&list)?;
    let mut links = Links::default();
    for (p, counts) in &projects {
        let name = p.level2_project.as_deref().unwrap_or("绩效目标表");
        let name = if *counts {
            names.unique(name)
        } else {
            // The mark must survive the 31 characters a sheet name may have.
            let mark = "（未计入）";
            let room = 31 - mark.encode_utf16().count();
            names.unique(&format!(
                "{}{mark}",
                super::prefix_within(name, room, char::len_utf16)
            ))
        };
        let ws = wb.add_worksheet().set_name(&name)?;
        official::set_up_sheet(ws, l.template)?;
        let written = super::write_table(ws, l, 0, p)?;
        if l.template.print.repeat_grid_header {
            ws.set_repeat_rows(written.grid_header, written.grid_header)?;
        }
        footer(ws, department);
        links.add(&p.source, &name, written.placements);
    }
    mark(&mut wb, l, diagnostics, &links)?;
    let owned: Vec<Diagnostic> = diagnostics.iter().map(|d| (*d).clone()).collect();
    let ws = wb.worksheet_from_name(&list)?;
    let title = format!("{department}项目支出绩效目标表审核意见");
    let counted = projects.iter().filter(|(_, c)| *c).count();
    let summary = summary(projects.len(), projects.len() - counted, &owned);
    write_list(ws, l, &title, &summary, &owned, &links)?;
    wb.save_to_buffer()
}

/// The workbook of the files no table was read from (unreadable, no table, jixiao's own
/// output): they name no department, so they are listed apart, for the bureau to
/// answer whoever sent them: the file, the severity, the rule and why.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell.
pub fn unread_workbook(diagnostics: &[&Diagnostic], l: &Layout<'_>) -> Result<Vec<u8>, XlsxError> {
    const COLUMNS: [(&str, f64); 5] = [
        ("序号", 6.0),
        ("文件", 48.0),
        ("级别", 8.0),
        ("规则", 16.0),
        ("原因", 80.0),
    ];
    let t = l.template;
    let mut wb = super::output_workbook(Some("feedback"));
    let ws = wb.add_worksheet().set_name("未能读取的文件")?;
    let mut files: Vec<&str> = diagnostics.iter().map(|d| d.file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    let summary = format!(
        "以下 {} 个文件未能读出绩效目标表，没有计入检查；请联系报送单位按原因处理后重新报送。",
        files.len()
    );
    let last = COLUMNS.len() as u16 - 1;
    heading(ws, l, last, "未能读取的文件", &summary)?;
    let (_, cell) = official::body_formats(t);
    let head = cell
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color("#D9E1F2");
    let centred = cell.clone().set_align(FormatAlign::Center);
    for (c, (h, w)) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(LIST_TOP, c as u16, *h, &head)?;
        ws.set_column_width(c as u16, *w)?;
    }
    for (i, d) in diagnostics.iter().enumerate() {
        let r = LIST_TOP + 1 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &centred)?;
        ws.write_string_with_format(r, 1, super::fit_cell(&d.file), &cell)?;
        ws.write_string_with_format(r, 2, level(d.severity), &centred)?;
        ws.write_string_with_format(r, 3, d.rule.as_str(), &cell)?;
        ws.write_string_with_format(r, 4, super::fit_cell(&d.message), &cell)?;
        let lines =
            wrapped_lines(&d.message, COLUMNS[4].1).max(wrapped_lines(&d.file, COLUMNS[1].1));
        ws.set_row_height(r, official::height(lines))?;
    }
    ws.set_freeze_panes(LIST_TOP + 1, 0)?;
    ws.set_repeat_rows(LIST_TOP, LIST_TOP)?;
    print_list(ws, t);
    wb.save_to_buffer()
}

/// A severity as the lists say it.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "错误",
        Severity::Warning => "警告",
    }
}

/// What the list says above the findings.
fn summary(tables: usize, set_aside: usize, diagnostics: &[Diagnostic]) -> String {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let versions = if set_aside > 0 {
        format!("（其中 {set_aside} 张因重新报送未计入合计，工作表名称标有“未计入”）")
    } else {
        String::new()
    };
    if diagnostics.is_empty() {
        return format!("共检查 {tables} 张表{versions}，未发现问题。");
    }
    format!(
        "共检查 {tables} 张表{versions}，发现 {} 个问题（错误 {} 个，警告 {} 个）。\
         有问题的单元格在各表中以浅红色标出并附批注；点击“位置”一列可跳到该单元格。\
         错误须修改后重新报送，警告请核实。",
        diagnostics.len(),
        count(Severity::Error),
        count(Severity::Warning)
    )
}

/// The first sheet: a title, a summary and the findings, on A4 landscape.
fn write_list(
    ws: &mut Worksheet,
    l: &Layout<'_>,
    title: &str,
    summary: &str,
    diagnostics: &[Diagnostic],
    links: &Links,
) -> Result<(), XlsxError> {
    heading(ws, l, rollup::ISSUE_COLUMNS - 1, title, summary)?;
    rollup::write_issue_list(ws, l.template, LIST_TOP, diagnostics, 0, links)?;
    print_list(ws, l.template);
    Ok(())
}

/// A list's title and the summary under it, across columns A to `last`.
fn heading(
    ws: &mut Worksheet,
    l: &Layout<'_>,
    last: u16,
    title: &str,
    summary: &str,
) -> Result<(), XlsxError> {
    let t = l.template;
    let title_format = Format::new()
        .set_font_name(&t.fonts.title)
        .set_font_size(t.fonts.title_size - 2.0)
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    ws.merge_range(0, 0, 0, last, title, &title_format)?;
    ws.set_row_height(0, t.fonts.title_size * 2.0)?;
    let (base, _) = official::body_formats(t);
    let wrapped = base
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter);
    ws.merge_range(1, 0, 1, last, summary, &wrapped)?;
    ws.set_row_height(1, official::height(wrapped_lines(summary, 150.0)))?;
    Ok(())
}

/// A list prints on the template's paper, landscape, one page wide, numbered.
fn print_list(ws: &mut Worksheet, t: &crate::template::Template) {
    ws.set_paper_size(t.print.paper.code());
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_footer("&C第 &P 页，共 &N 页");
}

/// The department and the page on every printed page of a table.
fn footer(ws: &mut Worksheet, department: &str) {
    // `&` starts a code in a header or footer: a literal one is doubled.
    let dept = department.replace('&', "&&");
    ws.set_footer(format!("&L{dept}&R第 &P 页，共 &N 页"));
}

/// Fills each cell a finding is about and puts its findings in a note on it.
fn mark(
    wb: &mut Workbook,
    l: &Layout<'_>,
    diagnostics: &[&Diagnostic],
    links: &Links,
) -> Result<(), XlsxError> {
    // By sheet and cell, so each cell gets one note with all of its findings, in order.
    let mut cells: BTreeMap<(String, u32, u16), (Target, Vec<&Diagnostic>)> = BTreeMap::new();
    for d in diagnostics {
        if let Some(t) = links.find(d) {
            let key = (t.sheet.clone(), t.placed.row, t.placed.col);
            cells
                .entry(key)
                .or_insert_with(|| (t, Vec::new()))
                .1
                .push(d);
        }
    }
    let font = &l.template.fonts;
    for (target, found) in cells.values() {
        let ws = wb.worksheet_from_name(&target.sheet)?;
        let (row, col) = (target.placed.row, target.placed.col);
        let fill = l
            .styles
            .of(target.placed.look)
            .clone()
            .set_background_color(FINDING_FILL);
        ws.set_cell_format(row, col, &fill)?;
        let text = note_text(found);
        let lines = wrapped_lines(&text, 40.0);
        let note = Note::new(super::fit_cell(&text))
            .set_author("审核意见")
            .add_author_prefix(false)
            .set_format(
                Format::new()
                    .set_font_name(&font.body)
                    .set_font_size(10)
                    .set_background_color("#FFFFE1"),
            )
            .set_width(300)
            .set_height(lines.clamp(2, 30) * 17 + 8);
        ws.insert_note(row, col, &note)?;
    }
    Ok(())
}

/// A cell's findings as its note says them: one a line, severity first.
fn note_text(found: &[&Diagnostic]) -> String {
    found
        .iter()
        .map(|d| format!("【{}】{}", level(d.severity), d.message))
        .collect::<Vec<_>>()
        .join("\n")
}
