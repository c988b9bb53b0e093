//! .xlsx and .xlsb, read as a stream of cells within the workbook's budget; merged
//! regions and formulas without values from a byte scan of each sheet's part.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsb, Xlsx};

use super::{
    Budget, CellValue, Grid, Limits, ReadError, Rect, Sheet, Uncalculated, Zip, corrupt,
    excel_date, xlsx_merges,
};

/// .xlsx and .xlsb are read as a stream of cells: a range would allocate the whole
/// rectangle between the first and the last cell, however empty.
pub(super) fn read_xlsx(
    bytes: &[u8],
    zip: &mut Zip<'_>,
    limits: &Limits,
) -> Result<Vec<Sheet>, ReadError> {
    shared_strings_declared(zip)?;
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(corrupt)?;
    let names = sheet_names(wb.sheet_names(), limits)?;
    let mut merged = xlsx_merges::merged_regions(zip)?;
    let mut sheets = Vec::with_capacity(names.len());
    let mut budget = Budget::of(limits);
    let aliases: std::collections::HashSet<String> = merged
        .values()
        .flat_map(|s| s.aliases.iter().cloned())
        .collect();
    for name in names {
        if aliases.contains(&name) {
            continue;
        }
        let scanned = merged.remove(&name).unwrap_or_default();
        let mut reader = wb.worksheet_cells_reader(&name).map_err(corrupt)?;
        let mut sheet = stream_sheet(name, scanned.merges, limits, &mut budget, || {
            Ok(reader
                .next_cell()
                .map_err(corrupt)?
                .map(|c| (c.get_position(), from_data_ref(c.get_value()))))
        })?;
        // A formula with no value is read as its text when it is no formula at all
        // (=4次 as scripts write it), else left blank; either way said, never silent.
        let missing: Vec<Uncalculated> = scanned
            .uncalculated
            .into_iter()
            .filter(|((r, c), _)| {
                *c <= limits.max_columns
                    && match sheet.grid.get(*r, *c) {
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
            let g = &sheet.grid;
            let blanked: std::collections::HashSet<(u32, u32)> =
                missing.iter().map(|m| m.at).collect();
            let mut cells: Vec<(u32, u32, CellValue)> = g
                .row_indices()
                .flat_map(|r| g.row(r).iter().map(move |(c, v)| (r, *c, v.clone())))
                .filter(|(r, c, _)| !blanked.contains(&(*r, *c)))
                .collect();
            for m in missing.iter().filter(|m| m.as_text) {
                cells.push((m.at.0, m.at.1, CellValue::Text(m.formula.clone())));
            }
            let merges = g.merges().to_vec();
            sheet.grid = Grid::new(cells, merges);
            sheet.uncalculated = missing;
        }
        // 98% typed in Excel is 0.98 shown as a percentage: read as it is shown.
        if !scanned.percents.is_empty() {
            let shown: std::collections::HashMap<(u32, u32), String> = scanned
                .percents
                .iter()
                .filter_map(|&(r, c)| match sheet.grid.get(r, c) {
                    Some(CellValue::Number(x)) => Some(((r, c), percent_text(*x)?)),
                    _ => None,
                })
                .collect();
            if !shown.is_empty() {
                let g = &sheet.grid;
                let cells: Vec<(u32, u32, CellValue)> = g
                    .row_indices()
                    .flat_map(|r| g.row(r).iter().map(move |(c, v)| (r, *c, v)))
                    .map(|(r, c, v)| match shown.get(&(r, c)) {
                        Some(text) => (r, c, CellValue::Text(text.clone())),
                        None => (r, c, v.clone()),
                    })
                    .collect();
                sheet.grid = Grid::new(cells, g.merges().to_vec());
            }
        }
        sheet.same_part = scanned.aliases;
        sheets.push(sheet);
    }
    Ok(sheets)
}

pub(super) fn read_xlsb(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let mut wb = Xlsb::new(Cursor::new(bytes)).map_err(corrupt)?;
    let names = sheet_names(wb.sheet_names(), limits)?;
    let mut sheets = Vec::with_capacity(names.len());
    let mut budget = Budget::of(limits);
    for name in names {
        let mut reader = wb.worksheet_cells_reader(&name).map_err(corrupt)?;
        let sheet = stream_sheet(name, Vec::new(), limits, &mut budget, || {
            Ok(reader
                .next_cell()
                .map_err(corrupt)?
                .map(|c| (c.get_position(), from_data_ref(c.get_value()))))
        })?;
        sheets.push(sheet);
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

/// Collects a sheet's cells from a stream, leaving out those past the column limit and
/// stopping once the workbook's cell or text budget is spent.
fn stream_sheet(
    name: String,
    merges: Vec<Rect>,
    limits: &Limits,
    budget: &mut Budget,
    mut next: impl FnMut() -> Result<Option<((u32, u32), Option<CellValue>)>, ReadError>,
) -> Result<Sheet, ReadError> {
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
    Ok(Sheet {
        name,
        grid: Grid::new(cells, merges),
        ignored_cells: ignored,
        uncalculated: Vec::new(),
        same_name: 0,
        same_part: Vec::new(),
        nested_tables: 0,
    })
}

/// Refuses a shared-string table that declares more strings than its part can hold. The
/// parser sizes its table by the declaration before reading a string, so a 1 KB file
/// declaring four billion would take the whole machine's memory (and the batch with it);
/// a real table's `<si>` elements take at least five bytes each.
fn shared_strings_declared(zip: &mut Zip<'_>) -> Result<(), ReadError> {
    use std::io::Read;
    let Some(name) = zip
        .file_names()
        .filter_map(Result::ok)
        .find(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .map(|n| n.into_owned())
    else {
        return Ok(());
    };
    let entry = zip.by_name(&name).map_err(corrupt)?;
    let size = entry.size();
    let mut head = Vec::with_capacity(4096);
    entry.take(4096).read_to_end(&mut head)?;
    let head = String::from_utf8_lossy(&head);
    let Some(root) = head.find("<sst").map(|at| &head[at..]) else {
        return Ok(());
    };
    let root = &root[..root.find('>').unwrap_or(root.len())];
    let holds = size / 5 + 1;
    // `count` (references from cells) may exceed what the part holds; `uniqueCount`
    // (the strings themselves) may not.
    let declared = root
        .split(" uniqueCount=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|n| n.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > holds => Err(ReadError::Corrupt(format!(
            "共享字符串表声明有 {n} 个字符串，而其内容最多只能容纳 {holds} 个（文件已被篡改或损坏）"
        ))),
        _ => Ok(()),
    }
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
