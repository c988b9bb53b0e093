//! Model → workbooks with rust_xlsxwriter: the official layout (附表7), styles in one place.

pub mod official;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

/// A new workbook whose document properties are fixed, so the same input gives
/// byte-identical output (rust_xlsxwriter stamps the current time otherwise).
pub fn new_workbook() -> Workbook {
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(2024, 1, 1).expect("a valid date");
    let props = DocProperties::new()
        .set_author("jixiao")
        .set_creation_datetime(&when);
    wb.set_properties(&props);
    wb
}

/// The display width of text in Excel column units: CJK characters count two.
pub fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if (c as u32) < 0x2E80 { 1.1 } else { 2.0 })
        .sum()
}

/// How many lines `s` takes in a column `width` units wide, wrapped.
pub fn wrapped_lines(s: &str, width: f64) -> u32 {
    let usable = (width - 1.0).max(1.0);
    s.split('\n')
        .map(|line| ((text_width(line) / usable).ceil() as u32).max(1))
        .sum()
}
