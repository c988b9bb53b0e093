//! Hostile input: every case gets a clear Chinese error naming the file and the
//! reason, in bounded time and memory, and the batch goes on. Every file is made here.

use std::io::{Cursor, Write};

use jixiao::model::Extraction;
use jixiao::read::{CellValue, Grid, Sheet};
use sha2::{Digest, Sha256};

use crate::samples::{self, Biff};
use crate::workdir::Workdir;

/// A minimal .xlsx whose sheets are given as raw XML (`<row>…</row>` elements), for
/// what no well-behaved writer produces.
fn raw_xlsx(sheets: &[(&str, String)], compression: zip::CompressionMethod) -> Vec<u8> {
    raw_xlsx_with_strings(sheets, compression, None)
}

/// As [`raw_xlsx`], with a shared-strings part (`<si>…</si>` elements).
fn raw_xlsx_with_strings(
    sheets: &[(&str, String)],
    compression: zip::CompressionMethod,
    shared: Option<&str>,
) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(compression);
    let mut put = |name: &str, body: &str| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    };
    let ns = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
    let mut types = String::from(
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    );
    let mut book = format!(r#"<?xml version="1.0"?><workbook {ns}><sheets>"#);
    let mut rels = String::from(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (i, (name, _)) in sheets.iter().enumerate() {
        let n = i + 1;
        types.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
        book.push_str(&format!(
            r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#
        ));
        rels.push_str(&format!(r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#));
    }
    if shared.is_some() {
        types.push_str(r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#);
        rels.push_str(r#"<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#);
    }
    types.push_str("</Types>");
    book.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    put("[Content_Types].xml", &types);
    put(
        "_rels/.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    put("xl/workbook.xml", &book);
    if let Some(items) = shared {
        put(
            "xl/sharedStrings.xml",
            &format!(r#"<?xml version="1.0"?><sst {ns}>{items}</sst>"#),
        );
    }
    put("xl/_rels/workbook.xml.rels", &rels);
    for (i, (_, rows)) in sheets.iter().enumerate() {
        put(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            &format!(
                r#"<?xml version="1.0"?><worksheet {ns}><sheetData>{rows}</sheetData></worksheet>"#
            ),
        );
    }
    zip.finish().unwrap().into_inner()
}

/// `zip` with each entry's text given to `edit` by name: what it returns is written
/// (deflated), an entry for which it returns `None` left out.
fn rewritten(zip: &[u8], mut edit: impl FnMut(&str, String) -> Option<String>) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..src.len() {
        let mut entry = src.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut body = String::new();
        std::io::Read::read_to_string(&mut entry, &mut body).unwrap();
        if let Some(body) = edit(&name, body) {
            out.start_file(name, opts).unwrap();
            out.write_all(body.as_bytes()).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

fn text_cell(r: &str, s: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{s}</t></is></c>"#)
}

/// Runs `extract` on one file; returns the extraction, the exit status and stderr.
fn extract_one(name: &str, bytes: &[u8], extra: &[&str]) -> (Extraction, Option<i32>, String) {
    let dir = Workdir::new();
    dir.write(name, bytes);
    let mut args = vec!["extract", name];
    args.extend(extra);
    let out = dir.run(&args);
    let x = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("JSON for {name}: {}", String::from_utf8_lossy(&out.stderr)));
    (
        x,
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn refused(name: &str, bytes: &[u8], extra: &[&str], reason: &str) {
    let (x, code, stderr) = extract_one(name, bytes, extra);
    assert_eq!(code, Some(1), "{name}: {stderr}");
    assert_eq!(x.diagnostics.len(), 1, "{name}: {:?}", x.diagnostics);
    let d = &x.diagnostics[0];
    assert_eq!(
        (d.rule.as_str(), d.file.as_str()),
        ("unreadable-file", name)
    );
    assert!(d.message.contains(reason), "{name}: {}", d.message);
    assert!(
        stderr.contains(&format!("{name}: error[unreadable-file]")),
        "{stderr}"
    );
}

#[test]
fn encrypted_workbooks_are_refused_as_encrypted() {
    // An encrypted .xlsx is an OLE2 container with EncryptionInfo and EncryptedPackage.
    let mut cf =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    cf.create_stream("EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])
        .unwrap();
    cf.create_stream("EncryptedPackage")
        .unwrap()
        .write_all(&[0x5A; 4096])
        .unwrap();
    cf.flush().unwrap();
    refused("加密.xlsx", &cf.into_inner().into_inner(), &[], "已加密");

    let seed = jixiao::read::read_bytes(&samples::all()[0].bytes).unwrap();
    refused(
        "加密.xls",
        &samples::xls_as(&seed, Biff::EightWithPassword),
        &[],
        "已加密",
    );

    // An encrypted .ods says so in its manifest.
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("mimetype", opts).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", opts).unwrap();
    zip.write_all(br#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>"#).unwrap();
    zip.start_file("content.xml", opts).unwrap();
    zip.write_all(&[0x17; 512]).unwrap();
    refused(
        "加密.ods",
        &zip.finish().unwrap().into_inner(),
        &[],
        "已加密",
    );
}

#[test]
fn a_zip_bomb_is_refused_before_inflating() {
    // 60 MB of rows that deflate to a few hundred KB; the limit lowered to 16 MB.
    let row = text_cell("A1", "炸弹");
    let rows = format!("<row r=\"1\">{row}</row>").repeat(60 << 20 >> 6);
    let bomb = raw_xlsx(&[("Sheet1", rows)], zip::CompressionMethod::Deflated);
    assert!(
        bomb.len() < 1 << 20,
        "the bomb is small: {} bytes",
        bomb.len()
    );
    refused("炸弹.xlsx", &bomb, &["--max-unzipped-mb", "16"], "压缩炸弹");
}

#[test]
fn a_zip_entry_larger_than_it_declares_is_refused() {
    // Declare 100 bytes for an entry that inflates to 1 MB: the reader stops at 100.
    let rows = format!("<row r=\"1\">{}</row>", text_cell("A1", "x")).repeat(20_000);
    let honest = raw_xlsx(&[("Sheet1", rows.clone())], zip::CompressionMethod::Stored);
    let size = (rows.len() + 200) as u32;
    let mut lying = honest.clone();
    let (mut patched, mut i) = (0, 0);
    // Local header (size at +22) and central directory (size at +24) of the sheet entry.
    while i + 46 < lying.len() {
        let sig = &lying[i..i + 4];
        let (at, ok) = if sig == b"PK\x03\x04" {
            (i + 22, true)
        } else if sig == b"PK\x01\x02" {
            (i + 24, true)
        } else {
            (0, false)
        };
        if ok {
            let declared = u32::from_le_bytes(lying[at..at + 4].try_into().unwrap());
            if declared >= size - 400 && declared > 100_000 {
                lying[at..at + 4].copy_from_slice(&100u32.to_le_bytes());
                patched += 1;
            }
        }
        i += 1;
    }
    assert_eq!(patched, 2);
    refused("谎报大小.xlsx", &lying, &[], "损坏");
}

#[test]
fn a_cell_at_xfd1048576_costs_one_cell() {
    let rows = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        text_cell("A1", "会议纪要"),
        text_cell("XFD1048576", "远处")
    );
    let (x, code, _) = extract_one(
        "远处.xlsx",
        &raw_xlsx(&[("Sheet1", rows)], zip::CompressionMethod::Deflated),
        &[],
    );
    assert_eq!(code, Some(1));
    let rules: Vec<&str> = x.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert_eq!(rules, ["ignored-cells", "no-table"]);
    assert!(x.diagnostics[0].message.contains("忽略了 1 个"));
}

#[test]
fn a_million_row_sheet_is_read_within_bounds() {
    let rows: String = (1..=1_048_576)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#))
        .collect();
    let bytes = raw_xlsx(&[("Sheet1", rows)], zip::CompressionMethod::Deflated);
    let (x, code, _) = extract_one("百万行.xlsx", &bytes, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        x.diagnostics[0].rule, "no-table",
        "read, and found to hold no table"
    );
    // Past the cell limit it is refused instead.
    refused(
        "百万行.xlsx",
        &bytes,
        &["--max-cells", "100000"],
        "单元格超过 100000 个",
    );
}

#[test]
fn thousands_of_sheets_are_refused_past_the_limit() {
    let sheets: Vec<(String, String)> = (1..=1_500)
        .map(|i| {
            (
                format!("S{i}"),
                format!("<row r=\"1\">{}</row>", text_cell("A1", "x")),
            )
        })
        .collect();
    let named: Vec<(&str, String)> = sheets
        .iter()
        .map(|(n, r)| (n.as_str(), r.clone()))
        .collect();
    let bytes = raw_xlsx(&named, zip::CompressionMethod::Deflated);
    refused("千表.xlsx", &bytes, &[], "1500 个工作表");
    let (x, _, _) = extract_one("千表.xlsx", &bytes, &["--max-sheets", "2000"]);
    assert_eq!(x.diagnostics[0].rule, "no-table");
}

#[test]
fn a_file_larger_than_the_limit_is_refused_unread() {
    let big = samples::all()[0].bytes.clone();
    refused(
        "大文件.xlsx",
        &big,
        &["--max-file-mb", "0"],
        "超过上限 0 MB",
    );
}

#[test]
fn long_cells_errors_and_formulas_without_values() {
    let seed = samples::seed();
    let mut p = seed[0].clone();
    let long = "长".repeat(32_767);
    p.goal = Some(long.clone());
    let official = samples::official_workbook(&[p], false);
    let (x, code, _) = extract_one("长单元格.xlsx", &official, &[]);
    assert_eq!(code, Some(0));
    assert_eq!(
        x.projects[0].goal.as_deref().map(|g| g.chars().count()),
        Some(32_767)
    );

    // A table whose amount is #REF!, whose total is a formula never calculated, and
    // whose 指标值 is #DIV/0!.
    let rows = format!(
        r#"<row r="1">{}{}</row><row r="2">{}<c r="B2" t="e"><v>#REF!</v></c></row><row r="3">{}<c r="B3"><f>SUM(B4:B5)</f></c></row><row r="4">{}{}</row><row r="5">{}{}<c r="C5" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>"#,
        text_cell("A1", "项目名称"),
        text_cell("B1", "机关党建工作"),
        text_cell("A2", "财政拨款"),
        text_cell("A3", "年度资金总额"),
        text_cell("B4", "三级指标"),
        text_cell("C4", "指标值"),
        text_cell("A5", "x"),
        text_cell("B5", "创建率"),
    );
    let dir = Workdir::new();
    dir.write(
        "错误值.xlsx",
        &raw_xlsx(&[("Sheet1", rows)], zip::CompressionMethod::Deflated),
    );
    let out = dir.run(&["check", "错误值.xlsx"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("错误值.xlsx:Sheet1!B2: warning[bad-amount] 财政拨款的金额“#REF!”不是数字"),
        "{text}"
    );
    assert!(
        text.contains("错误值.xlsx:Sheet1!B3: error[empty-field] 年度资金总额为空"),
        "{text}"
    );
    assert!(
        text.contains(
            "错误值.xlsx:Sheet1!C5: error[bad-value] “创建率”的指标值是公式错误值“#DIV/0!”"
        ),
        "{text}"
    );
}

#[test]
fn gbk_text_in_a_legacy_workbook_reads_as_chinese() {
    let seed = jixiao::read::read_bytes(&samples::all()[0].bytes).unwrap();
    let (x, code, stderr) = extract_one("国标码.xls", &samples::xls_as(&seed, Biff::FiveGbk), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(x.projects.len(), 4);
    assert_eq!(
        x.projects[0].department.as_deref(),
        Some("中共黔南州直属机关工作委员会")
    );
    assert_eq!(x.projects[0].indicators[8].value.text, "≤16万元");
    assert_eq!(x.projects[3].funds.total.unwrap().to_string(), "22.50");
}

#[test]
fn a_batch_with_every_bad_file_still_extracts_the_good_one() {
    let dir = Workdir::new();
    dir.write("批次/00_好.xlsx", &samples::all()[0].bytes);
    dir.write("批次/01_空.xlsx", b"");
    dir.write("批次/02_截断.xls", &samples::all()[8].bytes[..3000]);
    dir.write(
        "批次/03_乱码.ods",
        &[0x50, 0x4B, 0x03, 0x04, 0xFF, 0xFE, 0x00, 0x13],
    );
    dir.write(
        "批次/04_网页.xls",
        b"<!DOCTYPE html><html><table></table></html>",
    );
    let out = dir.run_status(&["extract", "批次"], 1);
    let x: Extraction = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(x.projects.len(), 4);
    assert_eq!(x.diagnostics.len(), 4);
    assert!(
        x.diagnostics
            .iter()
            .all(|d| d.rule == "unreadable-file" && !d.message.is_empty())
    );
}

/// No command changes an input: the SHA-256 of every input is the same after
/// extract, check, merge and split.
#[test]
fn inputs_are_never_modified() {
    let dir = Workdir::new();
    dir.copy_samples();
    let digests = || -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        let mut stack = vec![dir.path().join("samples")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    files.push((
                        path.display().to_string(),
                        Sha256::digest(std::fs::read(&path).unwrap()).to_vec(),
                    ));
                }
            }
        }
        files.sort();
        files
    };
    let before = digests();
    for args in [
        vec!["extract", "samples", "-o", "out.json"],
        vec!["check", "samples"],
        vec!["merge", "samples", "-o", "merged.xlsx"],
        vec!["split", "samples", "-o", "split"],
    ] {
        let out = dir.run(&args);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(digests(), before);
    // An output that is an input is refused, even with --force.
    dir.run_status(
        &[
            "merge",
            "samples",
            "-o",
            "samples/official_seed.xlsx",
            "--force",
        ],
        2,
    );
    assert_eq!(digests(), before);
}

/// A sheet built in memory reads back with its cells.
#[test]
fn grids_survive_the_legacy_writer() {
    let sheet = Sheet::new(
        "表".into(),
        Grid::new(
            vec![
                (0, 0, CellValue::Text("主管部门".into())),
                (0, 1, CellValue::Number(1.5)),
            ],
            vec![],
        ),
    );
    let back = jixiao::read::read_bytes(&samples::xls(&[sheet])).unwrap();
    assert_eq!(back[0].grid.get(0, 1), Some(&CellValue::Number(1.5)));
}

/// Inputs the fuzzer found to crash a parser, kept as regressions: each is one
/// unreadable file, never a crash.
#[test]
fn fuzz_crashers_are_unreadable_files() {
    let dir = crate::workdir::repo().join("tests/fixtures/fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let (x, code, stderr) = extract_one("fuzz.xls", &bytes, &[]);
        assert_eq!(code, Some(1), "{}: {stderr}", path.display());
        assert!(
            matches!(
                x.diagnostics[0].rule.as_str(),
                "unreadable-file" | "no-table"
            ),
            "{}",
            path.display()
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        n += 1;
    }
    assert!(n >= 1);
}

/// A legacy workbook with one cell far from the others would make calamine lay out
/// the whole rectangle between them; it is measured and refused first.
#[test]
fn a_far_cell_in_a_legacy_workbook_is_refused_unread() {
    let far = Sheet::new(
        "表".into(),
        Grid::new(
            vec![
                (0, 0, CellValue::Text("项目名称".into())),
                (65_000, 250, CellValue::Text("远处".into())),
            ],
            vec![],
        ),
    );
    refused(
        "远处.xls",
        &samples::xls(std::slice::from_ref(&far)),
        &["--max-cells", "1000000"],
        "单元格分布范围达 16315251 格",
    );
    // The same far cell as a rich-text string (RSTRING), as Excel writes a cell with
    // runs of formatting.
    let mut rich = samples::xls(&[far]);
    let label = [0x04u8, 0x02];
    let at = (0..rich.len() - 8)
        .find(|&i| rich[i..i + 2] == label && rich[i + 4..i + 8] == [0xE8, 0xFD, 0xFA, 0x00])
        .expect("the far cell's LABEL record");
    rich[at..at + 2].copy_from_slice(&[0xD6, 0x00]);
    refused(
        "远处富文本.xls",
        &rich,
        &["--max-cells", "1000000"],
        "单元格分布范围达 16315251 格",
    );
}

/// Runs jixiao in `dir`, killed after 20 s so a hang fails the test instead of the suite.
fn run_bounded(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    // Drain both pipes while waiting: a full pipe would stall the child, not jixiao.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                std::io::Read::read_to_end(&mut p, &mut buf).unwrap();
            }
            buf
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("jixiao {args:?} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    eprintln!("{args:?} took {:?}", start.elapsed());
    std::process::Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// A FIFO or a device never hangs a batch: skipped with a note in a folder, refused
/// when named, and reading is bounded by --max-file-mb whatever the file says it holds.
#[cfg(unix)]
#[test]
fn fifos_and_devices_never_hang() {
    let dir = Workdir::new();
    dir.write("in/seed.xlsx", &crate::samples::all()[0].bytes);
    let fifo = dir.path().join("in/b.xlsx");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let out = run_bounded(dir.path(), &["extract", "in", "-o", "out.json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("跳过非普通文件"), "{stderr}");
    let out = run_bounded(dir.path(), &["extract", "in/b.xlsx"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是普通文件"));
    for device in ["/dev/zero", "/dev/urandom"] {
        let out = run_bounded(dir.path(), &["extract", device]);
        assert_eq!(out.status.code(), Some(1), "{device}");
    }
}

/// A configuration or layout file that is a FIFO or a device is refused at once (exit
/// status 2): opening the FIFO would wait for a writer, and /dev/zero never ends.
#[cfg(unix)]
#[test]
fn settings_files_never_hang() {
    let dir = Workdir::new();
    dir.write("in/seed.xlsx", &crate::samples::all()[0].bytes);
    assert!(
        std::process::Command::new("mkfifo")
            .arg(dir.path().join("jixiao.toml"))
            .status()
            .unwrap()
            .success()
    );
    for (args, what) in [
        (vec!["check", "in", "--config", "jixiao.toml"], "配置文件"),
        (
            vec!["merge", "in", "--config", "/dev/zero", "-o", "m.xlsx"],
            "配置文件",
        ),
        (
            vec!["merge", "in", "--template", "jixiao.toml", "-o", "m.xlsx"],
            "版式文件",
        ),
        (
            vec!["split", "in", "--template", "/dev/zero", "-o", "parts"],
            "版式文件",
        ),
        (
            vec!["template", "--template", "/dev/zero", "-o", "t.xlsx"],
            "版式文件",
        ),
        (vec!["check", "in", "--expect", "jixiao.toml"], "名单"),
        (
            vec!["merge", "in", "--budget", "jixiao.toml", "-o", "m.xlsx"],
            "预算",
        ),
    ] {
        let out = run_bounded(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(what) && stderr.contains("不是普通文件"),
            "{args:?}: {stderr}"
        );
    }
    for name in ["m.xlsx", "parts", "t.xlsx"] {
        assert!(!dir.path().join(name).exists(), "{name} was written");
    }
}

/// A small .xlsx whose sheet inflates more than 100 times its compressed size (past
/// 100 KB) is refused as a zip bomb before it is inflated; `--max-zip-ratio` lets it in.
#[test]
fn a_ratio_bomb_is_refused_quickly() {
    // 60 MB of one repeated empty row: valid XML that deflates about 1000:1.
    let filler = "<row/>".repeat(10_000_000);
    let rows = format!(
        r#"<row r="1">{}{}</row>{filler}"#,
        text_cell("A1", "三级指标"),
        text_cell("B1", "指标值"),
    );
    let bytes = raw_xlsx(&[("Sheet1", rows)], zip::CompressionMethod::Deflated);
    let dir = Workdir::new();
    dir.write("bomb.xlsx", &bytes);
    let start = std::time::Instant::now();
    let out = dir.run(&["extract", "bomb.xlsx"]);
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!(
        "{} KB file refused in {took:?}: {stderr}",
        bytes.len() / 1024
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("疑似压缩炸弹") && stderr.contains("--max-zip-ratio"),
        "{stderr}"
    );
    let allowed = dir.run(&["extract", "bomb.xlsx", "--max-zip-ratio", "100000"]);
    assert!(
        !String::from_utf8_lossy(&allowed.stderr).contains("压缩比"),
        "the option raises the ratio"
    );
}

/// Amounts at the edge of what a decimal holds are refused where they are written
/// (bad-amount, with the cell); sums never overflow into an internal error.
#[test]
fn huge_amounts_are_findings_not_crashes() {
    let huge = "79228162514264337593543950335";
    let mut seed = crate::samples::seed();
    seed.truncate(2);
    for p in &mut seed {
        p.indicators[8].value = jixiao::value::Value::parse(&format!("≤{huge}万元"));
    }
    let mut sheet = crate::samples::plain_sheet(&seed, Default::default());
    // The annual totals as text far past any budget.
    let mut cells = Vec::new();
    for r in sheet.grid.row_indices().collect::<Vec<_>>() {
        for (c, v) in sheet.grid.row(r) {
            let v = match v {
                jixiao::read::CellValue::Number(x)
                    if (*x - 24.02).abs() < 1e-9 || (*x - 10.0).abs() < 1e-9 =>
                {
                    jixiao::read::CellValue::Text(huge.into())
                }
                other => other.clone(),
            };
            cells.push((r, *c, v));
        }
    }
    sheet.grid = jixiao::read::Grid::new(cells, sheet.grid.merges().to_vec());
    let dir = Workdir::new();
    dir.write("huge.xlsx", &crate::samples::xlsx(&[sheet]));
    for args in [
        vec!["check", "huge.xlsx"],
        vec!["merge", "huge.xlsx", "-o", "m.xlsx"],
    ] {
        let out = dir.run(&args);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(1), "{args:?}: {all}");
        assert!(!all.contains("内部错误"), "{all}");
        assert!(all.contains("超出可处理的范围"), "{all}");
    }
}

/// One 10 MB shared string referenced by 100,000 cells (a 0.5 MB file once took
/// 10 GB): the text budget refuses the workbook after a few cells, quickly and small.
#[test]
fn one_shared_string_in_every_cell_is_refused() {
    let big = "绩".repeat((10 << 20) / 3);
    let mut rows = format!(
        r#"<row r="1">{}{}</row>"#,
        text_cell("A1", "三级指标"),
        text_cell("B1", "指标值")
    );
    for r in 2..=1_000u32 {
        rows.push_str(&format!(r#"<row r="{r}">"#));
        for c in ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"] {
            rows.push_str(&format!(r#"<c r="{c}{r}" t="s"><v>0</v></c>"#));
        }
        rows.push_str("</row>");
    }
    let bytes = raw_xlsx_with_strings(
        &[("Sheet1", rows)],
        zip::CompressionMethod::Deflated,
        Some(&format!("<si><t>{big}</t></si>")),
    );
    let dir = Workdir::new();
    dir.write("amp.xlsx", &bytes);
    let start = std::time::Instant::now();
    // Past the zip-ratio check on purpose: the text budget is what is tested here.
    let out = run_bounded(
        dir.path(),
        &["extract", "amp.xlsx", "--max-zip-ratio", "1000000"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!(
        "{} KB file, 10,000 references to 10 MB: {:?}: {stderr}",
        bytes.len() / 1024,
        start.elapsed()
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("单元格文本合计超过 64 MB"), "{stderr}");
}

/// Scripts write `=4次` as a formula with no value: it is read as that text, with a
/// warning on its cell, never as a blank.
#[test]
fn a_formula_without_value_is_read_as_its_text() {
    let rows = format!(
        r#"<row r="1">{}{}{}</row><row r="2">{}{}</row><row r="3">{}{}</row><row r="4">{}{}{}</row><row r="5">{}{}<c r="C5"><f>4次</f></c></row>"#,
        text_cell("A1", "项目名称"),
        text_cell("B1", "机关党建工作"),
        text_cell("C1", ""),
        text_cell("A2", "主管部门"),
        text_cell("B2", "中共黔南州直属机关工作委员会"),
        text_cell("A3", "年度资金总额"),
        r#"<c r="B3"><v>24.02</v></c>"#,
        text_cell("A4", "一级指标"),
        text_cell("B4", "三级指标"),
        text_cell("C4", "指标值"),
        text_cell("A5", "产出指标"),
        text_cell("B5", "开展培训"),
    );
    let dir = Workdir::new();
    dir.write(
        "f.xlsx",
        &raw_xlsx(&[("Sheet1", rows)], zip::CompressionMethod::Deflated),
    );
    let out = dir.run(&["extract", "f.xlsx"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let value = &doc["projects"][0]["indicators"][0]["value"];
    assert_eq!(value["text"], "=4次", "{doc}");
    assert_eq!(
        (value["op"].as_str(), value["number"].as_str()),
        (Some("="), Some("4"))
    );
    let warned = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["rule"] == "formula-without-value" && d["cell"] == "C5");
    assert!(warned, "{}", doc["diagnostics"]);
}

/// The formula's text is read from the sheet's part as the zip spells it, when the
/// workbook's relationship names it in another case (as the parser allows).
#[test]
fn a_formula_without_value_is_read_from_a_part_named_in_another_case() {
    let rows = format!(
        r#"<row r="1">{}{}</row><row r="4">{}{}{}</row><row r="5">{}{}<c r="C5"><f>4次</f></c></row>"#,
        text_cell("A1", "项目名称"),
        text_cell("B1", "机关党建工作"),
        text_cell("A4", "一级指标"),
        text_cell("B4", "三级指标"),
        text_cell("C4", "指标值"),
        text_cell("A5", "产出指标"),
        text_cell("B5", "开展培训"),
    );
    let honest = raw_xlsx(&[("Sheet1", rows)], zip::CompressionMethod::Deflated);
    let bytes = rewritten(&honest, |name, body| {
        Some(if name == "xl/_rels/workbook.xml.rels" {
            body.replace("worksheets/sheet1.xml", "worksheets/SHEET1.xml")
        } else {
            body
        })
    });
    let (x, _, stderr) = extract_one("大小写.xlsx", &bytes, &[]);
    assert!(!stderr.contains("unreadable-file"), "{stderr}");
    assert_eq!(x.projects[0].indicators[0].value.text, "=4次", "{stderr}");
    assert!(
        x.diagnostics
            .iter()
            .any(|d| d.rule.as_str() == "formula-without-value" && d.cell.as_deref() == Some("C5")),
        "{:?}",
        x.diagnostics
    );
}

/// A real formula saved without its value (openpyxl writes `<f>…</f><v />`) is left
/// blank and said, never read as a blank in silence nor as its formula's text; a value
/// written after `=` in the same way is read as its text.
#[test]
fn a_computing_formula_without_value_is_said_and_left_blank() {
    let rows = format!(
        r#"<row r="1">{}{}</row><row r="2">{}{}</row><row r="3">{}<c r="B3"><f>ROUND(D3*2,2)</f><v /></c></row><row r="4">{}{}{}</row><row r="5">{}{}<c r="C5" t="str"><f>100%</f><v></v></c></row>"#,
        text_cell("A1", "项目名称"),
        text_cell("B1", "机关党建工作"),
        text_cell("A2", "主管部门"),
        text_cell("B2", "中共黔南州直属机关工作委员会"),
        text_cell("A3", "年度资金总额"),
        text_cell("A4", "一级指标"),
        text_cell("B4", "三级指标"),
        text_cell("C4", "指标值"),
        text_cell("A5", "产出指标"),
        text_cell("B5", "创建合格率"),
    );
    let (x, _, _) = extract_one(
        "f.xlsx",
        &raw_xlsx(&[("Sheet1", rows)], zip::CompressionMethod::Deflated),
        &[],
    );
    assert_eq!(x.projects[0].funds.total, None, "{:?}", x.projects[0].funds);
    assert_eq!(x.projects[0].indicators[0].value.text, "=100%");
    let said: Vec<(&str, &str)> = x
        .diagnostics
        .iter()
        .filter(|d| d.rule.as_str() == "formula-without-value")
        .map(|d| (d.cell.as_deref().unwrap_or(""), d.message.as_str()))
        .collect();
    assert_eq!(said.len(), 2, "{:?}", x.diagnostics);
    assert!(
        said.iter()
            .any(|(c, m)| *c == "B3" && m.contains("其值未读取")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|(c, m)| *c == "C5" && m.contains("按文本读取")),
        "{said:?}"
    );
    assert!(
        x.diagnostics
            .iter()
            .any(|d| d.rule.as_str() == "empty-field" && d.message.contains("年度资金总额")),
        "{:?}",
        x.diagnostics
    );
}

/// Refusals say in Chinese what is wrong; a library's English comes only with --verbose.
#[test]
fn refusals_speak_chinese() {
    let dir = Workdir::new();
    let seed = &crate::samples::all()[0].bytes;
    dir.write("truncated.xlsx", &seed[..seed.len() / 2]);
    dir.write("garbage.xlsx", b"PK\x03\x04 not a zip at all");
    dir.write(
        "broken_xml.xlsx",
        &raw_xlsx(
            &[(
                "Sheet1",
                "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&bogus;</t></is></c></row>".into(),
            )],
            zip::CompressionMethod::Deflated,
        ),
    );
    let xls = crate::samples::xls(&[crate::samples::plain_sheet(
        &crate::samples::seed(),
        Default::default(),
    )]);
    dir.write("truncated.xls", &xls[..xls.len() / 3]);
    let out = dir.run(&[
        "extract",
        "truncated.xlsx",
        "garbage.xlsx",
        "broken_xml.xlsx",
        "truncated.xls",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let allowed = [
        "xlsx",
        "xls",
        "zip",
        "XML",
        "Excel",
        "unreadable-file",
        "no-table",
        "error",
        "warning",
        "max",
    ];
    for line in stderr.lines() {
        // The message, after the file's name and the rule.
        let mut rest = line.split_once("] ").map_or(line, |(_, m)| m).to_string();
        for a in allowed {
            rest = rest.replace(a, "");
        }
        let english = rest
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.len() >= 3);
        assert!(!english, "English in a refusal: {line}");
    }
    assert_eq!(
        stderr.lines().filter(|l| l.contains("error[")).count(),
        4,
        "{stderr}"
    );
    let verbose = dir.run(&["extract", "garbage.xlsx", "--verbose"]);
    assert!(
        String::from_utf8_lossy(&verbose.stderr).contains("（"),
        "the library's words follow with --verbose"
    );
}

/// Two sheets of one name (a hand-edited workbook): read as the first twice, its tables
/// would count twice; the second is left out and the file says so.
#[test]
fn two_sheets_of_one_name_are_said_not_counted_twice() {
    let sheet = |name: &'static str| {
        (
            name,
            format!(
                r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
                text_cell("A1", "三级指标"),
                text_cell("B1", "指标值"),
                text_cell("A2", "开展培训"),
                text_cell("B2", "＝4次"),
            ),
        )
    };
    let dir = Workdir::new();
    dir.write(
        "twice.xlsx",
        &raw_xlsx(
            &[sheet("项目1"), sheet("项目1")],
            zip::CompressionMethod::Deflated,
        ),
    );
    let out = dir.run(&["extract", "twice.xlsx"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["projects"].as_array().unwrap().len(), 1, "{doc}");
    assert!(
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "duplicate-sheet"),
        "{}",
        doc["diagnostics"]
    );
}

/// A 1 KB workbook whose shared-string table declares four billion strings: the parser
/// would reserve room for all of them (96 GB) and the process, batch and all, would
/// abort. Refused from the declaration instead; a batch beside it goes on.
#[test]
fn a_shared_string_table_declaring_billions_is_refused() {
    let rows = format!(
        r#"<row r="1">{}<c r="B1" t="s"><v>0</v></c></row>"#,
        text_cell("A1", "三级指标")
    );
    let honest = raw_xlsx_with_strings(
        &[("Sheet1", rows)],
        zip::CompressionMethod::Deflated,
        Some("<si><t>指标值</t></si>"),
    );
    // The same workbook with the declaration changed, entry by entry.
    let bomb = rewritten(&honest, |name, body| {
        Some(if name == "xl/sharedStrings.xml" {
            body.replacen(
                "<sst ",
                r#"<sst count="4000000000" uniqueCount="4000000000" "#,
                1,
            )
        } else {
            body
        })
    });
    assert!(bomb.len() < 4096);
    refused(
        "sst.xlsx",
        &bomb,
        &[],
        "共享字符串表声明有 4000000000 个字符串",
    );
}

/// A .xls whose cells all name one long shared string: the parser would copy it into
/// every cell (here 20,000 × 90 KB, 1.8 GB). Refused from its records, before parsing;
/// the same table written with shared strings as Excel does reads as before.
#[test]
fn a_legacy_workbook_naming_one_long_shared_string_everywhere_is_refused() {
    use jixiao::read::{CellValue, Grid, Sheet};
    let long = "绩".repeat(30_000);
    let mut cells = vec![
        (0, 0, CellValue::Text("三级指标".into())),
        (0, 1, CellValue::Text("指标值".into())),
    ];
    for r in 1..=2_000u32 {
        for c in 0..10u32 {
            cells.push((r, c, CellValue::Text(long.clone())));
        }
    }
    let bomb = samples::xls_as(
        &[Sheet::new("Sheet1".into(), Grid::new(cells, Vec::new()))],
        samples::Biff::EightShared,
    );
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let start = std::time::Instant::now();
    refused("sst.xls", &bomb, &[], "单元格文本合计超过 64 MB");
    assert!(start.elapsed() < std::time::Duration::from_secs(10));

    // An honest workbook in the same encoding still reads.
    let seed = jixiao::read::read_bytes(&samples::all()[0].bytes).expect("the seed reads");
    let honest = samples::xls_as(&seed, samples::Biff::EightShared);
    let (x, code, stderr) = extract_one("seed.xls", &honest, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(x.projects.len(), 4);
}

/// A workbook whose sheets all point at one worksheet part: read once per sheet, the
/// part would be inflated a thousand times and its table counted a thousand times.
/// The first sheet is read, the others are named on it.
#[test]
fn many_sheets_pointing_at_one_part_are_read_once() {
    let rows = format!(
        r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
        text_cell("A1", "三级指标"),
        text_cell("B1", "指标值"),
        text_cell("A2", "开展培训"),
        text_cell("B2", "＝4次"),
    );
    let names: Vec<String> = (1..=300).map(|i| format!("表{i}")).collect();
    let sheets: Vec<(&str, String)> = names.iter().map(|n| (n.as_str(), rows.clone())).collect();
    let honest = raw_xlsx(&sheets, zip::CompressionMethod::Deflated);
    // Every relationship now targets the first sheet's part.
    let shared = rewritten(&honest, |name, mut body| {
        if name.starts_with("xl/worksheets/sheet") && name != "xl/worksheets/sheet1.xml" {
            return None;
        }
        if name == "xl/_rels/workbook.xml.rels" {
            for n in 2..=300 {
                body = body.replace(
                    &format!("worksheets/sheet{n}.xml\""),
                    "worksheets/sheet1.xml\"",
                );
            }
        }
        Some(body)
    });
    let (x, _, stderr) = extract_one("shared.xlsx", &shared, &[]);
    assert!(!stderr.contains("unreadable-file"), "{stderr}");
    assert_eq!(x.projects.len(), 1, "{:?}", x.diagnostics);
    let said: Vec<&str> = x
        .diagnostics
        .iter()
        .filter(|d| d.rule.as_str() == "duplicate-sheet")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(said.len(), 1, "{:?}", x.diagnostics);
    assert!(said[0].contains("另有 299 个工作表"), "{}", said[0]);
}

/// Excel, WPS and LibreOffice write zip entries stored or deflated only; an entry in
/// bzip2, LZMA, zstd or PPMd is refused by its method, before anything inflates.
#[test]
fn zip_entries_in_other_compression_methods_are_refused() {
    let rows = format!(
        r#"<row r="1">{}{}</row>"#,
        text_cell("A1", "三级指标"),
        text_cell("B1", "指标值")
    );
    let stored = raw_xlsx(&[("Sheet1", rows)], zip::CompressionMethod::Stored);
    for (method, name) in [(12u16, "bzip2"), (14, "LZMA"), (93, "zstd"), (98, "PPMd")] {
        // The method field of the sheet's local header (offset 8) and of its central
        // directory entry (offset 10).
        let mut bytes = stored.clone();
        let part = b"xl/worksheets/sheet1.xml";
        for (sig, at, name_at) in [(b"PK\x03\x04", 8, 30), (b"PK\x01\x02", 10, 46)] {
            let mut from = 0;
            while let Some(i) = bytes[from..]
                .windows(4)
                .position(|w| w == sig)
                .map(|i| i + from)
            {
                if bytes[i + name_at..].starts_with(part) {
                    bytes[i + at..i + at + 2].copy_from_slice(&method.to_le_bytes());
                }
                from = i + 4;
            }
        }
        refused(
            &format!("{name}.xlsx"),
            &bytes,
            &[],
            "Excel、WPS 和 LibreOffice 不使用的压缩方式",
        );
    }
}

/// Two zip entries of one name: which one a reader takes is up to the reader, so the
/// workbook read might not be the one its sender saw. Refused, named.
#[test]
fn duplicate_zip_entry_names_are_refused() {
    let rows = |v: &str| {
        format!(
            r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
            text_cell("A1", "三级指标"),
            text_cell("B1", "指标值"),
            text_cell("A2", "开展培训"),
            text_cell("B2", v),
        )
    };
    let bytes = raw_xlsx(
        &[("Sheet1", rows("＝4次")), ("Sheet2", rows("＝400次"))],
        zip::CompressionMethod::Stored,
    );
    // The second sheet's part renamed to the first's, in its local header and its
    // central directory entry.
    let mut bytes = bytes;
    let (from, to) = (b"xl/worksheets/sheet2.xml", b"xl/worksheets/sheet1.xml");
    let mut i = 0;
    while let Some(at) = bytes[i..].windows(from.len()).position(|w| w == from) {
        bytes[i + at..i + at + from.len()].copy_from_slice(to);
        i += at + from.len();
    }
    refused("twice.xlsx", &bytes, &[], "压缩包中有重名的文件");
}

/// A workbook of thousands of two-row tables (a million fit in a megabyte) would cost
/// minutes and gigabytes of findings: past `--max-tables` it is refused before any
/// table is built; at the limit it is read.
#[test]
fn a_workbook_of_too_many_tables_is_refused() {
    let mut rows = String::new();
    for t in 0..120u32 {
        let (r1, r2) = (2 * t + 1, 2 * t + 2);
        rows.push_str(&format!(
            r#"<row r="{r1}">{}{}</row><row r="{r2}">{}{}</row>"#,
            text_cell(&format!("A{r1}"), "三级指标"),
            text_cell(&format!("B{r1}"), "指标值"),
            text_cell(&format!("A{r2}"), "开展培训"),
            text_cell(&format!("B{r2}"), "＝4次"),
        ));
    }
    let bytes = raw_xlsx(&[("Sheet1", rows)], zip::CompressionMethod::Deflated);
    refused(
        "tiny.xlsx",
        &bytes,
        &["--max-tables", "100"],
        "绩效目标表超过 100 张（工作表“Sheet1”一张就有 120 张）",
    );
    let (x, _, stderr) = extract_one("tiny.xlsx", &bytes, &["--max-tables", "120"]);
    assert!(!stderr.contains("unreadable-file"), "{stderr}");
    assert_eq!(x.projects.len(), 120);
}
