//! Merged regions of an .xlsx, found by scanning each sheet's XML after its cells; on
//! the same pass, formulas saved without values and numbers shown as percentages.
//!
//! calamine parses a whole sheet a second time to give its merged regions; the
//! `<mergeCell ref="A1:F2"/>` elements all follow `</sheetData>`, so a byte search from
//! there finds them at the cost of inflating the sheet alone.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::events::Event;

use super::{ReadError, Rect, Zip, corrupt};
use crate::text::parse_a1;

/// The merged regions of every sheet, by sheet name.
///
/// # Errors
/// [`ReadError::Corrupt`] when the workbook's parts are missing or not well formed.
pub fn merged_regions(zip: &mut Zip<'_>) -> Result<HashMap<String, Scanned>, ReadError> {
    let read = |zip: &mut Zip<'_>, name: &str| -> Result<Vec<u8>, ReadError> {
        let mut entry = zip.by_name(name).map_err(corrupt)?;
        let mut buf = Vec::with_capacity(entry.size().min(64 << 20) as usize);
        entry.read_to_end(&mut buf).map_err(corrupt)?;
        Ok(buf)
    };
    let percent_styles = percent_styles(zip);
    let targets = relationships(&read(zip, "xl/_rels/workbook.xml.rels")?)?;
    let sheets = sheet_ids(&read(zip, "xl/workbook.xml")?)?;
    let mut out = HashMap::new();
    let mut parts: HashMap<String, String> = HashMap::new();
    for (name, id) in sheets {
        let Some(target) = targets.get(&id) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("xl/{target}"),
        };
        // Several sheets pointing at one part hold one table, not several: the first
        // is read, the others are named on it (each would inflate the part again).
        if let Some(first) = parts.get(&path) {
            if let Some(s) = out.get_mut(first) {
                let s: &mut Scanned = s;
                s.aliases.push(name);
            }
            continue;
        }
        parts.insert(path.clone(), name.clone());
        let Ok(xml) = read(zip, &path) else {
            continue;
        };
        out.insert(
            name,
            Scanned {
                merges: scan(&xml),
                uncalculated: uncalculated(&xml),
                percents: if percent_styles.is_empty() {
                    Vec::new()
                } else {
                    percent_cells(&xml, &percent_styles)
                },
                aliases: Vec::new(),
            },
        );
    }
    Ok(out)
}

/// The cell styles (indices into `cellXfs`) that show a number as a percentage: the
/// built-in formats 9 (`0%`) and 10 (`0.00%`), and any custom one with a `%` outside
/// quotes. Typed as `98%` in Excel, a cell stores 0.98 under such a style.
fn percent_styles(zip: &mut Zip<'_>) -> std::collections::HashSet<u32> {
    let mut out = std::collections::HashSet::new();
    let Ok(entry) = zip.by_name("xl/styles.xml") else {
        return out;
    };
    let mut xml = Vec::new();
    if entry.take(16 << 20).read_to_end(&mut xml).is_err() {
        return out;
    }
    // Most stylesheets show no percentage at all: neither a built-in percent format
    // (9, 10) nor a `%` in a custom one. Known without parsing.
    if !may_show_percent(&xml) {
        return out;
    }
    let Ok(text) = std::str::from_utf8(&xml) else {
        return out;
    };
    let mut percent_formats: std::collections::HashSet<u32> = [9, 10].into();
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut in_cell_xfs, mut index) = (false, 0u32);
    let attr = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.local_name().as_ref() as &str == name)
            .and_then(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
    };
    loop {
        let Ok(event) = reader.read_event() else {
            return out;
        };
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() as &str {
                "numFmt" => {
                    let id = attr(e, "numFmtId").and_then(|v| v.parse().ok());
                    let code = attr(e, "formatCode").unwrap_or_default();
                    if let Some(id) = id
                        && shows_percent(&code)
                    {
                        percent_formats.insert(id);
                    }
                }
                "cellXfs" => in_cell_xfs = matches!(event, Event::Start(_)),
                "xf" if in_cell_xfs => {
                    let id = attr(e, "numFmtId").and_then(|v| v.parse::<u32>().ok());
                    if id.is_some_and(|id| percent_formats.contains(&id)) {
                        out.insert(index);
                    }
                    index += 1;
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() as &str == "cellXfs" => in_cell_xfs = false,
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// Whether a stylesheet may show a percentage: a `%` anywhere, or a `numFmtId` of 9 or
/// 10 (the built-in `0%`, `0.00%`), however the attribute is spaced and quoted.
fn may_show_percent(xml: &[u8]) -> bool {
    if memchr::memchr(b'%', xml).is_some() {
        return true;
    }
    memchr::memmem::find_iter(xml, b"numFmtId").any(|at| {
        let rest = &xml[at + b"numFmtId".len()..];
        let value = rest
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'=' | b'"' | b'\''))
            .map_or(&[][..], |i| &rest[i..]);
        let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
        matches!(&value[..digits], b"9" | b"10")
    })
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

/// The numeric cells of a sheet whose style is one of `styles`: `<c r="F12" s="7">`
/// without a `t` (or with `t="n"`).
fn percent_cells(xml: &[u8], styles: &std::collections::HashSet<u32>) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(xml, b"<c ") {
        let tag = &xml[at + 3..];
        let Some(end) = memchr::memchr(b'>', tag) else {
            break;
        };
        let tag = &tag[..end];
        let value = |name: &[u8]| -> Option<&[u8]> {
            let mut from = 0;
            while let Some(i) = memchr::memmem::find(&tag[from..], name) {
                let i = from + i;
                let boundary = i == 0 || tag[i - 1].is_ascii_whitespace();
                let rest = &tag[i + name.len()..];
                if boundary && rest.starts_with(b"=\"") {
                    let rest = &rest[2..];
                    return memchr::memchr(b'"', rest).map(|close| &rest[..close]);
                }
                from = i + name.len();
            }
            None
        };
        if value(b"t").is_some_and(|t| t != b"n") {
            continue;
        }
        let style = value(b"s")
            .and_then(|v| std::str::from_utf8(v).ok())
            .and_then(|v| v.parse::<u32>().ok());
        if !style.is_some_and(|s| styles.contains(&s)) {
            continue;
        }
        if let Some(pos) = value(b"r")
            .and_then(|r| std::str::from_utf8(r).ok())
            .and_then(parse_a1)
        {
            out.push(pos);
        }
    }
    out
}

/// What the byte scan of one sheet found.
#[derive(Debug, Default)]
pub struct Scanned {
    pub merges: Vec<Rect>,
    /// Cells holding a formula and no value (`<c r="E5"><f>4次</f></c>`), as scripts
    /// write them: (row, column) and the formula's text.
    pub uncalculated: Vec<((u32, u32), String)>,
    /// Numeric cells shown as a percentage (0.98 under `0%`): (row, column).
    pub percents: Vec<(u32, u32)>,
    /// Later sheets whose part is this sheet's own: left out.
    pub aliases: Vec<String>,
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

/// The `ref` of every `mergeCell` after the sheet's data.
fn scan(xml: &[u8]) -> Vec<Rect> {
    let after = memchr::memmem::rfind(xml, b"sheetData>").unwrap_or(0);
    let tail = &xml[after..];
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(tail, b"mergeCell") {
        let rest = &tail[at + b"mergeCell".len()..];
        // `mergeCells` is the container, `mergeCell` an element.
        if !rest.first().is_some_and(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        let Some(r) = memchr::memmem::find(&rest[..end], b"ref=\"") else {
            continue;
        };
        let value = &rest[r + 5..end];
        let Some(close) = memchr::memchr(b'"', value) else {
            continue;
        };
        let Ok(range) = std::str::from_utf8(&value[..close]) else {
            continue;
        };
        let (a, b) = range.split_once(':').unwrap_or((range, range));
        if let (Some(first), Some(last)) = (parse_a1(a), parse_a1(b)) {
            out.push(Rect {
                first_row: first.0,
                first_col: first.1,
                last_row: last.0,
                last_col: last.1,
            });
        }
    }
    out
}

/// `Id` → `Target` of a relationships part.
fn relationships(xml: &[u8]) -> Result<HashMap<String, String>, ReadError> {
    let mut out = HashMap::new();
    for_each_element(xml, "Relationship", |attrs| {
        if let (Some(id), Some(target)) = (attrs.get("Id"), attrs.get("Target")) {
            out.insert(id.clone(), target.clone());
        }
    })?;
    Ok(out)
}

/// (name, relationship id) of every sheet, in workbook order.
fn sheet_ids(xml: &[u8]) -> Result<Vec<(String, String)>, ReadError> {
    let mut out = Vec::new();
    for_each_element(xml, "sheet", |attrs| {
        if let (Some(name), Some(id)) = (
            attrs.get("name"),
            attrs.get("r:id").or_else(|| attrs.get("id")),
        ) {
            out.push((name.clone(), id.clone()));
        }
    })?;
    Ok(out)
}

/// Calls `f` with the attributes (local names, unescaped) of every element named `local`.
fn for_each_element(
    xml: &[u8],
    local: &str,
    mut f: impl FnMut(&HashMap<String, String>),
) -> Result<(), ReadError> {
    let text = std::str::from_utf8(xml).map_err(corrupt)?;
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event().map_err(corrupt)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() as &str == local => {
                let attrs = e
                    .attributes()
                    .flatten()
                    .filter_map(|a| {
                        let key: &str = a.key.as_ref();
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()?;
                        Some((key.to_string(), value.into_owned()))
                    })
                    .collect();
                f(&attrs);
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheets_without_a_percentage_are_known_unparsed() {
        assert!(!super::may_show_percent(
            br#"<cellXfs><xf numFmtId="0"/><xf numFmtId="90"/><xf numFmtId="1"/></cellXfs>"#
        ));
        assert!(super::may_show_percent(br#"<xf numFmtId = '9'/>"#));
        assert!(super::may_show_percent(br#"<xf numFmtId="10"/>"#));
        assert!(super::may_show_percent(
            br#"<numFmt numFmtId="164" formatCode="0.0%"/>"#
        ));
    }

    #[test]
    fn percentages_by_their_cells_styles() {
        assert!(shows_percent("0%") && shows_percent("0.0%;[Red]-0.0%"));
        assert!(!shows_percent("\"%\"0") && !shows_percent("0\\%") && !shows_percent("0.00"));
        let styles = [2u32].into();
        let xml = br#"<sheetData><row r="12"><c r="E12" s="2"><v>0.98</v></c><c r="F12" s="2" t="s"><v>3</v></c><c r="G12" s="1"><v>0.5</v></c><c s="2" r="H12" t="n"><v>1</v></c></row></sheetData>"#;
        assert_eq!(percent_cells(xml, &styles), vec![(11, 4), (11, 7)]);
    }

    #[test]
    fn merge_cells_after_the_data() {
        let xml = br#"<worksheet><sheetData><row><c><is><t>mergeCell ref="Z1:Z9"</t></is></c></row></sheetData>
            <mergeCells count="2"><mergeCell ref="A1:F1"/><x:mergeCell  ref="B11:B22" /></mergeCells></worksheet>"#;
        let found = scan(xml);
        assert_eq!(
            found,
            [
                Rect {
                    first_row: 0,
                    first_col: 0,
                    last_row: 0,
                    last_col: 5
                },
                Rect {
                    first_row: 10,
                    first_col: 1,
                    last_row: 21,
                    last_col: 1
                },
            ]
        );
    }
}
