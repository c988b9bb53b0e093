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
    let form_layout = Layout::new(l.template, &no_parts);
    let head = official::write_header(ws, &form_layout, 0, &blank, LAST, &WIDTHS)?;
    // Room for a goal of a few hundred characters: a row's height does not grow by
    // itself as a clerk types.
    ws.set_row_height(head - 1, height(6))?;
    hints(ws, head)?;
    let s = &l.styles;
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
    let mut level2: Vec<&str> = FRAMEWORK
        .iter()
        .flat_map(|(_, l2)| l2.iter().copied())
        .collect();
    level2.dedup();
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
    ws.add_data_validation(
        first,
        2,
        last,
        2,
        &list(&level2, "二级指标", "从列表中选择与一级指标对应的二级指标")?,
    )?;
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
    Ok(wb.save_to_buffer()?.to_vec())
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
