//! OpenDocument spreadsheets, read in one pass over content.xml: values and spans.
//!
//! calamine gives values for .ods but not the merged regions, so reading the spans
//! would mean parsing content.xml twice; one pass here gives both.

use std::io::Read;

use quick_xml::events::{BytesStart, Event};

use super::{Budget, CellValue, Grid, Limits, ReadError, Rect, Sheet, Zip, corrupt};

/// A repeated cell or row with content is expanded at most this many times; a form
/// never repeats a value further, and a hostile file cannot make it allocate more.
const MAX_REPEAT: u32 = 1024;

/// Reads every table of an .ods workbook.
///
/// # Errors
/// [`ReadError::Encrypted`] for a password-protected file, [`ReadError::Corrupt`] when
/// content.xml is missing or not well formed.
pub fn read_ods(zip: &mut Zip<'_>, limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    if let Ok(mut manifest) = zip.by_name("META-INF/manifest.xml") {
        let mut text = String::new();
        manifest.read_to_string(&mut text).map_err(corrupt)?;
        if text.contains("encryption-data") {
            return Err(ReadError::Encrypted);
        }
    }
    let mut xml = String::new();
    zip.by_name("content.xml")
        .map_err(corrupt)?
        .read_to_string(&mut xml)
        .map_err(corrupt)?;
    parse_content(&xml, limits)
}

#[derive(Default)]
struct Pending {
    value: Option<CellValue>,
    text: String,
    paragraphs: u32,
    col_repeat: u32,
    span: Option<(u32, u32)>,
}

fn parse_content(xml: &str, limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    // Repeats count toward the cell and text budgets as they are expanded.
    let mut budget = Budget::of(limits);
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut sheets = Vec::new();
    let mut name: Option<String> = None;
    let mut cells: Vec<(u32, u32, CellValue)> = Vec::new();
    let mut merges: Vec<Rect> = Vec::new();
    let (mut row, mut col) = (0u32, 0u32);
    let mut row_repeat = 1u32;
    let mut row_cells: Vec<(u32, CellValue)> = Vec::new();
    // How many of the row's cells have been counted against the budget.
    let mut spent_in_row = 0;
    let mut cell: Option<Pending> = None;
    // Depth inside an element of a cell that is not its value: a note (批注), a
    // drawing, a table nested in the cell.
    let mut skip = 0u32;
    let mut nested = 0usize;
    loop {
        let event = reader.read_event().map_err(corrupt)?;
        if skip > 0 {
            match &event {
                Event::Start(_) => skip += 1,
                Event::End(_) => skip -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        match &event {
            Event::Start(e) if cell.is_some() && not_the_value(e.name().as_ref()) => {
                if e.name().as_ref() as &str == "table:table" {
                    nested += 1;
                }
                skip = 1;
            }
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.name().as_ref() as &str {
                    "table:table" => {
                        name = attr(e, "table:name");
                        (row, cells, merges) = (0, Vec::new(), Vec::new());
                    }
                    "table:table-row" => {
                        col = 0;
                        row_repeat = num(e, "table:number-rows-repeated").unwrap_or(1);
                        row_cells.clear();
                        spent_in_row = 0;
                        if empty {
                            row = row.saturating_add(row_repeat);
                        }
                    }
                    "table:table-cell" | "table:covered-table-cell" => {
                        let span_cols = num(e, "table:number-columns-spanned").unwrap_or(1);
                        let span_rows = num(e, "table:number-rows-spanned").unwrap_or(1);
                        let pending = Pending {
                            value: typed_value(e),
                            col_repeat: num(e, "table:number-columns-repeated").unwrap_or(1),
                            span: (span_cols > 1 || span_rows > 1)
                                .then_some((span_rows, span_cols)),
                            ..Pending::default()
                        };
                        if empty {
                            col = finish_cell(pending, row, col, &mut row_cells, &mut merges);
                            budget.spend(&row_cells[spent_in_row..], limits)?;
                            spent_in_row = row_cells.len();
                        } else {
                            cell = Some(pending);
                        }
                    }
                    "text:p" => {
                        if let Some(c) = cell.as_mut() {
                            if c.paragraphs > 0 {
                                c.text.push('\n');
                            }
                            c.paragraphs += 1;
                        }
                    }
                    "text:s" => {
                        if let Some(c) = cell.as_mut() {
                            let n = num(e, "text:c").unwrap_or(1).min(MAX_REPEAT);
                            c.text.extend(std::iter::repeat_n(' ', n as usize));
                        }
                    }
                    "text:tab" => cell.iter_mut().for_each(|c| c.text.push('\t')),
                    "text:line-break" => cell.iter_mut().for_each(|c| c.text.push('\n')),
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some(c) = cell.as_mut()
                    && c.paragraphs > 0
                {
                    c.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(c) = cell.as_mut() {
                    let entity: &str = r.as_ref();
                    c.text.push_str(match entity {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                    if let Some(ch) = r.resolve_char_ref().ok().flatten() {
                        c.text.push(ch);
                    }
                }
            }
            Event::End(e) => match e.name().as_ref() as &str {
                "table:table-cell" | "table:covered-table-cell" => {
                    if let Some(pending) = cell.take() {
                        col = finish_cell(pending, row, col, &mut row_cells, &mut merges);
                        budget.spend(&row_cells[spent_in_row..], limits)?;
                        spent_in_row = row_cells.len();
                    }
                }
                "table:table-row" => {
                    spent_in_row = 0;
                    for k in 0..row_repeat.min(MAX_REPEAT) {
                        if row_cells.is_empty() {
                            break;
                        }
                        // The row's first copy was counted as its cells were read.
                        if k > 0 {
                            budget.spend(&row_cells, limits)?;
                        }
                        cells.extend(row_cells.iter().map(|(c, v)| (row + k, *c, v.clone())));
                    }
                    row = row.saturating_add(row_repeat);
                }
                "table:table" => {
                    let grid = Grid::new(std::mem::take(&mut cells), std::mem::take(&mut merges));
                    let mut sheet = Sheet::new(name.take().unwrap_or_default(), grid);
                    sheet.nested_tables = std::mem::take(&mut nested);
                    sheets.push(sheet);
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(sheets)
}

/// Elements inside a cell whose text is not the cell's value: a note glued to the
/// amount would make 24.02 unreadable, and a nested table would end the sheet.
fn not_the_value(tag: &str) -> bool {
    tag == "office:annotation" || tag == "table:table" || tag.starts_with("draw:")
}

/// Records a finished cell (and its repetitions); returns the next column.
fn finish_cell(
    p: Pending,
    row: u32,
    col: u32,
    row_cells: &mut Vec<(u32, CellValue)>,
    merges: &mut Vec<Rect>,
) -> u32 {
    let value = match p.value {
        Some(v) => Some(v),
        None if !p.text.is_empty() => Some(CellValue::Text(p.text)),
        None => None,
    };
    if let Some((rows, cols)) = p.span {
        merges.push(Rect {
            first_row: row,
            first_col: col,
            last_row: row.saturating_add(rows - 1),
            last_col: col.saturating_add(cols - 1),
        });
    }
    if let Some(v) = value {
        for k in 0..p.col_repeat.min(MAX_REPEAT) {
            row_cells.push((col + k, v.clone()));
        }
    }
    col.saturating_add(p.col_repeat)
}

/// The value of a typed cell (numbers, booleans); text cells are read from their paragraphs.
fn typed_value(e: &BytesStart<'_>) -> Option<CellValue> {
    match attr(e, "office:value-type")?.as_str() {
        "float" | "currency" => attr(e, "office:value")?.parse().ok().map(CellValue::Number),
        // 98% typed in the cell: read as shown, as .xlsx percentages are.
        "percentage" => {
            let fraction: rust_decimal::Decimal = attr(e, "office:value")?.parse().ok()?;
            Some(CellValue::Text(format!(
                "{}%",
                (fraction * rust_decimal::Decimal::ONE_HUNDRED).normalize()
            )))
        }
        "boolean" => Some(CellValue::Bool(attr(e, "office:boolean-value")? == "true")),
        "date" => {
            attr(e, "office:date-value").map(|d| CellValue::Text(d.chars().take(10).collect()))
        }
        _ => None,
    }
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() as &str == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn num(e: &BytesStart<'_>, name: &str) -> Option<u32> {
    attr(e, name)
        .and_then(|v| v.parse().ok())
        .filter(|&n| n >= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_count_against_the_budgets() {
        // One long cell repeated 1024 × 1024 times would be a million copies.
        let big = "绩".repeat(1000);
        let xml = format!(
            r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="t">
              <table:table-row table:number-rows-repeated="1024"><table:table-cell table:number-columns-repeated="1024" office:value-type="string"><text:p>{big}</text:p></table:table-cell></table:table-row>
            </table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let err = parse_content(&xml, &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("单元格文本合计超过"), "{err}");
        let few_cells = Limits {
            max_cells: 100,
            ..Limits::default()
        };
        let small = xml.replace(&big, "x");
        assert!(parse_content(&small, &few_cells).is_err());
    }

    #[test]
    fn notes_drawings_and_nested_tables_are_not_the_cells_value() {
        let xml = r#"<office:document-content><office:body><office:spreadsheet>
            <table:table table:name="表1">
              <table:table-row>
                <table:table-cell office:value-type="string"><office:annotation><dc:creator>财政局</dc:creator><text:p>请核实</text:p></office:annotation><text:p>24.02</text:p></table:table-cell>
                <table:table-cell office:value-type="string"><draw:frame><draw:text-box><text:p>图</text:p></draw:text-box></draw:frame><text:p>主管部门</text:p></table:table-cell>
                <table:table-cell><table:table table:is-sub-table="true"><table:table-row><table:table-cell office:value-type="string"><text:p>内</text:p></table:table-cell></table:table-row></table:table></table:table-cell>
                <table:table-cell office:value-type="string"><text:p>之后</text:p></table:table-cell>
              </table:table-row>
              <table:table-row><table:table-cell office:value-type="string"><text:p>下一行</text:p></table:table-cell></table:table-row>
            </table:table></office:spreadsheet></office:body></office:document-content>"#;
        let sheets = parse_content(xml, &Limits::default()).unwrap();
        assert_eq!(sheets.len(), 1);
        let g = &sheets[0].grid;
        assert_eq!(g.get(0, 0), Some(&CellValue::Text("24.02".into())));
        assert_eq!(g.get(0, 1), Some(&CellValue::Text("主管部门".into())));
        assert_eq!(g.get(0, 2), None);
        assert_eq!(g.get(0, 3), Some(&CellValue::Text("之后".into())));
        assert_eq!(g.get(1, 0), Some(&CellValue::Text("下一行".into())));
        assert_eq!(sheets[0].nested_tables, 1);
    }

    #[test]
    fn percentages_read_as_shown() {
        let xml = r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="t">
              <table:table-row><table:table-cell office:value-type="percentage" office:value="0.955"><text:p>96%</text:p></table:table-cell></table:table-row>
            </table:table></office:spreadsheet></office:body></office:document-content>"#;
        let sheets = parse_content(xml, &Limits::default()).unwrap();
        assert_eq!(
            sheets[0].grid.get(0, 0),
            Some(&CellValue::Text("95.5%".into()))
        );
    }

    #[test]
    fn values_spans_and_repeats() {
        let xml = r#"<office:document-content><office:body><office:spreadsheet>
            <table:table table:name="表1">
              <table:table-row>
                <table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="2" office:value-type="string"><text:p>主<text:s text:c="2"/>管</text:p><text:p>部门 &amp; 单位</text:p></table:table-cell>
                <table:covered-table-cell/>
                <table:table-cell office:value-type="float" office:value="24.02"><text:p>24.02</text:p></table:table-cell>
              </table:table-row>
              <table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
              <table:table-row><table:table-cell table:number-columns-repeated="3" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>
            </table:table></office:spreadsheet></office:body></office:document-content>"#;
        let sheets = parse_content(xml, &Limits::default()).unwrap();
        let g = &sheets[0].grid;
        assert_eq!(sheets[0].name, "表1");
        assert_eq!(
            g.get(0, 0),
            Some(&CellValue::Text("主  管\n部门 & 单位".into()))
        );
        assert_eq!(g.get(0, 2), Some(&CellValue::Number(24.02)));
        assert_eq!(
            g.merge_at(1, 1).map(|m| (m.first_row, m.first_col)),
            Some((0, 0))
        );
        assert_eq!(g.get(1_000_001, 2), Some(&CellValue::Text("x".into())));
        assert_eq!(g.cell_count(), 5);
    }
}
