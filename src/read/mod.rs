//! Workbook bytes → sheets of cells with absolute coordinates and merged regions.
//!
//! The format is decided from the file's first bytes, never its extension: a WPS or
//! budget-system export often carries the wrong one (`container`). Each format has its
//! reader: .xlsx and .xlsb streamed cell by cell (`xlsx`), .xls after a pre-scan of its
//! records (`xls`, `biff`), .ods in one pass (`ods`). All spend one `Budget` of the
//! [`Limits`].

pub(crate) mod archive;
mod biff;
mod container;
mod grid;
mod ods;
mod xls;
mod xlsx;

use std::io::Cursor;
use std::path::Path;

pub use container::VERBOSE;
pub(crate) use container::{corrupt, open_zip};
pub use grid::{CellValue, Grid, Rect};

use container::{is_zip, sniff, zip_format};

/// One worksheet of a workbook.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The sheet's name on its tab (项目1); findings name the sheet by it.
    pub name: String,
    /// The sheet's occupied cells and merged regions.
    pub grid: Grid,
    /// Cells left out because they lie past [`Limits::max_columns`].
    pub ignored_cells: u64,
    /// Formula cells without a value, read as their formula's text: (row, column) and
    /// that text.
    pub uncalculated: Vec<Uncalculated>,
    /// Further sheets of the workbook with this same name: the parsers reach a sheet by
    /// its name, so those could not be read.
    pub same_name: usize,
    /// Further sheets that point at this sheet's own content (a hand-made or hostile
    /// workbook): left out, so the one table is not counted once per sheet.
    pub same_part: Vec<String>,
    /// Tables nested inside a cell (.ods): their content is not read.
    pub nested_tables: usize,
}

/// A formula cell saved without its value (never opened in Excel, or saved by a
/// script).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncalculated {
    /// (row, column)
    pub at: (u32, u32),
    /// The formula as written, with its `=`.
    pub formula: String,
    /// Read as its text (`=4次`, `=100%`: what scripts write as formulas); otherwise a
    /// real formula whose value nobody computed, and the cell is left blank.
    pub as_text: bool,
}

impl Sheet {
    /// A sheet of these cells, with nothing left out or skipped in reading it.
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
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How the user can raise a limit, in the caller's own words (the command line
    /// names its option: 可用 --max-cells 调整), added to the refusal. None by default:
    /// the library does not know how its caller sets the limits.
    pub raise_hint: Option<fn(Limit) -> &'static str>,
    /// The file's size on disk.
    pub max_file_bytes: u64,
    /// The sum of the zip entries' uncompressed sizes (.xlsx, .ods): a zip bomb's mark.
    pub max_unzipped_bytes: u64,
    /// Occupied cells in the whole workbook.
    pub max_cells: u64,
    /// Worksheets in one workbook.
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
            raise_hint: None,
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

impl Limits {
    /// The caller's hint for `limit` in parentheses after a refusal (`（可用 … 调整）`),
    /// or nothing.
    pub(crate) fn hint_after(&self, limit: Limit) -> String {
        self.raise_hint
            .map(|hint| format!("（{}）", hint(limit)))
            .unwrap_or_default()
    }

    /// The caller's hint for `limit` closing a refusal's own parentheses (`；可用 …
    /// 调整`), or nothing.
    pub(crate) fn hint_within(&self, limit: Limit) -> String {
        self.raise_hint
            .map(|hint| format!("；{}", hint(limit)))
            .unwrap_or_default()
    }
}

/// Which of the [`Limits`] a workbook was refused for: what [`Limits::raise_hint`]
/// is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`Limits::max_file_bytes`] (standard input included).
    FileBytes,
    /// [`Limits::max_unzipped_bytes`].
    UnzippedBytes,
    /// [`Limits::max_inflate_ratio`].
    InflateRatio,
    /// [`Limits::max_cells`], counted or spanned.
    Cells,
    /// [`Limits::max_sheets`].
    Sheets,
    /// [`Limits::max_text_bytes`].
    TextBytes,
    /// [`Limits::max_tables`].
    Tables,
}

const MIB: u64 = 1 << 20;

/// The container formats jixiao reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

/// The name of the custom document property that marks what jixiao wrote: a later run
/// over the same folder leaves its own outputs out of the totals.
pub const OUTPUT_PROPERTY: &str = "jixiao-output";

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> ReadError {
        ReadError::Io(e)
    }
}

/// An I/O failure as the people who sent the file read it.
fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let said = match e.kind() {
        K::NotFound => "文件不存在",
        K::PermissionDenied => "没有读取权限",
        K::IsADirectory => "这是一个目录，不是文件",
        K::UnexpectedEof => "文件在读取时被截断或正在被写入",
        K::Interrupted | K::TimedOut | K::WouldBlock => "读取被中断，请重试",
        K::OutOfMemory => "内存不足",
        K::InvalidData | K::InvalidInput => "文件内容无法识别",
        _ => "读取时发生系统错误",
    };
    if VERBOSE.load(std::sync::atomic::Ordering::Relaxed) {
        format!("{said}（{e}）")
    } else {
        said.to_string()
    }
}

/// Why a file could not be read. Messages are for the people who sent the file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The operating system's answer, said in Chinese by its kind; the English text
    /// only with `--verbose` (see [`VERBOSE`]).
    #[error("无法读取文件：{}", io_reason(.0))]
    Io(std::io::Error),
    /// The file holds no bytes at all.
    #[error("文件为空（0 字节）")]
    Empty,
    /// The workbook has an open password, so its cells cannot be read.
    #[error("文件已加密（设有打开密码），请去除密码后重新提交")]
    Encrypted,
    /// Another kind of file (a web page, plain text such as a CSV, a FIFO), with what
    /// it looks like instead.
    #[error("不是电子表格文件：{0}")]
    NotSpreadsheet(String),
    /// A spreadsheet whose structure is broken or cut short, with what was wrong.
    #[error("文件已损坏或不完整：{0}")]
    Corrupt(String),
    /// Past one of the [`Limits`], with which one and by how much.
    #[error("文件超出处理上限：{0}")]
    TooLarge(String),
    /// A workbook jixiao itself wrote (merge or split) and no one has changed since,
    /// found while walking a folder.
    #[error(
        "这是 jixiao 写出的{0}工作簿，未计入，以免重复汇总（如确需读取，请在命令行中直接指定该文件）"
    )]
    OwnOutput(&'static str),
}

/// A [`ReadError`] told in one line, with no cause below it: how the 名单 and the 预算表
/// report a workbook they could not open (the message already holds any I/O cause).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReadReason(pub ReadError);

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
                "标准输入超过上限 {} MB{}",
                limits.max_file_bytes / MIB,
                limits.hint_after(Limit::FileBytes)
            )));
        }
        return Ok(bytes);
    }
    // Opening a FIFO waits for a writer: refused from its metadata, before opening.
    let kind = std::fs::metadata(path)?.file_type();
    if kind.is_fifo_like() {
        return Err(ReadError::NotSpreadsheet(
            "不是普通文件（管道或套接字），未读取".into(),
        ));
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

/// Whether opening a file of this kind would wait for another program.
trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}

impl FifoLike for std::fs::FileType {
    #[cfg(unix)]
    fn is_fifo_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_fifo() || self.is_socket()
    }

    #[cfg(not(unix))]
    fn is_fifo_like(&self) -> bool {
        false
    }
}

/// The refusal of a file of `size` bytes, past `limits.max_file_bytes`.
pub(crate) fn too_large_file(size: u64, limits: &Limits) -> ReadError {
    ReadError::TooLarge(format!(
        "文件大小 {} MB，超过上限 {} MB{}",
        size.div_ceil(MIB),
        limits.max_file_bytes / MIB,
        limits.hint_after(Limit::FileBytes)
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
    let at = custom.find(&format!("name=\"{}\"", OUTPUT_PROPERTY))?;
    let value = custom[at..]
        .split("<vt:lpwstr>")
        .nth(1)?
        .split('<')
        .next()?;
    let kind = match value {
        "merge" => "汇总",
        "split" => "拆分",
        "diff" => "变更对比",
        "feedback" => "审核意见",
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
        let what = crate::panic_message(payload.as_ref()).unwrap_or("解析器异常");
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
        (Format::Xlsx, Some(zip)) => xlsx::read_xlsx(bytes, zip, limits)?,
        (Format::Xlsb, _) => xlsx::read_xlsb(bytes, limits)?,
        (Format::Ods, Some(zip)) => ods::read_ods(zip, limits)?,
        (Format::Xls, _) => xls::read_xls(bytes, limits)?,
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
            "有 {} 个工作表，超过上限 {}{}",
            sheets.len(),
            limits.max_sheets,
            limits.hint_after(Limit::Sheets)
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
        "单元格超过 {} 个（已读到 {cells} 个{}）",
        limits.max_cells,
        limits.hint_within(Limit::Cells)
    ))
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
        cells
            .iter()
            .try_for_each(|(_, v)| self.spend_one(v, limits))
    }

    /// Counts one cell against the budget.
    pub(super) fn spend_one(&mut self, v: &CellValue, limits: &Limits) -> Result<(), ReadError> {
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
        Ok(())
    }
}

fn too_much_text(limits: &Limits) -> ReadError {
    ReadError::TooLarge(format!(
        "单元格文本合计超过 {} MB（同一长文本被大量单元格引用时常见，疑似恶意文件{}）",
        limits.max_text_bytes / MIB,
        limits.hint_within(Limit::TextBytes)
    ))
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
}
