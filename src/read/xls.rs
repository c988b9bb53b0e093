//! Legacy .xls (BIFF5/8): the container validated and the records measured before
//! the parser lays sheets out, then read.

use std::io::Cursor;

use calamine::{Data, Dimensions, Reader, Xls};

use super::{
    CellValue, Grid, Limits, ReadError, Rect, Sheet, biff, corrupt, excel_date, too_much_text,
};

/// Validates an OLE2 container and reads its workbook stream before calamine does:
/// calamine follows a cyclic sector chain until memory runs out, where the `cfb`
/// crate checks every chain and stops.
/// calamine also lays every sheet out as a dense rectangle when it opens the file, so
/// the cells' extent is measured here first: one cell far away would cost gigabytes.
fn check_xls(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    use std::io::Read as _;
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(corrupt)?;
    let stream = ["/Workbook", "/Book"]
        .into_iter()
        .find(|s| file.is_stream(s));
    let Some(stream) = stream else {
        return Err(ReadError::NotSpreadsheet(
            "OLE2 文件中没有工作簿（可能是 Word 或其他 Office 文档）".into(),
        ));
    };
    let mut biff = Vec::new();
    file.open_stream(stream)
        .map_err(corrupt)?
        .read_to_end(&mut biff)
        .map_err(corrupt)?;
    // No legal BIFF8 sheet is larger than 65,536 × 256; laying cells out costs every cell.
    const MAX_DECLARED: u64 = 65_536 * 256;
    let (declared, spanned) = biff::extent(&biff);
    if declared > MAX_DECLARED {
        return Err(ReadError::Corrupt(format!(
            "工作表声明的范围（{declared} 格）不合理"
        )));
    }
    if spanned > limits.max_cells {
        return Err(ReadError::TooLarge(format!(
            "单元格分布范围达 {spanned} 格，超过上限 {}（可能含有远离表格的单元格{}）",
            limits.max_cells,
            limits.hint_within(super::Limit::Cells)
        )));
    }
    // The parser copies a shared string into every cell naming it: count that first.
    if biff::cell_text(&biff) > limits.max_text_bytes {
        return Err(too_much_text(limits));
    }
    Ok(())
}

/// Legacy .xls: calamine parses every sheet when it opens the file; the BIFF8 grid
/// (65,536 × 256) bounds what that costs.
pub(super) fn read_xls(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    check_xls(bytes, limits)?;
    let mut wb = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => ReadError::Encrypted,
        e => corrupt(e),
    })?;
    let names = wb.sheet_names();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = wb.worksheet_range(&name).map_err(corrupt)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let cells = range
            .used_cells()
            .filter_map(|(r, c, v)| from_data(v).map(|v| (r0 + r as u32, c0 + c as u32, v)))
            .collect();
        let merges = wb
            .merge_cells_by_sheet_name(&name)
            .map_err(corrupt)?
            .iter()
            .map(rect)
            .collect();
        sheets.push(Sheet::new(name, Grid::new(cells, merges)));
    }
    Ok(sheets)
}

fn rect(d: &Dimensions) -> Rect {
    Rect {
        first_row: d.start.0,
        first_col: d.start.1,
        last_row: d.end.0,
        last_col: d.end.1,
    }
}

fn from_data(d: &Data) -> Option<CellValue> {
    Some(match d {
        Data::Int(i) => CellValue::Number(*i as f64),
        Data::Float(f) => CellValue::Number(*f),
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(dt) => CellValue::Text(excel_date(dt.as_f64())),
        Data::DateTimeIso(s) | Data::DurationIso(s) => CellValue::Text(s.clone()),
        Data::Error(e) => CellValue::Error(e.to_string()),
        Data::Empty => return None,
    })
}
