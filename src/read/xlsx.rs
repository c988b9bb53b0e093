//! .xlsx and .xlsb, read as a stream of cells within the workbook's budget. An .xlsx
//! sheet is read in one pass: its cells with their styles (for numbers shown as
//! percentages), then its merged regions, which follow the cells in the part. Only a
//! sheet holding a formula saved without its value is read a second time, for the
//! formula's text.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsb, Xlsx};

use super::{
    Budget, CellValue, Grid, Limits, ReadError, Rect, Sheet, Uncalculated, Zip, corrupt, excel_date,
};
use crate::text::parse_a1;

/// .xlsx and .xlsb are read as a stream of cells: a range would allocate the whole
/// rectangle between the first and the last cell, however empty.
pub(super) fn read_xlsx(
    bytes: &[u8],
    zip: &mut Zip<'_>,
    limits: &Limits,
) -> Result<Vec<Sheet>, ReadError> {
    // Only the cells' number formats are read of their styles, never colors: the
    // theme part is left unread.
    let mut wb = Xlsx::new_without_theme(Cursor::new(bytes)).map_err(corrupt)?;
    shared_strings_declared(&wb)?;
    let names = sheet_names(wb.sheet_names(), limits)?;
    let mut sheets: Vec<Sheet> = Vec::with_capacity(names.len());
    let mut budget = Budget::of(limits);
    // Several sheets pointing at one part hold one table, not several: the first is
    // read, the others are named on it.
    let mut parts: HashMap<String, usize> = HashMap::new();
    for name in names {
        let part = wb.worksheet_part(&name).unwrap_or_default().to_string();
        if !part.is_empty()
            && let Some(&first) = parts.get(&part)
        {
            sheets[first].same_part.push(name);
            continue;
        }
        let mut reader = wb.worksheet_cells_reader(&name).map_err(corrupt)?;
        let percent = percent_styles(reader.styles());
        let mut percents = Vec::new();
        let (mut cells, ignored) = stream_cells(limits, &mut budget, || {
            Ok(reader
                .next_cell_with_style_id()
                .map_err(corrupt)?
                .map(|(c, style)| {
                    let value = from_data_ref(c.get_value());
                    if percent.get(style).copied().unwrap_or(false)
                        && let Some(CellValue::Number(x)) = value
                    {
                        percents.push((c.get_position(), x));
                    }
                    (c.get_position(), value)
                }))
        })?;
        let merges: Vec<Rect> = reader
            .merge_cell_refs()
            .iter()
            .filter_map(|r| merge_ref(r))
            .collect();
        let unvalued = reader.has_unvalued_formula();
        // 98% typed in Excel is 0.98 shown as a percentage: read as it is shown.
        if !percents.is_empty() {
            let shown: HashMap<(u32, u32), String> = percents
                .into_iter()
                .filter_map(|(at, x)| Some((at, percent_text(x)?)))
                .collect();
            for (r, c, v) in &mut cells {
                if let Some(text) = shown.get(&(*r, *c)) {
                    *v = CellValue::Text(text.clone());
                }
            }
        }
        let mut sheet = sheet(name, Grid::new(cells, merges), ignored);
        if unvalued {
            sheet.uncalculated = unvalued_formulas(zip, &part, &mut sheet.grid, limits)?;
        }
        parts.insert(part, sheets.len());
        sheets.push(sheet);
    }
    Ok(sheets)
}

/// Formula cells saved without a value: a formula with no value is read as its text
/// when it is no formula at all (=4次 as scripts write it), else left blank; either
/// way said, never silent. The part is read again for the formulas' text, which only
/// such a sheet needs.
fn unvalued_formulas(
    zip: &mut Zip<'_>,
    part: &str,
    grid: &mut Grid,
    limits: &Limits,
) -> Result<Vec<Uncalculated>, ReadError> {
    // The part as the zip spells it: a relationship may differ from it in case, as
    // the parser forgives.
    let Some(name) = zip
        .file_names()
        .filter_map(Result::ok)
        .find(|n| n.eq_ignore_ascii_case(part))
        .map(|n| n.into_owned())
    else {
        return Err(ReadError::Corrupt(format!("找不到工作表的内容（{part}）")));
    };
    let mut xml = Vec::new();
    zip.by_name(&name)
        .map_err(corrupt)?
        .read_to_end(&mut xml)
        .map_err(corrupt)?;
    let missing: Vec<Uncalculated> = uncalculated(&xml)
        .into_iter()
        .filter(|((r, c), _)| {
            *c <= limits.max_columns
                && match grid.get(*r, *c) {
                    None => true,
                    Some(CellValue::Text(t)) => t.is_empty(),
                    Some(_) => false,
                }
        })
        .map(|(at, f)| Uncalculated {
            at,
            as_text: !computes(&f),
            formula: format!("={f}"),
        })
        .collect();
    if !missing.is_empty() {
        let blanked: std::collections::HashSet<(u32, u32)> = missing.iter().map(|m| m.at).collect();
        let g = &*grid;
        let mut cells: Vec<(u32, u32, CellValue)> = g
            .row_indices()
            .flat_map(|r| g.row(r).iter().map(move |(c, v)| (r, *c, v.clone())))
            .filter(|(r, c, _)| !blanked.contains(&(*r, *c)))
            .collect();
        for m in missing.iter().filter(|m| m.as_text) {
            cells.push((m.at.0, m.at.1, CellValue::Text(m.formula.clone())));
        }
        let merges = g.merges().to_vec();
        *grid = Grid::new(cells, merges);
    }
    Ok(missing)
}

pub(super) fn read_xlsb(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let mut wb = Xlsb::new(Cursor::new(bytes)).map_err(corrupt)?;
    let names = sheet_names(wb.sheet_names(), limits)?;
    let mut sheets = Vec::with_capacity(names.len());
    let mut budget = Budget::of(limits);
    for name in names {
        let mut reader = wb.worksheet_cells_reader(&name).map_err(corrupt)?;
        let (cells, ignored) = stream_cells(limits, &mut budget, || {
            Ok(reader
                .next_cell()
                .map_err(corrupt)?
                .map(|c| (c.get_position(), from_data_ref(c.get_value()))))
        })?;
        sheets.push(sheet(name, Grid::new(cells, Vec::new()), ignored));
    }
    Ok(sheets)
}

pub(super) fn sheet_names(names: Vec<String>, limits: &Limits) -> Result<Vec<String>, ReadError> {
    if names.len() > limits.max_sheets {
        return Err(ReadError::TooLarge(format!(
            "有 {} 个工作表，超过上限 {}{}",
            names.len(),
            limits.max_sheets,
            limits.hint_after(super::Limit::Sheets)
        )));
    }
    Ok(names)
}

/// A sheet's cells as read: (row, column, value).
type Cells = Vec<(u32, u32, CellValue)>;

/// Collects a sheet's cells from a stream, leaving out those past the column limit (and
/// counting them) and stopping once the workbook's cell or text budget is spent.
fn stream_cells(
    limits: &Limits,
    budget: &mut Budget,
    mut next: impl FnMut() -> Result<Option<((u32, u32), Option<CellValue>)>, ReadError>,
) -> Result<(Cells, u64), ReadError> {
    let mut cells = Vec::new();
    let mut ignored = 0;
    while let Some(((r, c), value)) = next()? {
        let Some(v) = value else { continue };
        if c > limits.max_columns {
            ignored += 1;
            continue;
        }
        budget.spend_one(&v, limits)?;
        cells.push((r, c, v));
    }
    Ok((cells, ignored))
}

fn sheet(name: String, grid: Grid, ignored_cells: u64) -> Sheet {
    Sheet {
        name,
        grid,
        ignored_cells,
        uncalculated: Vec::new(),
        same_name: 0,
        same_part: Vec::new(),
        nested_tables: 0,
    }
}

/// For each cell style of the workbook (indexed as cells name them), whether it shows
/// a number as a percentage: the built-in formats 9 (`0%`) and 10 (`0.00%`), and any
/// custom one with a `%` outside quotes. Typed as `98%` in Excel, a cell stores 0.98
/// under such a style.
fn percent_styles(styles: &[calamine::Style]) -> Vec<bool> {
    styles
        .iter()
        .map(|s| {
            s.number_format.as_ref().is_some_and(|f| {
                matches!(f.format_id, Some(9 | 10)) || shows_percent(&f.format_code)
            })
        })
        .collect()
}

/// Whether a number format shows a percentage: a `%` outside quoted text and escapes.
fn shows_percent(code: &str) -> bool {
    let mut quoted = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' => {
                chars.next();
            }
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// A merged region as a `mergeCell` names it: `A1:F2`, or `B3` for one cell.
fn merge_ref(range: &str) -> Option<Rect> {
    let (a, b) = range.split_once(':').unwrap_or((range, range));
    let (first, last) = (parse_a1(a)?, parse_a1(b)?);
    Some(Rect {
        first_row: first.0,
        first_col: first.1,
        last_row: last.0,
        last_col: last.1,
    })
}

/// Refuses a shared-string table that declares more strings than its part can hold: a
/// 1 KB file declaring four billion is damaged or tampered with (a real table's
/// `<si>` elements take at least five bytes each). The declaration is only counted,
/// never trusted, by the parser.
fn shared_strings_declared(wb: &Xlsx<Cursor<&[u8]>>) -> Result<(), ReadError> {
    // `count` (references from cells) may exceed what the part holds; `uniqueCount`
    // (the strings themselves) may not.
    match wb.shared_strings_declared() {
        Some((n, size)) if n > size / 5 + 1 => Err(ReadError::Corrupt(format!(
            "共享字符串表声明有 {n} 个字符串，而其内容最多只能容纳 {} 个（文件已被篡改或损坏）",
            size / 5 + 1
        ))),
        _ => Ok(()),
    }
}

/// Formula cells without a cached value: a `</f>` closing straight into `</c>`, or into
/// an empty value (`<v/>`, `<v />`, `<v></v>`: openpyxl saves a formula so, as it
/// computes none).
fn uncalculated(xml: &[u8]) -> Vec<((u32, u32), String)> {
    let mut out = Vec::new();
    for end in memchr::memmem::find_iter(xml, b"</f>") {
        let after = &xml[end + 4..];
        if !["</c>", "<v/></c>", "<v /></c>", "<v></v></c>"]
            .iter()
            .any(|end| after.starts_with(end.as_bytes()))
        {
            continue;
        }
        let before = &xml[..end];
        let Some(f_open) = memchr::memmem::rfind(before, b"<f") else {
            continue;
        };
        let Some(gt) = memchr::memchr(b'>', &before[f_open..]) else {
            continue;
        };
        let text = &before[f_open + gt + 1..];
        let Some(c_open) = memchr::memmem::rfind(&before[..f_open], b"<c ") else {
            continue;
        };
        let tag = &before[c_open..f_open];
        let Some(r) = memchr::memmem::find(tag, b"r=\"") else {
            continue;
        };
        let value = &tag[r + 3..];
        let Some(close) = memchr::memchr(b'"', value) else {
            continue;
        };
        let (Ok(at), Ok(text)) = (
            std::str::from_utf8(&value[..close]),
            std::str::from_utf8(text),
        ) else {
            continue;
        };
        if let Some(pos) = parse_a1(at) {
            let text = text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
            out.push((pos, text));
        }
    }
    out
}

fn from_data_ref(d: &DataRef<'_>) -> Option<CellValue> {
    Some(match d {
        DataRef::Int(i) => CellValue::Number(*i as f64),
        DataRef::Float(f) => CellValue::Number(*f),
        DataRef::String(s) => CellValue::Text(s.clone()),
        DataRef::SharedString(s) => CellValue::Text((*s).to_string()),
        DataRef::Bool(b) => CellValue::Bool(*b),
        DataRef::DateTime(dt) => CellValue::Text(excel_date(dt.as_f64())),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => CellValue::Text(s.clone()),
        DataRef::Error(e) => CellValue::Error(e.to_string()),
        DataRef::Empty => return None,
    })
}

/// A fraction as the percentage it shows: 0.98 → `98%`, 0.955 → `95.5%` (all the
/// digits the number holds, not only those the format shows).
fn percent_text(x: f64) -> Option<String> {
    let d = crate::value::decimal_from_f64(x)? * rust_decimal::Decimal::ONE_HUNDRED;
    Some(format!("{}%", d.normalize()))
}

/// Whether a formula's text is one a spreadsheet computes (a function call, a cell
/// reference), as opposed to a value a script wrote after an `=` (`4次`, `100%`, `1.5`).
fn computes(formula: &str) -> bool {
    let b = formula.as_bytes();
    (0..b.len()).any(|i| {
        let starts = b[i].is_ascii_uppercase() && (i == 0 || !b[i - 1].is_ascii_alphanumeric());
        if !starts {
            return false;
        }
        let letters = b[i..].iter().take_while(|c| c.is_ascii_uppercase()).count();
        match b.get(i + letters) {
            // SUM( ROUND(
            Some(b'(') => true,
            // E12, $E$12, AB3 (a reference has at most three letters)
            Some(d) if d.is_ascii_digit() => letters <= 3,
            Some(b'$') => true,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::computes;

    #[test]
    fn percent_formats() {
        assert!(super::shows_percent("0%") && super::shows_percent("0.0%;[Red]-0.0%"));
        assert!(!super::shows_percent("\"%\"0"));
        assert!(!super::shows_percent("0\\%") && !super::shows_percent("0.00"));
    }

    #[test]
    fn merged_regions_as_named() {
        let r = super::merge_ref("B11:C22").unwrap();
        assert_eq!(
            (r.first_row, r.first_col, r.last_row, r.last_col),
            (10, 1, 21, 2)
        );
        let one = super::merge_ref("$A$1").unwrap();
        assert_eq!((one.first_row, one.last_col), (0, 0));
        assert!(super::merge_ref("A1:").is_none());
    }

    #[test]
    fn percentages_as_shown() {
        assert_eq!(super::percent_text(0.98).as_deref(), Some("98%"));
        assert_eq!(super::percent_text(0.955).as_deref(), Some("95.5%"));
        assert_eq!(super::percent_text(1.0).as_deref(), Some("100%"));
    }

    #[test]
    fn which_formulas_compute() {
        for f in [
            "ROUND(E12/F12*10,2)",
            "SUM(A1:A3)",
            "E12*0.5",
            "$F$3",
            "IF(G5>=H5,10,0)",
        ] {
            assert!(computes(f), "{f}");
        }
        for f in ["4次", "100%", "1.5", "＝1次", "≥95%", "2024年"] {
            assert!(!computes(f), "{f}");
        }
    }
}
