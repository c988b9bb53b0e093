//! The blank form departments fill: the official header block, and an indicator grid
//! with dropdown lists for 一级/二级指标 and the operator, and input hints.
//!
//! Its grid has a 符号 column beside 指标值, as the budget system's forms do, so a
//! department picks the operator from a list; `extract` reads the two together.

use rust_xlsxwriter::{DataValidation, DataValidationRule, Worksheet, XlsxError};

use crate::framework::FRAMEWORK;
use crate::model::Project;
use crate::write::official::{self, Layout, height};

/// Widths of A–G: 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 符号 | 指标值 | 说明.
const WIDTHS: [f64; 7] = [5.0, 12.0, 18.0, 30.0, 13.0, 14.0, 16.0];
const LAST: u16 = 6;
/// Blank indicator rows in the form.
pub const ROWS: u32 = 24;
/// The operators offered; 定性 marks a qualitative value.
const OPERATORS: [&str; 6] = ["＝", "≥", "≤", "＞", "＜", "定性"];

/// A blank form as a workbook, titled 申报表 (departments fill it in before the budget
/// is approved).
///
/// # Errors
/// When rust_xlsxwriter refuses a cell or a validation.
pub fn blank_form(l: &Layout<'_>) -> Result<Vec<u8>, XlsxError> {
    blank_form_for(l, false)
}

/// The blank form; `approved` keeps the layout's own title (批复表) instead of 申报表.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell or a validation.
pub fn blank_form_for(l: &Layout<'_>, approved: bool) -> Result<Vec<u8>, XlsxError> {
    let mut wb = crate::write::new_workbook();
    let ws = wb.add_worksheet().set_name("绩效目标表")?;
    official::set_up_sheet(ws, l.template)?;
    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    // Departments fill in a 申报表; the bureau approves it as a 批复表.
    let title = l.template.title_for(&Project::default(), l.parts);
    let title = if approved {
        title
    } else {
        title.replace("批复表", "申报表")
    };
    let blank = Project {
        title: Some(title),
        ..Project::default()
    };
    let no_parts = crate::template::TitleParts::default();
    let form_layout = Layout::fillable(l.template, &no_parts);
    let head = official::write_header(ws, &form_layout, 0, &blank, LAST, &WIDTHS)?;
    // Room for a goal of a few hundred characters: a row's height does not grow by
    // itself as a clerk types.
    ws.set_row_height(head - 1, height(6))?;
    hints(ws, head)?;
    let s = &form_layout.styles;
    for (c, label) in ["一级指标", "二级指标", "三级指标", "符号", "指标值", "说明"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(head, c as u16 + 1, *label, &s.head)?;
    }
    let (first, last) = (head + 1, head + ROWS);
    for r in first..=last {
        for c in 1..=LAST {
            let f = if c == 3 || c == 6 { &s.left } else { &s.text };
            ws.write_blank(r, c, f)?;
        }
        ws.set_row_height(r, height(2))?;
    }
    ws.merge_range(head, 0, last, 0, "绩\n效\n指\n标", &s.head)?;
    let level1: Vec<&str> = FRAMEWORK.iter().map(|(l1, _)| *l1).collect();
    let list = |items: &[&str], title: &str, message: &str| -> Result<DataValidation, XlsxError> {
        DataValidation::new()
            .allow_list_strings(items)?
            .set_input_title(title)?
            .set_input_message(message)
    };
    ws.add_data_validation(
        first,
        1,
        last,
        1,
        &list(
            &level1,
            "一级指标",
            "从列表中选择：产出、效益、满意度（或新框架的成本）指标",
        )?,
    )?;
    ws.add_data_validation(first, 2, last, 2, &level2_list(first, 1)?)?;
    ws.add_data_validation(
        first,
        4,
        last,
        4,
        &list(
            &OPERATORS,
            "符号",
            "定量指标选择 ＝ ≥ ≤ ＞ ＜；定性指标选择“定性”",
        )?,
    )?;
    let value = DataValidation::new()
        .allow_any_value()
        .set_input_title("指标值")?
        .set_input_message(
            "定量指标填写数值和单位，如 1次、16万元、85%；定性指标直接填写，如 有所提高",
        )?;
    ws.add_data_validation(first, 5, last, 5, &value)?;
    let name = DataValidation::new()
        .allow_any_value()
        .set_input_title("三级指标")?
        .set_input_message("填写具体指标名称，如 创建合格率")?;
    ws.add_data_validation(first, 3, last, 3, &name)?;
    ws.set_repeat_rows(head, head)?;
    protect(ws);
    framework_lists(&mut wb)?;
    Ok(wb.save_to_buffer()?.to_vec())
}

/// The sheet holding each 一级指标's 二级 list, for the dropdown that depends on it.
const LISTS: &str = "指标选项";

/// Writes the framework's 二级 lists on a hidden sheet, one column a 一级指标, each
/// range named after its 一级 (产出指标 → 数量指标 … 成本指标), so a 二级 dropdown can
/// offer only the 二级 of the 一级 chosen beside it (`INDIRECT`, as Excel users build
/// dependent lists).
///
/// # Errors
/// When rust_xlsxwriter refuses the sheet or a name.
pub(crate) fn framework_lists(wb: &mut rust_xlsxwriter::Workbook) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(LISTS)?;
    let mut names = Vec::new();
    for (c, (l1, l2s)) in FRAMEWORK.iter().enumerate() {
        let c = c as u16;
        ws.write_string(0, c, *l1)?;
        for (r, l2) in l2s.iter().enumerate() {
            ws.write_string(r as u32 + 1, c, *l2)?;
        }
        let col = crate::text::a1(0, u32::from(c));
        let col = col.trim_end_matches(|ch: char| ch.is_ascii_digit());
        names.push((*l1, format!("='{LISTS}'!${col}$2:${col}${}", l2s.len() + 1)));
    }
    ws.set_hidden(true);
    for (name, range) in names {
        wb.define_name(name, &range)?;
    }
    Ok(())
}

/// The 二级 dropdown of rows from `first`: the list named by the 一级 in column
/// `level1` of the same row.
pub(crate) fn level2_list(first: u32, level1: u16) -> Result<DataValidation, XlsxError> {
    let at = crate::text::a1(first, u32::from(level1));
    let (col, row) = at.split_at(at.find(|c: char| c.is_ascii_digit()).unwrap_or(at.len()));
    DataValidation::new()
        .allow_list_formula(rust_xlsxwriter::Formula::new(format!(
            "INDIRECT(${col}{row})"
        )))
        .set_input_title("二级指标")?
        .set_input_message("先选一级指标，再从列表中选择它下面的二级指标")
}

/// Protects the labels from a slip of the keyboard (no password: the sheet is a form,
/// not a secret); rows can still be added, and every fillable cell is unlocked.
pub(crate) fn protect(ws: &mut Worksheet) {
    let options = rust_xlsxwriter::ProtectionOptions {
        insert_rows: true,
        delete_rows: true,
        format_rows: true,
        format_columns: true,
        ..Default::default()
    };
    ws.protect_with_options(&options);
}

/// Input hints on the header block's value cells.
fn hints(ws: &mut Worksheet, head: u32) -> Result<(), XlsxError> {
    // Rows from the top: label, title, unit, 一级/二级项目, 主管部门/实施单位, three funds lines, goal.
    let text = |title: &str, message: &str| -> Result<DataValidation, XlsxError> {
        DataValidation::new()
            .allow_any_value()
            .set_input_title(title)?
            .set_input_message(message)
    };
    ws.add_data_validation(
        3,
        2,
        3,
        2,
        &text("一级项目名称", "项目类别，如 特定目标-单位发展专项")?,
    )?;
    ws.add_data_validation(3, 5, 3, 5, &text("二级项目名称", "项目本身的名称")?)?;
    ws.add_data_validation(4, 2, 4, 2, &text("主管部门", "主管部门全称")?)?;
    ws.add_data_validation(4, 5, 4, 5, &text("实施单位", "实施单位全称")?)?;
    let money = DataValidation::new()
        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        .set_input_title("金额（万元）")?
        .set_input_message("以万元为单位，保留两位小数；年度资金总额 = 财政拨款 + 非财政拨款")?
        .set_error_message("请填写不小于 0 的数字（万元）")?;
    ws.add_data_validation(5, 3, 7, 3, &money)?;
    ws.add_data_validation(
        head - 1,
        2,
        head - 1,
        2,
        &text("年度总体目标", "分条写明，如 目标1：…；目标2：…")?,
    )?;
    Ok(())
}
