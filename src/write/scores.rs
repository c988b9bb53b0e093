//! The 自评得分 sheet of a merge of 自评表: each project's 执行率, 总分 and grade, a 小计
//! per 主管部门 (funds summed, 总分 weighted by 全年预算数) and a 合计 with the count of
//! each grade.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

use crate::aggregate;
use crate::model::Project;
use crate::score::{self, ProjectScore, Reverse, ScoreTotals};
use crate::template::Template;

const HEADERS: &[(&str, f64)] = &[
    ("序号", 6.0),
    ("主管部门", 24.0),
    ("二级项目名称", 30.0),
    ("全年预算数", 13.0),
    ("全年执行数", 13.0),
    ("执行率", 10.0),
    ("总分", 9.0),
    ("等级", 16.0),
    ("来源文件", 28.0),
];

/// True when some of `projects` are 自评表: the merge then adds this sheet.
pub fn has_self_evaluations(projects: &[Project]) -> bool {
    projects.iter().any(|p| p.stage.as_deref() == Some("自评"))
}

fn grades(t: &ScoreTotals) -> String {
    ["优", "良", "中", "差"]
        .iter()
        .zip(t.grades)
        .filter(|(_, n)| *n > 0)
        .map(|(g, n)| format!("{g} {n}"))
        .collect::<Vec<_>>()
        .join("，")
}

fn f64_of(d: Decimal) -> f64 {
    d.to_f64().unwrap_or_default()
}

/// Writes the sheet for the 自评表 among `projects`, in their order, grouped by 主管部门.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell.
pub fn write_scores(
    ws: &mut Worksheet,
    t: &Template,
    projects: &[Project],
    tables: &dyn crate::shelf::Tables,
) -> Result<(), XlsxError> {
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
    let number = cell.clone().set_align(FormatAlign::Center);
    let money = cell.clone().set_num_format("0.00");
    let rate = cell.clone().set_num_format("0.00%");
    let sub = cell.clone().set_bold().set_background_color("#F2F2F2");
    let sub_money = sub.clone().set_num_format("0.00");
    let sub_rate = sub.clone().set_num_format("0.00%");
    let last = HEADERS.len() as u16 - 1;
    let own: Vec<Project> = projects
        .iter()
        .filter(|p| p.stage.as_deref() == Some("自评"))
        .cloned()
        .collect();
    let year = own
        .first()
        .and_then(|p| p.year)
        .filter(|y| own.iter().all(|p| p.year == Some(*y)));
    let heading = match year {
        Some(y) => format!("{y}年度项目支出绩效自评得分汇总表"),
        None => "项目支出绩效自评得分汇总表".to_string(),
    };
    ws.merge_range(0, 0, 0, last, &heading, &title)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(
        1,
        last - 1,
        1,
        last,
        &format!("单位：{}", t.unit),
        &base.clone().set_align(FormatAlign::Right),
    )?;
    for (c, (h, w)) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &head)?;
        ws.set_column_width(c as u16, *w)?;
    }
    // Each table is made whole only while it is scored: `own` may be heads.
    let scored: Vec<ProjectScore> = own
        .iter()
        .map(|p| {
            crate::write::whole(tables, p).map(|p| score::score_project(&p, Reverse::default()))
        })
        .collect::<Result<_, _>>()?;
    let mut r = 3;
    let mut n = 0;
    let sums =
        |t: &ScoreTotals, label: String, ws: &mut Worksheet, r: u32| -> Result<(), XlsxError> {
            ws.merge_range(r, 0, r, 2, &label, &sub)?;
            ws.write_number_with_format(r, 3, f64_of(t.budget), &sub_money)?;
            ws.write_number_with_format(r, 4, f64_of(t.executed), &sub_money)?;
            match t.rate {
                Some(x) => ws.write_number_with_format(r, 5, f64_of(x), &sub_rate)?,
                None => ws.write_blank(r, 5, &sub)?,
            };
            match t.total {
                Some(x) => ws.write_number_with_format(r, 6, f64_of(x), &sub_money)?,
                None => ws.write_blank(r, 6, &sub)?,
            };
            ws.write_string_with_format(r, 7, grades(t), &sub)?;
            ws.write_blank(r, 8, &sub)?;
            Ok(())
        };
    let pairs: Vec<(&Project, &ProjectScore)> = own.iter().zip(&scored).collect();
    for (dept, group) in aggregate::group_by(&own, aggregate::department_of) {
        let members: Vec<(&Project, &ProjectScore)> = pairs
            .iter()
            .filter(|(p, _)| group.iter().any(|g| std::ptr::eq(*g, *p)))
            .copied()
            .collect();
        for (p, s) in &members {
            n += 1;
            ws.write_number_with_format(r, 0, n as f64, &number)?;
            ws.write_string_with_format(r, 1, crate::write::fit_cell(&dept), &cell)?;
            ws.write_string_with_format(
                r,
                2,
                crate::write::fit_cell(p.level2_project.as_deref().unwrap_or("")),
                &cell,
            )?;
            match score::budget_of(p) {
                Some(b) => ws.write_number_with_format(r, 3, f64_of(b), &money)?,
                None => ws.write_blank(r, 3, &cell)?,
            };
            match p.execution.as_ref().and_then(|e| e.executed) {
                Some(x) => ws.write_number_with_format(r, 4, f64_of(x), &money)?,
                None => ws.write_blank(r, 4, &cell)?,
            };
            match s.rate {
                Some(x) => ws.write_number_with_format(r, 5, f64_of(x), &rate)?,
                None => ws.write_blank(r, 5, &cell)?,
            };
            ws.write_number_with_format(r, 6, f64_of(s.total), &money)?;
            ws.write_string_with_format(r, 7, s.grade, &number)?;
            ws.write_string_with_format(
                r,
                8,
                crate::write::fit_cell(&format!("{}:{}", p.source.file, p.source.sheet)),
                &cell,
            )?;
            // Wrapped names need their rows' height, or they overlap when printed.
            let name = p.level2_project.as_deref().unwrap_or("");
            let lines = crate::write::wrapped_lines(name, HEADERS[2].1)
                .max(crate::write::wrapped_lines(&dept, HEADERS[1].1));
            ws.set_row_height(r, crate::write::official::height(lines))?;
            r += 1;
        }
        let t = score::totals(members.iter().copied());
        sums(&t, format!("{dept} 小计（{} 个项目）", t.projects), ws, r)?;
        r += 1;
    }
    let all = score::totals(pairs.iter().copied());
    sums(&all, format!("合计（{} 个项目）", all.projects), ws, r)?;
    ws.set_freeze_panes(3, 0)?;
    ws.set_paper_size(t.print.paper.code());
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(2, 2)?;
    Ok(())
}
