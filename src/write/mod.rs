//! Model → workbooks with rust_xlsxwriter: the official layout (附表7), the roll-up,
//! the blank form; sheet and file names that every program and file system accepts.

pub mod form;
pub mod official;
pub mod rollup;

use std::collections::HashSet;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

use crate::aggregate;
use crate::model::{Diagnostic, Project};
pub use official::Layout;

/// A new workbook whose document properties are fixed, so the same input gives
/// byte-identical output (rust_xlsxwriter stamps the current time otherwise).
pub fn new_workbook() -> Workbook {
    output_workbook(None)
}

/// The name of the custom document property that marks what jixiao wrote: a later run
/// over the same folder leaves its own outputs out of the totals.
pub const OUTPUT_PROPERTY: &str = "jixiao-output";

/// A new workbook; `kind` (merge, split) marks it as jixiao's own output.
fn output_workbook(kind: Option<&str>) -> Workbook {
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(2024, 1, 1).expect("a valid date");
    let mut props = DocProperties::new()
        .set_author("jixiao")
        .set_creation_datetime(&when);
    if let Some(kind) = kind {
        props = props.set_custom_property(OUTPUT_PROPERTY, kind);
    }
    wb.set_properties(&props);
    wb
}

/// The consolidated workbook: 汇总, one sheet per 主管部门 with its projects in the
/// official layout (a page break between them), and 问题清单. `superseded` (versions of
/// a project a newer one replaced) are listed on 汇总, greyed and not summed; with the
/// expected departments, a 报送情况 sheet says who has submitted.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell or a sheet.
pub fn merged_workbook(
    projects: &[Project],
    superseded: &[(Project, crate::model::Source)],
    diagnostics: &[Diagnostic],
    submissions: Option<&[crate::season::Submission]>,
    l: &Layout<'_>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = output_workbook(Some("merge"));
    let mut names = SheetNames::default();
    let ws = wb.add_worksheet().set_name(names.unique("汇总"))?;
    rollup::write_rollup(ws, l.template, projects, superseded)?;
    if let Some(subs) = submissions {
        let ws = wb.add_worksheet().set_name(names.unique("报送情况"))?;
        rollup::write_submissions(ws, l.template, subs)?;
    }
    for (dept, group) in aggregate::group_by(projects, aggregate::department_of) {
        let ws = wb.add_worksheet().set_name(names.unique(&dept))?;
        write_stacked(ws, l, &group)?;
    }
    let ws = wb.add_worksheet().set_name(names.unique("问题清单"))?;
    rollup::write_issues(ws, l.template, diagnostics)?;
    wb.save_to_buffer()
}

/// A workbook of one project in the official layout.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell.
pub fn project_workbook(p: &Project, l: &Layout<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = output_workbook(Some("split"));
    let mut names = SheetNames::default();
    let ws = wb
        .add_worksheet()
        .set_name(names.unique(p.level2_project.as_deref().unwrap_or("绩效目标表")))?;
    write_stacked(ws, l, &[p])?;
    wb.save_to_buffer()
}

/// Projects down one sheet, each on its own printed page.
fn write_stacked(
    ws: &mut rust_xlsxwriter::Worksheet,
    l: &Layout<'_>,
    projects: &[&Project],
) -> Result<(), XlsxError> {
    official::set_up_sheet(ws, l.template)?;
    let mut row = 0;
    let mut breaks = Vec::new();
    let mut heads = Vec::new();
    for (i, p) in projects.iter().enumerate() {
        if i > 0 {
            breaks.push(row);
        }
        let written = official::write_project(ws, l, row, p)?;
        heads.push(written.grid_header);
        row = written.next + 1;
    }
    // Excel keeps at most 1,023 manual page breaks a sheet; past them tables still
    // stack, and print where the page ends.
    breaks.truncate(1023);
    ws.set_page_breaks(&breaks)?;
    // With one table per sheet, its grid header repeats on every printed page.
    if let [head] = heads[..]
        && l.template.print.repeat_grid_header
    {
        ws.set_repeat_rows(head, head)?;
    }
    Ok(())
}

/// Sheet names Excel accepts: no `[]:*?/\`, at most 31 characters, unique.
#[derive(Default)]
pub struct SheetNames {
    used: HashSet<String>,
}

impl SheetNames {
    pub fn unique(&mut self, wanted: &str) -> String {
        let clean: String = wanted
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control())
            .collect();
        let clean = clean.trim_matches(|c: char| c == '\'' || c.is_whitespace());
        let base: String = if clean.is_empty() {
            "Sheet".into()
        } else {
            clean.chars().take(31).collect()
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.used.contains(&name.to_lowercase()) {
            let suffix = format!("({n})");
            name = base
                .chars()
                .take(31 - suffix.chars().count())
                .collect::<String>()
                + &suffix;
            n += 1;
        }
        self.used.insert(name.to_lowercase());
        name
    }
}

/// File names safe on every file system: no `/ \ : * ? " < > |` or control characters,
/// no formula punctuation (`= ( ) ,`, a leading `+ - @`),
/// no reserved Windows names, at most 80 characters, unique (collisions numbered).
#[derive(Default)]
pub struct FileNames {
    used: HashSet<String>,
}

const MAX_FILE_STEM: usize = 80;

impl FileNames {
    /// A unique file name `stem.ext` for `wanted`.
    pub fn unique(&mut self, wanted: &str, ext: &str) -> String {
        let clean: String = wanted
            .chars()
            .map(|c| {
                // The file system's forbidden characters, and a formula's punctuation
                // (a name like =HYPERLINK("…") must not carry it into a file name).
                if "/\\:*?\"<>|=(),".contains(c) || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let clean = clean
            .trim_matches(|c: char| c == '.' || c.is_whitespace())
            .trim_start_matches(['+', '-', '@', '_']);
        let mut base: String = if clean.is_empty() {
            "项目".into()
        } else {
            clean.chars().take(MAX_FILE_STEM).collect()
        };
        let reserved = [
            "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "LPT1", "LPT2", "LPT3",
        ];
        if reserved.iter().any(|r| {
            base.split('.')
                .next()
                .is_some_and(|s| s.eq_ignore_ascii_case(r))
        }) {
            base.insert(0, '_');
        }
        let mut name = format!("{base}.{ext}");
        let mut n = 2;
        while self.used.contains(&name.to_lowercase()) {
            name = format!("{base}({n}).{ext}");
            n += 1;
        }
        self.used.insert(name.to_lowercase());
        name
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut n = SheetNames::default();
        assert_eq!(n.unique("汇总"), "汇总");
        assert_eq!(n.unique("汇总"), "汇总(2)");
        assert_eq!(n.unique("a/b:c*d?[e]"), "abcde");
        let long = "中".repeat(40);
        assert_eq!(n.unique(&long).chars().count(), 31);
        assert_eq!(n.unique(&long), format!("{}(2)", "中".repeat(28)));
        assert_eq!(n.unique("  "), "Sheet");
    }

    #[test]
    fn file_names_are_safe_and_unique() {
        let mut n = FileNames::default();
        assert_eq!(
            n.unique("机关工委-党建/宣传: \"七一\"", "xlsx"),
            "机关工委-党建_宣传_ _七一_.xlsx"
        );
        assert_eq!(
            n.unique("机关工委-党建/宣传: \"七一\"", "xlsx"),
            "机关工委-党建_宣传_ _七一_(2).xlsx"
        );
        assert_eq!(n.unique("CON", "xlsx"), "_CON.xlsx");
        assert_eq!(n.unique(&"长".repeat(200), "xlsx").chars().count(), 80 + 5);
        assert_eq!(n.unique("...", "xlsx"), "项目.xlsx");
    }
}
