//! The `.grid` fixture format (samples/real/README.md): a sheet written as text, one row
//! a line, cells separated by `|`, with `sheet:` and `merges:` lines. A new shape is a
//! text file, not Rust.

use jixiao::read::{CellValue, Grid, Rect, Sheet};

/// A parsed fixture: its comment fields (`# source: …`) and its sheets.
pub struct Fixture {
    pub meta: Vec<(String, String)>,
    pub sheets: Vec<Sheet>,
}

impl Fixture {
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A sheet being parsed: its name, cells, merges and next row.
type Partial = (String, Vec<(u32, u32, CellValue)>, Vec<Rect>, u32);

/// Parses a `.grid` text; panics with the line number on a malformed line.
pub fn parse(text: &str) -> Fixture {
    let mut meta = Vec::new();
    let mut sheets = Vec::new();
    let mut current: Option<Partial> = None;
    let finish = |s: Option<Partial>, sheets: &mut Vec<Sheet>| {
        if let Some((name, cells, merges, _)) = s {
            sheets.push(Sheet::new(name, Grid::new(cells, merges)));
        }
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if let Some(rest) = line.strip_prefix('#') {
            if let Some((k, v)) = rest.split_once(':') {
                meta.push((k.trim().to_string(), v.trim().to_string()));
            }
            continue;
        }
        if let Some(name) = line.strip_prefix("sheet:") {
            finish(current.take(), &mut sheets);
            current = Some((name.trim().to_string(), Vec::new(), Vec::new(), 0));
            continue;
        }
        let sheet = current.get_or_insert_with(|| ("Sheet1".into(), Vec::new(), Vec::new(), 0));
        if let Some(ranges) = line.strip_prefix("merges:") {
            for range in ranges.split_whitespace() {
                let r = rect(range).unwrap_or_else(|| panic!("line {}: bad range {range}", n + 1));
                // A one-cell "merge" is no merge (and Excel refuses to write one).
                if (r.first_row, r.first_col) != (r.last_row, r.last_col) {
                    sheet.2.push(r);
                }
            }
            continue;
        }
        let row = sheet.3;
        sheet.3 += 1;
        for (c, raw) in split_cells(line).into_iter().enumerate() {
            if let Some(v) = cell(&raw) {
                sheet.1.push((row, c as u32, v));
            }
        }
    }
    finish(current, &mut sheets);
    Fixture { meta, sheets }
}

fn split_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = line.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => match chars.next() {
                Some('n') => cells.last_mut().unwrap().push('\n'),
                Some(other) => cells.last_mut().unwrap().push(other),
                None => cells.last_mut().unwrap().push('\\'),
            },
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

fn cell(raw: &str) -> Option<CellValue> {
    let t = raw.trim_matches([' ', '\t']);
    if t.is_empty() {
        return None;
    }
    if let Some(text) = t.strip_prefix('\'') {
        return Some(CellValue::Text(text.to_string()));
    }
    let numeric = t
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && t.bytes().any(|b| b.is_ascii_digit())
        && !t[1..].contains('-');
    match t.parse::<f64>() {
        Ok(x) if numeric => Some(CellValue::Number(x)),
        _ => Some(CellValue::Text(t.to_string())),
    }
}

/// `B3:D5` (or a single cell) as a zero-based rectangle.
fn rect(range: &str) -> Option<Rect> {
    let (a, b) = range.split_once(':').unwrap_or((range, range));
    let (r1, c1) = a1(a)?;
    let (r2, c2) = a1(b)?;
    Some(Rect {
        first_row: r1.min(r2),
        first_col: c1.min(c2),
        last_row: r1.max(r2),
        last_col: c1.max(c2),
    })
}

fn a1(s: &str) -> Option<(u32, u32)> {
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() {
        return None;
    }
    let mut col = 0u32;
    for b in letters.bytes() {
        if !b.is_ascii_uppercase() {
            return None;
        }
        col = col * 26 + u32::from(b - b'A' + 1);
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

#[test]
fn the_format() {
    let f = parse(concat!(
        "# source: https://example.org/a\n",
        "sheet: 表一\n",
        "merges: A1:C1 A3:A4\n",
        "标题 | | \n",
        "\n",
        "产出指标 | 24.02 | '24.02\n",
        " | a\\|b | x\\ny\n",
    ));
    assert_eq!(f.meta("source"), Some("https://example.org/a"));
    let g = &f.sheets[0].grid;
    assert_eq!(f.sheets[0].name, "表一");
    assert_eq!(g.get(0, 0), Some(&CellValue::Text("标题".into())));
    assert_eq!(g.get(2, 1), Some(&CellValue::Number(24.02)));
    assert_eq!(g.get(2, 2), Some(&CellValue::Text("24.02".into())));
    assert_eq!(g.get(3, 1), Some(&CellValue::Text("a|b".into())));
    assert_eq!(g.get(3, 2), Some(&CellValue::Text("x\ny".into())));
    assert_eq!(g.merges().len(), 2);
    assert_eq!(g.merge_at(3, 0).map(|m| m.first_row), Some(2));
    assert_eq!(cell("2023-2024"), Some(CellValue::Text("2023-2024".into())));
    assert_eq!(cell("-3"), Some(CellValue::Number(-3.0)));
}
