//! Findings as the concise lines compilers print, and the model as CSV for Excel.

use std::io::{self, Write};

use crate::model::{Diagnostic, Project, Severity};

/// One finding in the concise form: `file:sheet!C7: error[rule] message`, on one
/// line whatever the cell or file name holds: control characters (ESC sequences, line
/// breaks) are written escaped, so a cell cannot drive the terminal or forge a line.
pub fn concise(d: &Diagnostic) -> String {
    concise_with(d, |_, word| word.to_string())
}

/// As [`concise`], with the severity's word given to `paint` (a terminal colours it).
pub fn concise_with(d: &Diagnostic, paint: impl Fn(Severity, &str) -> String) -> String {
    let mut place = escape_controls(&d.file);
    if let Some(sheet) = &d.sheet {
        place.push(':');
        place.push_str(&escape_controls(sheet));
        if let Some(cell) = &d.cell {
            place.push('!');
            place.push_str(cell);
        }
    }
    format!(
        "{place}: {}[{}] {}",
        paint(d.severity, d.severity.as_str()),
        d.rule,
        escape_controls(&d.message)
    )
}

/// `s` with every control character written as an escape (`\n`, `\u{1b}`).
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The closing line of `check`: `已检查 3 个文件、4 个项目：1 个错误，2 个警告`.
pub fn summary_line(files: usize, projects: usize, errors: usize, warnings: usize) -> String {
    let verdict = if errors + warnings == 0 {
        "未发现问题".to_string()
    } else {
        format!("{errors} 个错误，{warnings} 个警告")
    };
    format!("已检查 {files} 个文件、{projects} 个项目：{verdict}")
}

const CSV_HEADER: &[&str] = &[
    "文件",
    "工作表",
    "区域",
    "标题",
    "一级项目名称",
    "二级项目名称",
    "主管部门",
    "实施单位",
    "年度资金总额(万元)",
    "财政拨款(万元)",
    "非财政拨款(万元)",
    "年度总体目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "符号",
    "数值",
    "计量单位",
    "说明",
    "单元格",
];

/// A project as pretty JSON indented to stand in the `projects` array of a document:
/// made in a worker thread, written in order by [`JsonDocument`].
pub fn project_json(p: &Project) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Nested::at(2));
    serde::Serialize::serialize(p, &mut ser)?;
    Ok(out)
}

/// serde_json's pretty format (two spaces a level) starting `level` levels deep, so a
/// project is written once in its place in the document, not written and re-indented.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn at(level: usize) -> Nested {
        Nested {
            level,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Indents every line after the first by `by` spaces; JSON strings hold no raw
/// line breaks, so every one is between tokens.
fn indented(json: &[u8], by: usize) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(json.len() + json.len() / 8);
    for (i, line) in json.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
            out.extend(std::iter::repeat_n(b' ', by));
        }
        out.extend_from_slice(line);
    }
    Ok(out)
}

/// The extract document written as it is read: `{"projects": [...], "diagnostics": [...]}`,
/// the same document `serde_json::to_writer_pretty` makes of an [`crate::model::Extraction`].
pub struct JsonDocument<W: Write> {
    out: W,
    projects: usize,
}

impl<W: Write> JsonDocument<W> {
    /// Starts the document.
    ///
    /// # Errors
    /// When `out` fails.
    pub fn new(mut out: W) -> io::Result<JsonDocument<W>> {
        out.write_all(b"{\n  \"projects\": [")?;
        Ok(JsonDocument { out, projects: 0 })
    }

    /// Adds a project made by [`project_json`].
    ///
    /// # Errors
    /// When `out` fails.
    pub fn project(&mut self, json: &[u8]) -> io::Result<()> {
        self.out.write_all(if self.projects == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        self.projects += 1;
        self.out.write_all(json)
    }

    /// Ends the project list, writes the findings and closes the document.
    ///
    /// # Errors
    /// When `out` fails.
    pub fn finish(mut self, diagnostics: &[Diagnostic]) -> io::Result<W> {
        self.out
            .write_all(if self.projects == 0 { b"]" } else { b"\n  ]" })?;
        self.out.write_all(b",\n  \"diagnostics\": ")?;
        self.out
            .write_all(&indented(&serde_json::to_vec_pretty(diagnostics)?, 2)?)?;
        self.out.write_all(b"\n}\n")?;
        Ok(self.out)
    }
}

/// Writes one row per indicator with its project's columns repeated (a project without
/// indicators still gets one row), UTF-8 with a BOM so Excel shows the Chinese, text
/// neutralised against formulas ([`neutralise`]).
///
/// # Errors
/// When `out` fails.
pub fn write_csv(projects: &[Project], out: impl Write) -> io::Result<()> {
    write_csv_records(projects, out).map_err(|e| match e.into_kind() {
        // Keep the I/O error itself, so a closed pipe is recognised as one.
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    })
}

fn write_csv_records(projects: &[Project], out: impl Write) -> csv::Result<()> {
    let mut out = out;
    write_csv_header(&mut out)?;
    out.write_all(&csv_rows(projects, true)?)?;
    Ok(())
}

/// The BOM and the header row of the CSV.
///
/// # Errors
/// When `out` fails.
pub fn write_csv_header(out: &mut impl Write) -> csv::Result<()> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    w.flush()?;
    Ok(())
}

/// The CSV rows of some projects, to follow the header (made in a worker thread).
/// With `safe`, text that a spreadsheet would run as a formula is neutralised
/// ([`neutralise`]); amounts and numbers are written as they are.
///
/// # Errors
/// Never in practice: the rows are written to memory.
pub fn csv_rows(projects: &[Project], safe: bool) -> csv::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let t = |text: &str| {
        if safe {
            neutralise(text)
        } else {
            text.to_string()
        }
    };
    let s = |o: &Option<String>| t(o.as_deref().unwrap_or_default());
    let d = |o: &Option<rust_decimal::Decimal>| o.map(|d| d.to_string()).unwrap_or_default();
    for p in projects {
        let head = [
            t(&p.source.file),
            t(&p.source.sheet),
            p.source.range.clone(),
            s(&p.title),
            s(&p.level1_project),
            s(&p.level2_project),
            s(&p.department),
            s(&p.implementer),
            d(&p.funds.total),
            d(&p.funds.fiscal),
            d(&p.funds.non_fiscal),
            s(&p.goal),
        ];
        if p.indicators.is_empty() {
            let mut row = head.to_vec();
            row.resize(CSV_HEADER.len(), String::new());
            w.write_record(&row)?;
        }
        for i in &p.indicators {
            let mut row = head.to_vec();
            row.extend([
                t(&i.level1),
                t(&i.level2),
                t(&i.name),
                t(&i.value.text),
                t(i.value.op.map(|o| o.as_str()).unwrap_or_default()),
                d(&i.value.number),
                s(&i.value.unit),
                s(&i.note),
                i.cell.clone(),
            ]);
            w.write_record(&row)?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// A text cell as a spreadsheet must not run it: text starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return gets a leading `'` (OWASP, CSV injection), so Excel and
/// WPS show it as text. A plain number (`-3`, `+0.5`) runs nothing and stays as it is.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(text) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A sign, digits and at most one decimal point, nothing else.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_is_written_as_pretty_json_two_levels_deep() {
        let mut p = crate::testing::clean();
        p.indicators[0]
            .extra
            .insert("备注".into(), "“引号”\\n".into());
        p.funds.other.clear();
        let pretty = serde_json::to_vec_pretty(&p).expect("json");
        assert_eq!(
            String::from_utf8(project_json(&p).expect("json")).expect("utf-8"),
            String::from_utf8(indented(&pretty, 4).expect("json")).expect("utf-8")
        );
    }
    use crate::rule::Rule;

    #[test]
    fn findings_stay_on_one_line() {
        let d = Diagnostic::file(
            Rule::NoTable,
            "a\nb.xlsx: error[x] forged",
            "值“\u{1b}]0;title\u{7}”",
        );
        let line = concise(&d);
        assert!(!line.contains(['\n', '\u{1b}', '\u{7}']), "{line}");
        assert_eq!(
            line,
            "a\\nb.xlsx: error[x] forged: error[no-table] 值“\\u{1b}]0;title\\u{7}”"
        );
    }

    #[test]
    fn csv_text_is_never_a_formula() {
        for lead in ["=", "+", "-", "@", "\t", "\r"] {
            let text = format!("{lead}HYPERLINK(\"http://x\",\"点此\")");
            assert_eq!(neutralise(&text), format!("'{text}"));
        }
        assert_eq!(neutralise("有所提高"), "有所提高");
        for number in ["-3", "+3", "-0.5", "-12.", "3"] {
            assert_eq!(neutralise(number), number);
        }
        for not_a_number in ["-", "-.5", "-3-3", "-3+cmd|' /C calc'!A0", "-1e5", "-inf"] {
            assert_eq!(neutralise(not_a_number), format!("'{not_a_number}"));
        }
        assert_eq!(neutralise("≥90%"), "≥90%");
    }
    use crate::model::Source;

    /// The streamed document is the one serde would write of the whole extraction.
    #[test]
    fn the_streamed_json_document_is_serdes() {
        use crate::model::{Extraction, Project};
        let p = crate::testing::clean();
        let empty = Project {
            indicators: Vec::new(),
            ..Project::default()
        };
        let d = Diagnostic::file(Rule::NoTable, "a.xlsx", "无表");
        for (projects, diagnostics) in [
            (vec![], vec![]),
            (vec![p.clone()], vec![]),
            (vec![p, empty], vec![d]),
        ] {
            let mut doc = JsonDocument::new(Vec::new()).unwrap();
            for project in &projects {
                doc.project(&project_json(project).unwrap()).unwrap();
            }
            let streamed = doc.finish(&diagnostics).unwrap();
            let whole = serde_json::to_string_pretty(&Extraction {
                projects,
                diagnostics,
                ..Extraction::default()
            })
            .unwrap()
                + "\n";
            assert_eq!(String::from_utf8(streamed).unwrap(), whole);
        }
    }

    #[test]
    fn concise_form() {
        let src = Source {
            file: "机关工委.xlsx".into(),
            sheet: "项目1".into(),
            range: "A1:F30".into(),
            ..Source::default()
        };
        let d = Diagnostic::at(
            Rule::FundsSum,
            &src,
            Some("C7"),
            "年度资金总额 24.02 ≠ 财政拨款 20.00 + 非财政拨款 0.00",
        );
        assert_eq!(
            concise(&d),
            "机关工委.xlsx:项目1!C7: error[funds-sum] 年度资金总额 24.02 ≠ 财政拨款 20.00 + 非财政拨款 0.00"
        );
        let d = Diagnostic::file(Rule::UnreadableFile, "坏.xlsx", "文件为空（0 字节）");
        assert_eq!(
            concise(&d),
            "坏.xlsx: error[unreadable-file] 文件为空（0 字节）"
        );
    }
}
