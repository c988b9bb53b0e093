//! Workbook bytes → sheets of cells with absolute coordinates and merged regions.
//!
//! The format is decided from the file's first bytes, never its extension: a WPS or
//! budget-system export often carries the wrong one.

pub mod archive;
mod biff;
mod grid;
mod ods;
mod xlsx_merges;

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, DataRef, Dimensions, Reader, Xls, Xlsb, Xlsx};

pub use grid::{CellValue, Grid, Rect};

/// One worksheet of a workbook.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub grid: Grid,
    /// Cells left out because they lie past [`Limits::max_columns`].
    pub ignored_cells: u64,
    /// Formula cells without a value, read as their formula's text: (row, column) and
    /// that text.
    pub uncalculated: Vec<((u32, u32), String)>,
    /// Further sheets of the workbook with this same name: the parsers reach a sheet by
    /// its name, so those could not be read.
    pub same_name: usize,
    /// Further sheets that point at this sheet's own content (a hand-made or hostile
    /// workbook): left out, so the one table is not counted once per sheet.
    pub same_part: Vec<String>,
    /// Tables nested inside a cell (.ods): their content is not read.
    pub nested_tables: usize,
}

impl Sheet {
    pub fn new(name: String, grid: Grid) -> Sheet {
        Sheet {
            name,
            grid,
            ignored_cells: 0,
            uncalculated: Vec::new(),
            same_name: 0,
            same_part: Vec::new(),
            nested_tables: 0,
        }
    }
}

/// How much one workbook may hold before it is refused. A form is small; these bound
/// the time and memory a hostile file can cost. The command line can raise them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The file's size on disk.
    pub max_file_bytes: u64,
    /// The sum of the zip entries' uncompressed sizes (.xlsx, .ods): a zip bomb's mark.
    pub max_unzipped_bytes: u64,
    /// Occupied cells in the whole workbook.
    pub max_cells: u64,
    pub max_sheets: usize,
    /// Cells past this column (zero-based) are left out, with a warning.
    pub max_columns: u32,
    /// How many times its compressed size a zip entry past 100 KB may inflate to
    /// (Apache POI's minimum inflate ratio of 0.01): more is a zip bomb's mark.
    pub max_inflate_ratio: u64,
    /// Entries in one zip: a workbook has tens.
    pub max_zip_entries: usize,
    /// The text all cells of a workbook hold together, in bytes: a shared string
    /// referenced by every cell would otherwise be copied into each.
    pub max_text_bytes: u64,
    /// Indicator grids (tables) in one workbook: a department's sheet holds tens.
    pub max_tables: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 200 << 20,
            max_unzipped_bytes: 1 << 30,
            max_cells: 5_000_000,
            max_sheets: 1_000,
            max_columns: 1_024,
            max_inflate_ratio: 100,
            max_zip_entries: 10_000,
            max_text_bytes: 64 << 20,
            max_tables: 10_000,
        }
    }
}

const MIB: u64 = 1 << 20;

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
    #[error("文件超出处理上限：{0}")]
    TooLarge(String),
    /// A workbook jixiao itself wrote (merge or split) and no one has changed since,
    /// found while walking a folder.
    #[error(
        "这是 jixiao 写出的{0}工作簿，未计入，以免重复汇总（如确需读取，请在命令行中直接指定该文件）"
    )]
    OwnOutput(&'static str),
}

/// Reads every sheet of the workbook at `path`.
///
/// # Errors
/// [`ReadError`] when the file cannot be opened, is empty, encrypted, not a
/// spreadsheet or damaged.
pub fn read_path(path: &Path, limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let bytes = read_bounded(path, limits)?;
    read_bytes_with(&bytes, limits)
}

/// The bytes of `path` (`-`: standard input), never more than `max_file_bytes`,
/// whatever the file system says of its size (a device, a FIFO or a growing file is
/// read through the same limit).
fn read_bounded(path: &Path, limits: &Limits) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(limits.max_file_bytes + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limits.max_file_bytes {
            return Err(ReadError::TooLarge(format!(
                "标准输入超过上限 {} MB（可用 --max-file-mb 调整）",
                limits.max_file_bytes / MIB
            )));
        }
        return Ok(bytes);
    }
    let file = std::fs::File::open(path)?;
    let declared = file.metadata().map(|m| m.len()).unwrap_or(0);
    let too_large = |size: u64| too_large_file(size, limits);
    if declared > limits.max_file_bytes {
        return Err(too_large(declared));
    }
    let mut bytes = Vec::with_capacity(declared as usize);
    file.take(limits.max_file_bytes + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The refusal of a file of `size` bytes, past `limits.max_file_bytes`.
pub fn too_large_file(size: u64, limits: &Limits) -> ReadError {
    ReadError::TooLarge(format!(
        "文件大小 {} MB，超过上限 {} MB（可用 --max-file-mb 调整）",
        size.div_ceil(MIB),
        limits.max_file_bytes / MIB
    ))
}

/// As [`read_path`] for a file found while walking a folder: a workbook jixiao wrote
/// itself (汇总 or a split project) and nobody has saved since is refused with
/// [`ReadError::OwnOutput`], so a second run over the same inbox does not count it.
///
/// # Errors
/// As [`read_path`], and [`ReadError::OwnOutput`].
pub fn read_walked(path: &Path, limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    read_walked_bytes(&read_bounded(path, limits)?, limits)
}

/// The bytes of `path` (`-`: standard input), within the file limit.
///
/// # Errors
/// When the file cannot be read or is past the limit.
pub fn read_file_bytes(path: &Path, limits: &Limits) -> Result<Vec<u8>, ReadError> {
    read_bounded(path, limits)
}

/// As [`read_walked`], on bytes already read (a member of an archive).
///
/// # Errors
/// As [`read_walked`].
pub fn read_walked_bytes(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    if is_zip(bytes)
        && let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes))
        && let Some(kind) = own_output(&mut zip)
    {
        return Err(ReadError::OwnOutput(kind));
    }
    read_bytes_with(bytes, limits)
}

/// What jixiao wrote this workbook as (汇总 or 拆分), when its mark is there and its
/// document dates are still the ones jixiao writes: a workbook a department opened
/// and saved again is a submission like any other.
fn own_output(zip: &mut Zip<'_>) -> Option<&'static str> {
    use std::io::Read;
    let mut part = |name: &str| -> Option<String> {
        let entry = zip.by_name(name).ok()?;
        let mut text = String::new();
        entry.take(64 << 10).read_to_string(&mut text).ok()?;
        Some(text)
    };
    let custom = part("docProps/custom.xml")?;
    let at = custom.find(&format!("name=\"{}\"", crate::write::OUTPUT_PROPERTY))?;
    let value = custom[at..]
        .split("<vt:lpwstr>")
        .nth(1)?
        .split('<')
        .next()?;
    let kind = match value {
        "merge" => "汇总",
        "split" => "拆分",
        _ => return None,
    };
    let core = part("docProps/core.xml")?;
    let untouched = core.contains(">2024-01-01T00:00:00Z</dcterms:modified>")
        && core.contains("<cp:lastModifiedBy>jixiao</cp:lastModifiedBy>");
    untouched.then_some(kind)
}

/// Reads every sheet of a workbook held in memory.
///
/// # Errors
/// As [`read_path`], without the I/O.
pub fn read_bytes(bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    read_bytes_with(bytes, &Limits::default())
}

/// As [`read_bytes`], within `limits`.
///
/// # Errors
/// As [`read_path`]; [`ReadError::TooLarge`] past a limit.
pub fn read_bytes_with(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    // A damaged file can make a parser panic; that is one bad file, not a lost batch.
    std::panic::catch_unwind(|| read_unguarded(bytes, limits)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("解析器异常");
        let first_line = what.lines().next().unwrap_or(what);
        Err(ReadError::Corrupt(format!(
            "文件结构异常，解析中止（{first_line}）"
        )))
    })
}

pub(crate) type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn read_unguarded(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    // A zip's directory is read once: to tell the format, to check its sizes, and for
    // the parts jixiao reads itself.
    let mut zip = if is_zip(bytes) {
        Some(open_zip(bytes, limits)?)
    } else {
        None
    };
    let format = match &zip {
        Some(zip) => zip_format(zip)?,
        None => sniff(bytes)?,
    };
    let sheets = match (format, zip.as_mut()) {
        (Format::Xlsx, Some(zip)) => read_xlsx(bytes, zip, limits)?,
        (Format::Xlsb, _) => read_xlsb(bytes, limits)?,
        (Format::Ods, Some(zip)) => ods::read_ods(zip, limits)?,
        (Format::Xls, _) => read_xls(bytes, limits)?,
        // The zip formats come from an open zip only.
        (Format::Xlsx | Format::Ods, None) => {
            return Err(ReadError::Corrupt("ZIP 结构异常".into()));
        }
    };
    // Two sheets of one name: both would be read as the first (its tables twice);
    // the second is dropped and the first says so.
    let mut kept: Vec<Sheet> = Vec::with_capacity(sheets.len());
    for sheet in sheets {
        match kept.iter_mut().find(|k| k.name == sheet.name) {
            Some(first) => first.same_name += 1,
            None => kept.push(sheet),
        }
    }
    let mut sheets = kept;
    if sheets.len() > limits.max_sheets {
        return Err(ReadError::TooLarge(format!(
            "有 {} 个工作表，超过上限 {}（可用 --max-sheets 调整）",
            sheets.len(),
            limits.max_sheets
        )));
    }
    let cells: u64 = sheets.iter().map(|s| s.grid.cell_count() as u64).sum();
    if cells > limits.max_cells {
        return Err(too_many_cells(cells, limits));
    }
    for sheet in &mut sheets {
        let (kept, dropped) =
            std::mem::take(&mut sheet.grid).without_columns_past(limits.max_columns);
        sheet.grid = kept;
        sheet.ignored_cells += dropped;
    }
    Ok(sheets)
}

fn too_many_cells(cells: u64, limits: &Limits) -> ReadError {
    ReadError::TooLarge(format!(
        "单元格超过 {} 个（已读到 {cells} 个；可用 --max-cells 调整）",
        limits.max_cells
    ))
}

/// Opens a zip, refusing one whose entries would inflate past the limit. The zip reader
/// holds every entry to its declared size, so the declared sizes bound what inflating costs.
pub(crate) fn open_zip<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Zip<'a>, ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    // Two entries of one name: a reader takes one of them, and nobody can tell which
    // one the sender saw.
    if zip.has_duplicate_names() {
        return Err(ReadError::Corrupt(
            "压缩包中有重名的文件，无法确定应读取哪一个（文件可能被篡改；请用 Excel 或 WPS 重新保存）".into(),
        ));
    }
    if zip.len() > limits.max_zip_entries {
        return Err(ReadError::TooLarge(format!(
            "压缩包内有 {} 个文件，超过上限 {}，疑似压缩炸弹",
            zip.len(),
            limits.max_zip_entries
        )));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(corrupt)?;
        // Office writers store or deflate; any other method is a made file, and each
        // has its own decoder's costs.
        if !matches!(
            entry.compression(),
            zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
        ) {
            return Err(ReadError::Corrupt(format!(
                "压缩包中的 {} 使用了 Excel、WPS 和 LibreOffice 不使用的压缩方式，无法读取（请用 Excel 或 WPS 重新保存）",
                entry.name().unwrap_or_default()
            )));
        }
        // Declared sizes are checked before anything inflates; the zip reader holds
        // each entry to its declared size while inflating.
        const GRACE: u64 = 100 << 10;
        if entry.size() > GRACE
            && entry.size() / entry.compressed_size().max(1) > limits.max_inflate_ratio
        {
            return Err(ReadError::TooLarge(format!(
                "{} 压缩前 {} KB、解压后 {} MB，压缩比超过 {}:1，疑似压缩炸弹（可用 --max-zip-ratio 调整）",
                entry.name().unwrap_or_default(),
                entry.compressed_size().div_ceil(1024),
                entry.size().div_ceil(MIB),
                limits.max_inflate_ratio
            )));
        }
        total = total.saturating_add(entry.size());
        if total > limits.max_unzipped_bytes {
            return Err(ReadError::TooLarge(format!(
                "解压后超过 {} MB（{} 压缩前仅 {} KB，疑似压缩炸弹；可用 --max-unzipped-mb 调整）",
                limits.max_unzipped_bytes / MIB,
                entry.name().unwrap_or_default(),
                entry.compressed_size().div_ceil(1024)
            )));
        }
    }
    Ok(zip)
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

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The workbook format a zip holds, from its entries.
fn zip_format(zip: &Zip<'_>) -> Result<Format, ReadError> {
    let has = |name: &str| zip.index_for_name(name).is_some();
    if has("xl/workbook.xml") {
        Ok(Format::Xlsx)
    } else if has("xl/workbook.bin") {
        Ok(Format::Xlsb)
    } else if has("content.xml") {
        Ok(Format::Ods)
    } else {
        Err(ReadError::NotSpreadsheet("ZIP 压缩包中没有工作簿".into()))
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
    if is_zip(bytes) {
        return zip_format(&zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?);
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

pub(crate) fn corrupt(e: impl std::fmt::Display) -> ReadError {
    let detail = e.to_string();
    let said = reason_in_chinese(&detail);
    if VERBOSE.load(std::sync::atomic::Ordering::Relaxed) && said != detail {
        ReadError::Corrupt(format!("{said}（{detail}）"))
    } else {
        ReadError::Corrupt(said)
    }
}

/// Whether refusals carry the parsing library's own words after the Chinese reason
/// (`--verbose`); without it, users read Chinese only.
pub static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// What a parsing library's error means, said in Chinese. A message already in
/// Chinese is kept.
fn reason_in_chinese(detail: &str) -> String {
    if detail
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    {
        return detail.to_string();
    }
    let d = detail.to_ascii_lowercase();
    let said = if d.contains("eocd") || d.contains("zip") || d.contains("central directory") {
        "不是完整的 zip 压缩包（文件可能被截断或不是 .xlsx）"
    } else if d.contains("xml") || d.contains("entity") || d.contains("tag") {
        "工作表内容不是有效的 XML"
    } else if d.contains("password") || d.contains("encrypt") {
        "文件已加密"
    } else if d.contains("cfb") || d.contains("sector") || d.contains("ole") {
        "Excel 97-2003 文件的内部结构已损坏"
    } else if d.contains("utf") || d.contains("encoding") || d.contains("codepage") {
        "文件中的文字编码无法识别"
    } else if d.contains("eof") || d.contains("end of file") || d.contains("unexpected end") {
        "文件不完整（提前结束）"
    } else {
        "文件内部结构无法解析"
    };
    said.to_string()
}

fn rect(d: &Dimensions) -> Rect {
    Rect {
        first_row: d.start.0,
        first_col: d.start.1,
        last_row: d.end.0,
        last_col: d.end.1,
    }
}

/// .xlsx and .xlsb are read as a stream of cells: a range would allocate the whole
/// rectangle between the first and the last cell, however empty.
fn read_xlsx(bytes: &[u8], zip: &mut Zip<'_>, limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
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
        // A formula with no value is read as its text (=4次 as scripts write it), and
        // said: never a silent blank.
        let missing: Vec<((u32, u32), String)> = scanned
            .uncalculated
            .into_iter()
            .filter(|((r, c), _)| sheet.grid.get(*r, *c).is_none() && *c <= limits.max_columns)
            .collect();
        if !missing.is_empty() {
            let g = &sheet.grid;
            let mut cells: Vec<(u32, u32, CellValue)> = g
                .row_indices()
                .flat_map(|r| g.row(r).iter().map(move |(c, v)| (r, *c, v.clone())))
                .collect();
            for ((r, c), f) in &missing {
                cells.push((*r, *c, CellValue::Text(format!("={f}"))));
            }
            let merges = g.merges().to_vec();
            sheet.grid = Grid::new(cells, merges);
            sheet.uncalculated = missing
                .into_iter()
                .map(|(at, f)| (at, format!("={f}")))
                .collect();
        }
        sheet.same_part = scanned.aliases;
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn read_xlsb(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
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

fn sheet_names(names: Vec<String>, limits: &Limits) -> Result<Vec<String>, ReadError> {
    if names.len() > limits.max_sheets {
        return Err(ReadError::TooLarge(format!(
            "有 {} 个工作表，超过上限 {}（可用 --max-sheets 调整）",
            names.len(),
            limits.max_sheets
        )));
    }
    Ok(names)
}

/// What a workbook may still hold: cells, and bytes of text.
pub(super) struct Budget {
    cells: u64,
    text: u64,
}

impl Budget {
    pub(super) fn of(limits: &Limits) -> Budget {
        Budget {
            cells: limits.max_cells,
            text: limits.max_text_bytes,
        }
    }

    /// Counts `cells` against the budget; refuses the workbook once it is spent.
    pub(super) fn spend(
        &mut self,
        cells: &[(u32, CellValue)],
        limits: &Limits,
    ) -> Result<(), ReadError> {
        for (_, v) in cells {
            self.cells = self
                .cells
                .checked_sub(1)
                .ok_or_else(|| too_many_cells(limits.max_cells + 1, limits))?;
            if let CellValue::Text(t) | CellValue::Error(t) = v {
                self.text = self
                    .text
                    .checked_sub(t.len() as u64)
                    .ok_or_else(|| too_much_text(limits))?;
            }
        }
        Ok(())
    }
}

fn too_much_text(limits: &Limits) -> ReadError {
    ReadError::TooLarge(format!(
        "单元格文本合计超过 {} MB（同一长文本被大量单元格引用时常见，疑似恶意文件；可用 --max-text-mb 调整）",
        limits.max_text_bytes / MIB
    ))
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
        if budget.cells == 0 {
            return Err(too_many_cells(limits.max_cells + 1, limits));
        }
        budget.cells -= 1;
        if let CellValue::Text(t) | CellValue::Error(t) = &v {
            budget.text = budget
                .text
                .checked_sub(t.len() as u64)
                .ok_or_else(|| too_much_text(limits))?;
        }
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
    let (declared, spanned) = biff_extent(&biff);
    if declared > MAX_DECLARED {
        return Err(ReadError::Corrupt(format!(
            "工作表声明的范围（{declared} 格）不合理"
        )));
    }
    if spanned > limits.max_cells {
        return Err(ReadError::TooLarge(format!(
            "单元格分布范围达 {spanned} 格，超过上限 {}（可能含有远离表格的单元格；可用 --max-cells 调整）",
            limits.max_cells
        )));
    }
    // The parser copies a shared string into every cell naming it: count that first.
    if biff::cell_text(&biff) > limits.max_text_bytes {
        return Err(too_much_text(limits));
    }
    Ok(())
}

/// What a BIFF stream's sheets would make calamine allocate: the largest area a
/// DIMENSIONS record declares (it reserves room for that) and the largest rectangle
/// the cell records span (it lays that out, cell by cell).
///
/// Sheets are walked from the positions the workbook's BOUNDSHEET records give, as
/// calamine walks them, not by reading the stream straight through.
fn biff_extent(biff: &[u8]) -> (u64, u64) {
    let records = |from: usize| {
        let mut at = from;
        std::iter::from_fn(move || {
            let head = biff.get(at..at + 4)?;
            let typ = u16::from_le_bytes([head[0], head[1]]);
            let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
            let data = &biff[(at + 4).min(biff.len())..(at + 4 + len).min(biff.len())];
            at += 4 + len;
            Some((typ, data))
        })
    };
    let u16_at = |d: &[u8], i: usize| {
        d.get(i..i + 2)
            .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |d: &[u8], i: usize| {
        d.get(i..i + 4)
            .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    let sheets: Vec<usize> = records(0)
        .take_while(|(typ, _)| *typ != 0x000A)
        .filter(|(typ, _)| *typ == 0x0085)
        .filter_map(|(_, d)| u32_at(d, 0).map(|p| p as usize))
        .collect();
    let (mut declared, mut spanned) = (0u64, 0u64);
    for start in sheets {
        let mut bounds: Option<(u64, u64, u64, u64)> = None;
        // As calamine does: the first BOF opens the sheet, a later one an embedded
        // substream (a chart) to skip, EOF at the top level ends the sheet.
        let (mut seen_bof, mut depth) = (false, 0usize);
        for (typ, d) in records(start) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                0x0809 if seen_bof => {
                    depth += 1;
                    continue;
                }
                0x0809 => seen_bof = true,
                0x000A => break,
                _ => {}
            }
            let cells = match typ {
                // DIMENSIONS: what calamine reserves, computed as it does (in u32,
                // wrapping: a first row past the last one wraps to billions).
                0x0200 => {
                    let u32s = |i: usize| u32_at(d, i).map(|v| v as u32);
                    let u16s = |i: usize| u16_at(d, i).map(|v| v as u32);
                    let parts = match d.len() {
                        10 => (u16s(0), u16s(2), u16s(4), u16s(6)),
                        14 | 16 => (u32s(0), u32s(4), u16s(8), u16s(10)),
                        _ => (None, None, None, None),
                    };
                    if let (Some(rf), Some(rl), Some(cf), Some(cl)) = parts {
                        let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                        let (end_r, end_c) = if rl >= 1 && cl >= 1 {
                            (rl - 1, cl - 1)
                        } else {
                            (rf, cf)
                        };
                        let rows = u64::from(end_r.wrapping_sub(rf).wrapping_add(1));
                        let cols = u64::from(end_c.wrapping_sub(cf).wrapping_add(1));
                        declared = declared.max(rows.saturating_mul(cols));
                    }
                    None
                }
                // NUMBER, LABEL, LABELSST, RK, BOOLERR, FORMULA: row, column.
                0x0203 | 0x0204 | 0x00FD | 0x027E | 0x0205 | 0x0006 => {
                    u16_at(d, 0).zip(u16_at(d, 2)).map(|(r, c)| (r, c, c))
                }
                // MULRK: row, first column, …, last column.
                0x00BD => match (
                    u16_at(d, 0),
                    u16_at(d, 2),
                    d.len().checked_sub(2).and_then(|i| u16_at(d, i)),
                ) {
                    (Some(r), Some(c0), Some(c1)) => Some((r, c0, c1.max(c0))),
                    _ => None,
                },
                _ => None,
            };
            if let Some((r, c0, c1)) = cells {
                bounds = Some(match bounds {
                    None => (r, r, c0, c1),
                    Some((r0, r1, a, b)) => (r0.min(r), r1.max(r), a.min(c0), b.max(c1)),
                });
            }
        }
        if let Some((r0, r1, c0, c1)) = bounds {
            spanned = spanned.max((r1 - r0 + 1) * (c1 - c0 + 1));
        }
    }
    (declared, spanned)
}

/// Legacy .xls: calamine parses every sheet when it opens the file; the BIFF8 grid
/// (65,536 × 256) bounds what that costs.
fn read_xls(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
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
