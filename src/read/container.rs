//! What a file is, decided from its first bytes; a zip opened within its limits; the
//! parsing libraries' errors said in Chinese.

use std::io::Cursor;

use super::{Format, Limits, MIB, ReadError, Zip};

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
                "{} 压缩前 {} KB、解压后 {} MB，压缩比超过 {}:1，疑似压缩炸弹{}",
                entry.name().unwrap_or_default(),
                entry.compressed_size().div_ceil(1024),
                entry.size().div_ceil(MIB),
                limits.max_inflate_ratio,
                limits.hint_after(super::Limit::InflateRatio)
            )));
        }
        total = total.saturating_add(entry.size());
        if total > limits.max_unzipped_bytes {
            return Err(ReadError::TooLarge(format!(
                "解压后超过 {} MB（{} 压缩前仅 {} KB，疑似压缩炸弹{}）",
                limits.max_unzipped_bytes / MIB,
                entry.name().unwrap_or_default(),
                entry.compressed_size().div_ceil(1024),
                limits.hint_within(super::Limit::UnzippedBytes)
            )));
        }
    }
    Ok(zip)
}

pub(super) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The workbook format a zip holds, from its entries.
pub(super) fn zip_format(zip: &Zip<'_>) -> Result<Format, ReadError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
