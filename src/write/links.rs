//! From a finding to the cell a workbook wrote its value to. A finding names a cell of
//! the department's submitted sheet; the official layout rewrites the table elsewhere
//! (shifted, its indicators in the framework's order), so each table written keeps
//! where each of its source cells went ([`Placements`]), and this looks a finding up.

use std::collections::HashMap;

use crate::model::{Diagnostic, Source};
use crate::write::official::{Placed, Placements};

/// Where a finding's value was written: the sheet and the cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The sheet of the written workbook the value is on.
    pub sheet: String,
    /// The cell there, and the format it was written with.
    pub placed: Placed,
}

impl Target {
    /// `sheet!A1`, as a reader of the printed list finds it.
    pub fn label(&self) -> String {
        format!("{}!{}", self.sheet, self.a1())
    }

    /// The cell in A1 form.
    pub fn a1(&self) -> String {
        crate::text::a1(self.placed.row, self.placed.col as u32)
    }

    /// The link inside the workbook (`internal:'sheet'!A1`); an apostrophe in a sheet
    /// name is doubled, as Excel quotes it.
    pub fn url(&self) -> String {
        format!(
            "internal:'{}'!{}",
            self.sheet.replace('\'', "''"),
            self.a1()
        )
    }
}

/// The tables a workbook wrote, by the file and sheet they were read from.
#[derive(Debug, Default)]
pub struct Links {
    by_source: HashMap<(String, String), Vec<(String, Placements)>>,
}

impl Links {
    /// Records that the table read from `source` was written on `sheet`.
    pub fn add(&mut self, source: &Source, sheet: &str, placements: Placements) {
        self.by_source
            .entry((source.file.clone(), source.sheet.clone()))
            .or_default()
            .push((sheet.to_string(), placements));
    }

    /// True when a table read from `file`'s `sheet` was written here.
    pub fn has_table(&self, file: &str, sheet: &str) -> bool {
        self.by_source
            .contains_key(&(file.to_string(), sheet.to_string()))
    }

    /// Where the cell `d` is about was written, if it names a cell of a table written
    /// here. A finding about a whole file or sheet, or about a cell the layout does not
    /// carry (a 自评表's 得分, a label no role took), has none.
    pub fn find(&self, d: &Diagnostic) -> Option<Target> {
        let (sheet, cell) = (d.sheet.as_ref()?, d.cell.as_deref()?);
        let tables = self.by_source.get(&(d.file.clone(), sheet.clone()))?;
        tables.iter().find_map(|(out, placed)| {
            Some(Target {
                sheet: out.clone(),
                placed: placed.get(cell)?,
            })
        })
    }
}

/// Excel keeps at most this many hyperlinks on a sheet; past them a location is
/// written as plain text.
pub const MAX_LINKS_PER_SHEET: usize = 65_530;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_name_with_an_apostrophe_is_quoted() {
        let t = Target {
            sheet: "张三's 表".into(),
            placed: Placed {
                row: 5,
                col: 3,
                look: crate::write::official::Look::Money,
            },
        };
        assert_eq!(t.url(), "internal:'张三''s 表'!D6");
        assert_eq!(t.label(), "张三's 表!D6");
    }
}
