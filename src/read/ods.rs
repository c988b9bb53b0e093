//! Merged regions of an OpenDocument spreadsheet, read from content.xml.
//!
//! calamine gives values for .ods but not the spans; a table cell states them as
//! `table:number-columns-spanned` and `table:number-rows-spanned`.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use super::{ReadError, Rect, corrupt};

/// The merged regions of every table, by table name.
///
/// # Errors
/// [`ReadError::Corrupt`] when content.xml is missing or not well formed.
pub fn merged_regions(bytes: &[u8]) -> Result<HashMap<String, Vec<Rect>>, ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut xml = String::new();
    zip.by_name("content.xml")
        .map_err(corrupt)?
        .read_to_string(&mut xml)
        .map_err(corrupt)?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out: HashMap<String, Vec<Rect>> = HashMap::new();
    let mut table: Option<String> = None;
    let (mut row, mut col) = (0u32, 0u32);
    let mut row_repeat = 1u32;
    loop {
        let event = reader.read_event().map_err(corrupt)?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            match e.name().as_ref() as &str {
                "table:table" => {
                    table = attr(e, "table:name");
                    row = 0;
                    if empty {
                        table = None;
                    }
                }
                "table:table-row" => {
                    col = 0;
                    row_repeat = num(e, "table:number-rows-repeated").unwrap_or(1);
                    if empty {
                        row = row.saturating_add(row_repeat);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let cols = num(e, "table:number-columns-spanned").unwrap_or(1);
                    let rows = num(e, "table:number-rows-spanned").unwrap_or(1);
                    if (cols > 1 || rows > 1)
                        && let Some(name) = &table
                    {
                        out.entry(name.clone()).or_default().push(Rect {
                            first_row: row,
                            first_col: col,
                            last_row: row.saturating_add(rows - 1),
                            last_col: col.saturating_add(cols - 1),
                        });
                    }
                    col = col.saturating_add(num(e, "table:number-columns-repeated").unwrap_or(1));
                }
                _ => {}
            }
        }
        match event {
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                row = row.saturating_add(row_repeat);
            }
            Event::End(e) if e.name().as_ref() == "table:table" => table = None,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
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
