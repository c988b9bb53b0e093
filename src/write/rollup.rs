//! The bureau's annual roll-up sheet (汇总): one row per project, grouped by 主管部门
//! with a 小计 after each and a 合计 at the end; and the 问题清单 of every finding.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Format, FormatAlign, FormatUnderline, Formula, Url, Workbook, Worksheet, XlsxError,
};

use crate::aggregate;
use crate::model::{Diagnostic, Project, Severity};
use crate::template::Template;
use crate::text::column_name;
use crate::write::links::Links;
use crate::write::{Continued, SheetNames};

const HEADERS: &[(&str, f64)] = &[
    ("序号", 6.0),
    ("主管部门", 24.0),
    ("实施单位", 24.0),
    ("一级项目名称", 20.0),
    ("二级项目名称", 30.0),
    ("年度资金总额", 13.0),
    ("财政拨款", 12.0),
    ("非财政拨款", 12.0),
    ("产出指标", 9.0),
    ("效益指标", 9.0),
    ("满意度指标", 10.0),
    ("指标合计", 9.0),
    ("来源文件", 30.0),
    ("工作表", 12.0),
];
/// The first money column (年度资金总额) and the number of money columns.
const MONEY: u16 = 5;
const HEADER_ROW: u32 = 2;

struct Formats {
    title: Format,
    unit: Format,
    head: Format,
    text: Format,
    number: Format,
    money: Format,
    sub_text: Format,
    sub_money: Format,
    sub_number: Format,
    /// A version set aside (a resubmission replaced by a newer one): grey, not summed.
    stale: Format,
    /// A link to a cell of the workbook.
    link: Format,
    /// Why a finding has no link: grey.
    stale_note: Format,
}

impl Formats {
    fn new(t: &Template) -> Formats {
        let (base, cell) = crate::write::official::body_formats(t);
        let sub = cell.clone().set_bold().set_background_color("#F2F2F2");
        Formats {
            title: Format::new()
                .set_font_name(&t.fonts.title)
                .set_font_size(t.fonts.title_size - 2.0)
                .set_bold()
                .set_align(FormatAlign::Center),
            unit: base.clone().set_align(FormatAlign::Right),
            head: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color("#D9E1F2"),
            text: cell.clone(),
            number: cell.clone().set_align(FormatAlign::Center),
            money: cell.clone().set_num_format("0.00"),
            sub_text: sub.clone(),
            sub_money: sub.clone().set_num_format("0.00"),
            sub_number: sub.set_align(FormatAlign::Center),
            stale: cell
                .clone()
                .set_font_color("#808080")
                .set_font_strikethrough(),
            link: cell
                .clone()
                .set_font_color("#0563C1")
                .set_underline(FormatUnderline::Single),
            stale_note: cell.clone().set_font_color("#808080"),
        }
    }
}

/// The roll-up's title: the region and year of the inputs' tables, when they agree.
pub fn rollup_title(projects: &[Project]) -> String {
    let region = projects
        .first()
        .and_then(|p| p.title.as_deref())
        .map(crate::template::region_of)
        .unwrap_or_default();
    let year = projects.first().and_then(|p| p.year);
    let same_year = projects.iter().all(|p| p.year == year);
    match year {
        Some(y) if same_year => format!("{region}{y}年项目支出绩效目标汇总表"),
        _ => format!("{region}项目支出绩效目标汇总表"),
    }
}

/// The 汇总 sheet and, when its rows would pass `max_rows`, the sheets that continue
/// it (“汇总（续）”, with the column headers on their first row): what it wrote, in
/// order, and where the rows of a range lie.
struct Pages {
    /// Each sheet: its index in the workbook, its name, its first data row and its
    /// last row written so far.
    sheets: Vec<(usize, String, u32, u32)>,
    max_rows: u32,
    /// The sheets it continued on.
    continued: Vec<Continued>,
}

/// A row of the roll-up: which of its sheets, and the row on it.
#[derive(Clone, Copy)]
struct At {
    page: usize,
    row: u32,
}

impl Pages {
    fn ws<'w>(&self, wb: &'w mut Workbook) -> Result<&'w mut Worksheet, XlsxError> {
        wb.worksheet_from_index(self.sheets.last().map_or(0, |s| s.0))
    }

    fn page(&self) -> usize {
        self.sheets.len() - 1
    }

    /// The row to write at `r` on the current sheet, or the first data row of a new
    /// sheet when `r` is past the limit.
    fn row(
        &mut self,
        wb: &mut Workbook,
        names: &mut SheetNames,
        t: &Template,
        f: &Formats,
        r: u32,
        what: impl FnOnce() -> String,
    ) -> Result<u32, XlsxError> {
        if r < self.max_rows {
            if let Some(last) = self.sheets.last_mut() {
                last.3 = last.3.max(r);
            }
            return Ok(r);
        }
        let base = &self.sheets[0].1;
        let name = names.continued(base, self.sheets.len() + 1);
        self.continued.push(Continued {
            from: self.sheets[self.page()].1.clone(),
            sheet: name.clone(),
            first: what(),
        });
        let ws = wb.add_worksheet_with_constant_memory()?.set_name(&name)?;
        for (c, (h, w)) in HEADERS.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &f.head)?;
            ws.set_column_width(c as u16, *w)?;
        }
        print_setup(ws, t, 0)?;
        let index = wb.worksheets().len() - 1;
        self.sheets.push((index, name, 1, 1));
        Ok(1)
    }

    /// The ranges from `from` to the row before `to` (the sum row), one for each
    /// sheet they cross: `(sheet name unless it is the sum row's, first, last)`.
    fn ranges(&self, from: At, to: At) -> Vec<(Option<&str>, u32, u32)> {
        (from.page..=to.page)
            .filter_map(|k| {
                let (_, name, top, last) = &self.sheets[k];
                let first = if k == from.page { from.row } else { *top };
                let end = if k == to.page {
                    to.row.checked_sub(1)?
                } else {
                    *last
                };
                let name = (k != to.page).then_some(name.as_str());
                (first <= end).then_some((name, first, end))
            })
            .collect()
    }
}

/// The roll-up's print settings, its header at `head`.
fn print_setup(ws: &mut Worksheet, t: &Template, head: u32) -> Result<(), XlsxError> {
    // No autofilter: sorting would scatter the 小计 rows among the projects.
    ws.set_freeze_panes(head + 1, 0)?;
    ws.set_paper_size(t.print.paper.code());
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(head, head)?;
    Ok(())
}

/// Writes the 汇总 sheet, the first of `wb`, continued on further sheets past
/// `max_rows` rows; returns the continuations.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell, or a table set aside cannot be read back.
#[allow(clippy::too_many_arguments)]
pub fn write_rollup(
    wb: &mut Workbook,
    names: &mut SheetNames,
    t: &Template,
    projects: &[Project],
    superseded: &[crate::versions::Superseded],
    prefer: crate::versions::Prefer,
    tables: &dyn crate::shelf::Tables,
    max_rows: u32,
) -> Result<Vec<Continued>, XlsxError> {
    let f = Formats::new(t);
    let name = names.unique("汇总");
    wb.add_worksheet_with_constant_memory()?.set_name(&name)?;
    let index = wb.worksheets().len() - 1;
    let mut pages = Pages {
        sheets: vec![(index, name, HEADER_ROW + 1, HEADER_ROW + 1)],
        max_rows: max_rows.max(HEADER_ROW + 2),
        continued: Vec::new(),
    };
    let last_col = HEADERS.len() as u16 - 1;
    {
        let ws = pages.ws(wb)?;
        ws.merge_range(0, 0, 0, last_col, &rollup_title(projects), &f.title)?;
        ws.set_row_height(0, 30)?;
        ws.merge_range(
            1,
            last_col - 2,
            1,
            last_col,
            &format!("单位：{}", t.unit),
            &f.unit,
        )?;
        for (c, (h, w)) in HEADERS.iter().enumerate() {
            ws.write_string_with_format(HEADER_ROW, c as u16, *h, &f.head)?;
            ws.set_column_width(c as u16, *w)?;
        }
    }
    let mut r = HEADER_ROW + 1;
    let mut n = 0;
    let mut all_counts = [0usize; 4];
    for (dept, group) in aggregate::group_by(projects, aggregate::department_of) {
        let mut first = None;
        let mut counts = [0usize; 4];
        for p in &group {
            n += 1;
            r = pages.row(wb, names, t, &f, r, || format!("第 {n} 个项目"))?;
            let page = pages.page();
            first.get_or_insert(At { page, row: r });
            let ws = pages.ws(wb)?;
            // 产出, 效益 and 满意度 indicators, and all of them.
            let table_counts = tables.counts(p)?;
            let s = |o: &Option<String>| o.clone().unwrap_or_default();
            ws.write_number_with_format(r, 0, n as f64, &f.number)?;
            ws.write_string_with_format(r, 1, &dept, &f.text)?;
            ws.write_string_with_format(r, 2, s(&p.implementer), &f.text)?;
            ws.write_string_with_format(r, 3, s(&p.level1_project), &f.text)?;
            ws.write_string_with_format(r, 4, s(&p.level2_project), &f.text)?;
            for (k, amount) in [p.funds.total, p.funds.fiscal, p.funds.non_fiscal]
                .iter()
                .enumerate()
            {
                match amount.and_then(|d| d.to_f64()) {
                    Some(x) => ws.write_number_with_format(r, MONEY + k as u16, x, &f.money)?,
                    None => ws.write_blank(r, MONEY + k as u16, &f.money)?,
                };
            }
            for (k, count) in table_counts.iter().enumerate() {
                ws.write_number_with_format(r, 8 + k as u16, *count as f64, &f.number)?;
                counts[k] += count;
                all_counts[k] += count;
            }
            ws.write_string_with_format(r, 12, &p.source.file, &f.text)?;
            ws.write_string_with_format(r, 13, &p.source.sheet, &f.text)?;
            let texts = [
                (1, dept.as_str()),
                (2, p.implementer.as_deref().unwrap_or("")),
                (3, p.level1_project.as_deref().unwrap_or("")),
                (4, p.level2_project.as_deref().unwrap_or("")),
                (12, p.source.file.as_str()),
            ];
            let lines = texts
                .iter()
                .map(|(c, t)| crate::write::wrapped_lines(t, HEADERS[*c].1))
                .max()
                .unwrap_or(1);
            ws.set_row_height(r, crate::write::official::height(lines))?;
            r += 1;
        }
        let totals = aggregate::totals(group.iter().copied());
        r = pages.row(wb, names, t, &f, r, || format!("“{dept} 小计”"))?;
        let at = At {
            page: pages.page(),
            row: r,
        };
        let ranges = pages.ranges(first.unwrap_or(at), at);
        write_sum_row(
            pages.ws(wb)?,
            &f,
            r,
            &ranges,
            &format!("{dept} 小计"),
            &totals,
            group.len(),
            counts,
        )?;
        r += 1;
    }
    let all = aggregate::grand_total(projects);
    r = pages.row(wb, names, t, &f, r, || "“合计”".to_string())?;
    let at = At {
        page: pages.page(),
        row: r,
    };
    let mut ranges = pages.ranges(
        At {
            page: 0,
            row: HEADER_ROW + 1,
        },
        at,
    );
    // Nothing above the 合计 on its sheet: the range is its header's next row, as
    // when the sheet has no project.
    if ranges.is_empty() {
        ranges.push((None, HEADER_ROW + 1, HEADER_ROW + 1));
    }
    // SUBTOTAL(9, …) leaves out the 小计 rows, which are SUBTOTALs themselves.
    write_sum_row(
        pages.ws(wb)?,
        &f,
        r,
        &ranges,
        "合计",
        &all,
        projects.len(),
        all_counts,
    )?;
    // Versions another submission replaced: listed below the 合计, greyed, not summed.
    if !superseded.is_empty() {
        r += 2;
        r = pages.row(wb, names, t, &f, r, || "未计入合计的重复报送".to_string())?;
        pages.ws(wb)?.merge_range(
            r,
            0,
            r,
            last_col,
            &format!(
                "未计入合计的重复报送（{} 个，已由{}版本替代）",
                superseded.len(),
                prefer.word()
            ),
            &f.sub_text,
        )?;
        for (k, crate::versions::Superseded { project: p, by }) in superseded.iter().enumerate() {
            r += 1;
            r = pages.row(wb, names, t, &f, r, || {
                format!("第 {} 个未计入合计的重复报送", k + 1)
            })?;
            let ws = pages.ws(wb)?;
            let s = |o: &Option<String>| o.clone().unwrap_or_default();
            ws.write_string_with_format(r, 0, "—", &f.stale)?;
            ws.write_string_with_format(r, 1, s(&p.department), &f.stale)?;
            ws.write_string_with_format(r, 2, s(&p.implementer), &f.stale)?;
            ws.write_string_with_format(r, 3, s(&p.level1_project), &f.stale)?;
            ws.write_string_with_format(r, 4, s(&p.level2_project), &f.stale)?;
            for (k, amount) in [p.funds.total, p.funds.fiscal, p.funds.non_fiscal]
                .iter()
                .enumerate()
            {
                match amount.and_then(|d| d.to_f64()) {
                    Some(x) => ws.write_number_with_format(r, MONEY + k as u16, x, &f.stale)?,
                    None => ws.write_blank(r, MONEY + k as u16, &f.stale)?,
                };
            }
            ws.merge_range(r, 8, r, 11, &by.describe(), &f.stale)?;
            ws.write_string_with_format(r, 12, &p.source.file, &f.stale)?;
            ws.write_string_with_format(r, 13, &p.source.sheet, &f.stale)?;
            let lines = crate::write::wrapped_lines(&p.source.file, HEADERS[12].1)
                .max(crate::write::wrapped_lines(&by.describe(), 30.0));
            ws.set_row_height(r, crate::write::official::height(lines))?;
        }
    }
    print_setup(wb.worksheet_from_index(index)?, t, HEADER_ROW)?;
    Ok(pages.continued)
}

#[allow(clippy::too_many_arguments)]
fn write_sum_row(
    ws: &mut Worksheet,
    f: &Formats,
    r: u32,
    ranges: &[(Option<&str>, u32, u32)],
    label: &str,
    totals: &aggregate::Totals,
    projects: usize,
    counts: [usize; 4],
) -> Result<(), XlsxError> {
    ws.write_blank(r, 0, &f.sub_number)?;
    ws.merge_range(
        r,
        1,
        r,
        4,
        &format!("{label}（{projects} 个项目）"),
        &f.sub_text,
    )?;
    for (k, amount) in [totals.total, totals.fiscal, totals.non_fiscal]
        .iter()
        .enumerate()
    {
        let col = MONEY + k as u16;
        let formula = Formula::new(subtotal(col, ranges)).set_result(cached(*amount));
        ws.write_formula_with_format(r, col, formula, &f.sub_money)?;
    }
    // The indicator counts are summed too.
    for (k, count) in counts.iter().enumerate() {
        let col = 8 + k as u16;
        let formula = Formula::new(subtotal(col, ranges)).set_result(count.to_string());
        ws.write_formula_with_format(r, col, formula, &f.sub_number)?;
    }
    for col in 12..HEADERS.len() as u16 {
        ws.write_blank(r, col, &f.sub_number)?;
    }
    // Bold figures need a little more than a plain line.
    ws.set_row_height(r, crate::write::official::height(1) + 4.0)?;
    Ok(())
}

/// `=SUBTOTAL(9,F4:F9)` over column `col` of `ranges`, each on another sheet when it
/// names one (`'汇总（续）'!F2:F9`).
fn subtotal(col: u16, ranges: &[(Option<&str>, u32, u32)]) -> String {
    let letter = column_name(col as u32);
    let refs: Vec<String> = ranges
        .iter()
        .map(|(sheet, first, last)| {
            let sheet = sheet
                .map(|s| format!("'{}'!", s.replace('\'', "''")))
                .unwrap_or_default();
            format!("{sheet}{letter}{}:{letter}{}", first + 1, last + 1)
        })
        .collect();
    format!("=SUBTOTAL(9,{})", refs.join(","))
}

/// The value Excel shows before recalculating, so any reader sees the sums.
fn cached(d: Decimal) -> String {
    crate::value::money(d).to_string()
}

/// Writes the 报送情况 sheet: every expected department, 已报送 or 未报送, with its
/// number of tables and errors, and a close name where one arrived instead.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell.
pub fn write_submissions(
    ws: &mut Worksheet,
    t: &Template,
    subs: &[crate::season::Submission],
) -> Result<(), XlsxError> {
    let f = Formats::new(t);
    let heads = [
        ("序号", 6.0),
        ("主管部门", 36.0),
        ("报送情况", 10.0),
        ("项目数", 8.0),
        ("错误数", 8.0),
        ("说明", 50.0),
    ];
    for (c, (h, w)) in heads.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.head)?;
        ws.set_column_width(c as u16, *w)?;
    }
    for (i, s) in subs.iter().enumerate() {
        let r = i as u32 + 1;
        let status = if s.submitted() {
            "已报送"
        } else {
            "未报送"
        };
        let note = s
            .likely
            .as_deref()
            .map(|n| format!("收到名称相近的“{n}”，请核对是否为同一部门"))
            .unwrap_or_default();
        let text = if s.submitted() { &f.text } else { &f.sub_text };
        ws.write_number_with_format(r, 0, (i + 1) as f64, &f.number)?;
        ws.write_string_with_format(r, 1, &s.department, text)?;
        ws.write_string_with_format(r, 2, status, text)?;
        ws.write_number_with_format(r, 3, s.projects as f64, &f.number)?;
        ws.write_number_with_format(r, 4, s.errors as f64, &f.number)?;
        ws.write_string_with_format(r, 5, &note, &f.text)?;
        let lines =
            super::wrapped_lines(&note, 50.0).max(super::wrapped_lines(&s.department, 36.0));
        ws.set_row_height(r, super::official::height(lines))?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, subs.len().max(1) as u32, 5)?;
    ws.set_paper_size(t.print.paper.code());
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

const ISSUE_HEADERS: &[(&str, f64)] = &[
    ("序号", 6.0),
    ("级别", 8.0),
    ("规则", 18.0),
    ("文件", 30.0),
    ("工作表", 14.0),
    ("单元格", 8.0),
    ("问题说明", 58.0),
    ("位置（点击跳转）", 32.0),
];

/// How many columns the list of findings has.
pub(crate) const ISSUE_COLUMNS: u16 = ISSUE_HEADERS.len() as u16;

/// Writes the 问题清单 sheet: every finding with its file, sheet and cell, and a link to
/// the cell where `links` says its value was written.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell.
pub fn write_issues(
    ws: &mut Worksheet,
    t: &Template,
    diagnostics: &[Diagnostic],
    numbered_after: usize,
    links: &Links,
) -> Result<(), XlsxError> {
    write_issue_list(ws, t, 0, diagnostics, numbered_after, links)?;
    ws.set_paper_size(t.print.paper.code());
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The list of findings from row `top` down: a header row, then one finding a row, its
/// location linked to the cell of this workbook that `links` finds (a finding without
/// one says why in that column).
///
/// # Errors
/// When rust_xlsxwriter refuses a cell.
pub(crate) fn write_issue_list(
    ws: &mut Worksheet,
    t: &Template,
    top: u32,
    diagnostics: &[Diagnostic],
    numbered_after: usize,
    links: &Links,
) -> Result<(), XlsxError> {
    let f = Formats::new(t);
    let last = ISSUE_COLUMNS - 1;
    for (c, (h, w)) in ISSUE_HEADERS.iter().enumerate() {
        ws.write_string_with_format(top, c as u16, *h, &f.head)?;
        ws.set_column_width(c as u16, *w)?;
    }
    let mut linked = 0;
    for (i, d) in diagnostics.iter().enumerate() {
        let r = top + i as u32 + 1;
        let level = match d.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        ws.write_number_with_format(r, 0, (numbered_after + i + 1) as f64, &f.number)?;
        ws.write_string_with_format(r, 1, level, &f.number)?;
        ws.write_string_with_format(r, 2, d.rule.as_str(), &f.text)?;
        ws.write_string_with_format(r, 3, super::fit_cell(&d.file), &f.text)?;
        ws.write_string_with_format(r, 4, d.sheet.as_deref().unwrap_or(""), &f.text)?;
        ws.write_string_with_format(r, 5, d.cell.as_deref().unwrap_or(""), &f.number)?;
        ws.write_string_with_format(r, 6, super::fit_cell(&d.message), &f.text)?;
        let target = links.find(d);
        let place = match (&target, &d.sheet, &d.cell) {
            (Some(t), _, _) => t.label(),
            (None, Some(sheet), Some(_)) if !links.has_table(&d.file, sheet) => {
                "本工作簿中没有这张表".to_string()
            }
            (None, _, Some(_)) => "规范格式中没有这个单元格".to_string(),
            (None, _, None) => String::new(),
        };
        match target {
            Some(t) if linked < super::links::MAX_LINKS_PER_SHEET => {
                linked += 1;
                let url = Url::new(t.url()).set_text(&place).set_tip(format!(
                    "跳到工作表“{}”的 {} 单元格",
                    t.sheet,
                    t.a1()
                ));
                ws.write_url_with_format(r, last, url, &f.link)?;
            }
            Some(_) => {
                ws.write_string_with_format(r, last, &place, &f.text)?;
            }
            None => {
                ws.write_string_with_format(r, last, &place, &f.stale_note)?;
            }
        }
        // Wrapped messages need their rows' height, or they overlap when printed.
        let lines = [
            (d.message.as_str(), 6),
            (d.file.as_str(), 3),
            (d.rule.as_str(), 2),
            (place.as_str(), 7),
        ]
        .iter()
        .map(|(text, c)| super::wrapped_lines(text, ISSUE_HEADERS[*c].1))
        .chain(
            d.sheet
                .iter()
                .map(|s| super::wrapped_lines(s, ISSUE_HEADERS[4].1)),
        )
        .max()
        .unwrap_or(1);
        ws.set_row_height(r, super::official::height(lines))?;
    }
    if diagnostics.is_empty() {
        ws.merge_range(top + 1, 0, top + 1, last, "未发现问题", &f.text)?;
    }
    ws.set_freeze_panes(top + 1, 0)?;
    ws.autofilter(top, 0, top + diagnostics.len().max(1) as u32, last)?;
    ws.set_repeat_rows(top, top)?;
    Ok(())
}
