//! Workbook bytes → sheets of cells with absolute coordinates and merged regions.
//!
//! The format is decided from the file's first bytes, never its extension: a WPS or
//! budget-system export often carries the wrong one.

mod grid;
mod ods;

use std::io::{Cursor, Read, Seek};
use std::path::Path;

use calamine::{Data, DataRef, Dimensions, Reader, Xls, Xlsb, Xlsx};

pub use grid::{CellValue, Grid, Rect};

/// One worksheet of a workbook.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub grid: Grid,
}

/// The container formats jixiao reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

/// Why a file could not be read. Messages are for the people who sent the file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("无法读取文件：{0}")]
    Io(#[from] std::io::Error),
    #[error("文件为空（0 字节）")]
    Empty,
    #[error("文件已加密（设有打开密码），请去除密码后重新提交")]
    Encrypted,
    #[error("不是电子表格文件：{0}")]
    NotSpreadsheet(String),
    #[error("文件已损坏或不完整：{0}")]
    Corrupt(String),
}

/// Reads every sheet of the workbook at `path`.
///
/// # Errors
/// [`ReadError`] when the file cannot be opened, is empty, encrypted, not a
/// spreadsheet or damaged.
pub fn read_path(path: &Path) -> Result<Vec<Sheet>, ReadError> {
    let bytes = std::fs::read(path)?;
    read_bytes(&bytes)
}

/// Reads every sheet of a workbook held in memory.
///
/// # Errors
/// As [`read_path`], without the I/O.
pub fn read_bytes(bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    match sniff(bytes)? {
        Format::Xlsx => read_xlsx(bytes),
        Format::Xlsb => {
            read_with_ranges(Xlsb::new(Cursor::new(bytes)).map_err(corrupt)?, |_, _| {
                Ok(Vec::new())
            })
        }
        Format::Xls => {
            let wb = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::XlsError::Password => ReadError::Encrypted,
                e => corrupt(e),
            })?;
            read_with_ranges(wb, |wb: &mut Xls<_>, name| {
                Ok(wb
                    .merge_cells_by_sheet_name(name)
                    .map_err(corrupt)?
                    .iter()
                    .map(rect)
                    .collect())
            })
        }
        Format::Ods => ods::read_ods(bytes),
    }
}

const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Decides the format from the first bytes (and, for a zip, its entries).
///
/// # Errors
/// [`ReadError::Empty`], [`ReadError::Encrypted`] for an encrypted OOXML package, and
/// [`ReadError::NotSpreadsheet`] for anything else that is no workbook.
pub fn sniff(bytes: &[u8]) -> Result<Format, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.starts_with(OLE2_MAGIC) {
        // An encrypted .xlsx is an OLE2 file holding an EncryptedPackage stream.
        let marker: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if bytes.windows(marker.len()).any(|w| w == marker) {
            return Err(ReadError::Encrypted);
        }
        return Ok(Format::Xls);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
        let has = |name: &str| zip.index_for_name(name).is_some();
        return if has("xl/workbook.xml") {
            Ok(Format::Xlsx)
        } else if has("xl/workbook.bin") {
            Ok(Format::Xlsb)
        } else if has("content.xml") {
            Ok(Format::Ods)
        } else {
            Err(ReadError::NotSpreadsheet("ZIP 压缩包中没有工作簿".into()))
        };
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let what = if head.contains("<html") || head.contains("<!doctype") || head.contains("<table") {
        "内容是网页（HTML），请在 Excel 中另存为 .xlsx"
    } else if head.trim_start().starts_with("<?xml") {
        "内容是 XML 文本，请在 Excel 中另存为 .xlsx"
    } else if std::str::from_utf8(&bytes[..bytes.len().min(4096)]).is_ok() || head.contains(',') {
        "内容是纯文本（可能是 CSV），请在 Excel 中另存为 .xlsx"
    } else {
        "无法识别的文件格式"
    };
    Err(ReadError::NotSpreadsheet(what.into()))
}

fn corrupt(e: impl std::fmt::Display) -> ReadError {
    ReadError::Corrupt(e.to_string())
}

fn rect(d: &Dimensions) -> Rect {
    Rect {
        first_row: d.start.0,
        first_col: d.start.1,
        last_row: d.end.0,
        last_col: d.end.1,
    }
}

/// .xlsx is read as a stream of cells: a range would allocate the whole rectangle
/// between the first and the last cell, however empty.
fn read_xlsx(bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(corrupt)?;
    let names = wb.sheet_names();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let merges = wb
            .merge_cells_by_sheet_name(&name)
            .map_err(corrupt)?
            .iter()
            .map(rect)
            .collect();
        let mut cells = Vec::new();
        let mut reader = wb.worksheet_cells_reader(&name).map_err(corrupt)?;
        while let Some(cell) = reader.next_cell().map_err(corrupt)? {
            let (r, c) = cell.get_position();
            if let Some(v) = from_data_ref(cell.get_value()) {
                cells.push((r, c, v));
            }
        }
        drop(reader);
        sheets.push(Sheet {
            name,
            grid: Grid::new(cells, merges),
        });
    }
    Ok(sheets)
}

fn read_with_ranges<RS, R>(
    mut wb: R,
    merges: impl Fn(&mut R, &str) -> Result<Vec<Rect>, ReadError>,
) -> Result<Vec<Sheet>, ReadError>
where
    RS: Read + Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let names = wb.sheet_names();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = wb.worksheet_range(&name).map_err(corrupt)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let cells = range
            .used_cells()
            .filter_map(|(r, c, v)| from_data(v).map(|v| (r0 + r as u32, c0 + c as u32, v)))
            .collect();
        let merges = merges(&mut wb, &name)?;
        sheets.push(Sheet {
            name,
            grid: Grid::new(cells, merges),
        });
    }
    Ok(sheets)
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

/// An Excel date serial as `2024-12-31` (1900 system; the time of day is dropped).
fn excel_date(serial: f64) -> String {
    if !(1.0..2_958_466.0).contains(&serial) {
        return serial.to_string();
    }
    // Serial 60 is the 1900-02-29 that never was; serials after it are one day ahead.
    let days = serial.floor() as i64 - if serial >= 61.0 { 2 } else { 1 };
    // Days since 1900-01-01 → civil date (Howard Hinnant's algorithm, from 1970 epoch).
    let z = days - 25_567 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(excel_date(45657.0), "2024-12-31");
        assert_eq!(excel_date(1.0), "1900-01-01");
        assert_eq!(excel_date(61.0), "1900-03-01");
    }

    #[test]
    fn sniffing() {
        assert!(matches!(sniff(b""), Err(ReadError::Empty)));
        assert!(matches!(
            sniff(b"<html><table>"),
            Err(ReadError::NotSpreadsheet(_))
        ));
        assert!(matches!(
            sniff("项目名称,金额\n".as_bytes()),
            Err(ReadError::NotSpreadsheet(_))
        ));
        assert!(matches!(
            sniff(b"PK\x03\x04garbage"),
            Err(ReadError::Corrupt(_))
        ));
        assert_eq!(sniff(OLE2_MAGIC).unwrap(), Format::Xls);
    }
}
