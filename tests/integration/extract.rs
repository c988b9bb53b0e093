//! `extract` on every sample, on a batch with bad files, and the JSON contract.

use std::path::PathBuf;

use jixiao::model::{Extraction, Project};
use jixiao::value::Kind;
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use crate::samples;
use crate::workdir::{Workdir, repo};

/// What a project says, whatever the shape it was written in: operators, numbers and
/// units compared as read, amounts in 万元, cells and sources left out.
fn meaning(p: &Project, with_title: bool) -> Json {
    json!({
        "title": if with_title { p.title.clone() } else { None },
        "level1_project": p.level1_project,
        "level2_project": p.level2_project,
        "department": p.department,
        "implementer": p.implementer,
        "funds": [p.funds.total.map(|d| d.normalize()), p.funds.fiscal.map(|d| d.normalize()), p.funds.non_fiscal.map(|d| d.normalize())],
        "goal": p.goal.as_ref().map(|g| g.replace('\n', "")),
        "indicators": p.indicators.iter().map(|i| {
            let v = &i.value;
            let value = match v.kind() {
                Kind::Quantitative => json!([v.op.map(|o| o.as_str()), v.number.map(|n| n.normalize()), v.unit]),
                _ => json!(v.text),
            };
            json!([i.level1, i.level2, i.name, value])
        }).collect::<Vec<_>>(),
    })
}

fn extract_bytes(name: &str, bytes: &[u8]) -> Extraction {
    let dir = Workdir::new();
    let path = dir.write(name, bytes);
    jixiao::extract(&[path])
}

#[test]
fn every_sample_extracts_the_four_seed_projects() {
    let seed = samples::seed();
    for sample in samples::all() {
        let x = extract_bytes(&sample.name, &sample.bytes);
        assert!(
            x.diagnostics.is_empty(),
            "{}: {:#?}",
            sample.name,
            x.diagnostics
        );
        let expected: Vec<Json> = if sample.name.starts_with("one_per_file/") {
            let p = seed
                .iter()
                .find(|p| {
                    sample.name
                        == format!("one_per_file/{}.xlsx", p.level2_project.as_deref().unwrap())
                })
                .unwrap();
            vec![meaning(p, true)]
        } else {
            seed.iter().map(|p| meaning(p, sample.has_title)).collect()
        };
        let got: Vec<Json> = x
            .projects
            .iter()
            .map(|p| meaning(p, sample.has_title))
            .collect();
        assert_eq!(got, expected, "{}", sample.name);
    }
}

#[test]
fn the_seed_totals_86_52_wan() {
    let x = extract_bytes("official_seed.xlsx", &samples::all()[0].bytes);
    let total: Decimal = x.projects.iter().filter_map(|p| p.funds.total).sum();
    assert_eq!(total, "86.52".parse::<Decimal>().unwrap());
    assert!(
        x.projects
            .iter()
            .all(|p| p.department.as_deref() == Some("中共黔南州直属机关工作委员会"))
    );
}

#[test]
fn amounts_in_yuan_become_wan_and_remember_the_unit() {
    let s = samples::all()
        .into_iter()
        .find(|s| s.name == "yuan_text_numbers.xlsx")
        .unwrap();
    let x = extract_bytes(&s.name, &s.bytes);
    let p = &x.projects[0];
    assert_eq!(p.funds.total.unwrap().to_string(), "24.02");
    assert_eq!(p.source_unit, "元");
    assert_eq!(p.unit, "万元");
}

#[test]
fn every_value_remembers_its_cell() {
    let x = extract_bytes("official_seed.xlsx", &samples::all()[0].bytes);
    let p = &x.projects[0];
    assert_eq!(p.source.sheet, "项目1");
    // The layout: 附表7, title, unit line, then 一级项目名称 on row 4 with its value at C4.
    assert_eq!(p.cells["level1_project"], "C4");
    assert_eq!(p.cells["department"], "C5");
    assert_eq!(p.cells["funds.total"], "D6");
    assert_eq!(p.indicators[0].cell, "E11");
    assert_eq!(p.indicators[0].cells.name.as_deref(), Some("D11"));
    // 产出指标 is merged down its run: every row reports the merge's first cell.
    assert_eq!(p.indicators[5].cells.level1.as_deref(), Some("B11"));
    assert_eq!(p.source.range, "A1:F27");
}

/// Committed samples say what freshly written ones say. With JIXIAO_BLESS=1 the
/// samples and the expected JSON are written anew instead.
#[test]
fn committed_samples_are_current() {
    let bless = std::env::var_os("JIXIAO_BLESS").is_some();
    for sample in samples::everything() {
        let committed = repo().join("samples").join(&sample.name);
        if bless {
            std::fs::create_dir_all(committed.parent().unwrap()).unwrap();
            std::fs::write(&committed, &sample.bytes).unwrap();
            continue;
        }
        let fresh = extract_bytes(&sample.name, &sample.bytes);
        let old = jixiao::extract(std::slice::from_ref(&committed));
        // The reader's findings are the fresh sample's (check/ holds a table without
        // its 主管部门 on purpose).
        let findings = |x: &Extraction| {
            x.diagnostics
                .iter()
                .map(|d| (d.rule, d.cell.clone(), d.message.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(findings(&old), findings(&fresh), "{}", sample.name);
        assert!(
            sample.name.starts_with("check/") || old.diagnostics.is_empty(),
            "{}: {:?}",
            sample.name,
            old.diagnostics
        );
        let strip = |x: &Extraction| {
            x.projects
                .iter()
                .map(|p| {
                    let mut p = p.clone();
                    p.source.file.clear();
                    p
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            strip(&old),
            strip(&fresh),
            "samples/{} is stale: run JIXIAO_BLESS=1 cargo test",
            sample.name
        );
    }
}

/// samples/README.md lists every sample with what it shows.
#[test]
fn samples_readme_is_current() {
    let path = repo().join("samples/README.md");
    let fresh = samples::readme(&samples::everything());
    if std::env::var_os("JIXIAO_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        fresh,
        "run JIXIAO_BLESS=1 cargo test"
    );
}

/// The real binary on a copy of samples/: the whole JSON document, cells included,
/// as recorded in tests/expected/samples.json.
#[test]
fn extract_samples_matches_the_expected_json() {
    let dir = Workdir::new();
    dir.copy_samples();
    let out = dir.run(&["extract", "samples"]);
    // check/重复报送.xlsx has a table without its 主管部门: an error, said as read.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Json = serde_json::from_slice(&out.stdout).unwrap();
    let expected_path = repo().join("tests/expected/samples.json");
    if std::env::var_os("JIXIAO_BLESS").is_some() {
        std::fs::write(
            &expected_path,
            serde_json::to_string_pretty(&got).unwrap() + "\n",
        )
        .unwrap();
    }
    let expected: Json =
        serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
    assert_eq!(got, expected);
    // The contract other systems read.
    let p = &got["projects"][0];
    for key in [
        "source",
        "title",
        "level1_project",
        "level2_project",
        "department",
        "implementer",
        "unit",
        "funds",
        "goal",
        "indicators",
    ] {
        assert!(p.get(key).is_some(), "missing {key}");
    }
    assert_eq!(p["funds"]["total"], "24.02");
    assert_eq!(p["indicators"][0]["value"]["op"], "=");
    assert_eq!(p["indicators"][0]["value"]["number"], "1");
    assert_eq!(got["projects"].as_array().unwrap().len(), 4 * 10 + 4 + 4);
}

#[test]
fn a_batch_with_bad_files_reports_each_and_extracts_the_rest() {
    let dir = Workdir::new();
    let good = &samples::all()[0].bytes;
    dir.write("batch/01_good.xlsx", good);
    dir.write("batch/02_empty.xlsx", b"");
    dir.write("batch/03_truncated.xlsx", &good[..good.len() / 2]);
    dir.write(
        "batch/04_web_page.xls",
        "<html><body><table><tr><td>项目名称</td></tr></table></body></html>".as_bytes(),
    );
    dir.write(
        "batch/05_text.xlsx",
        "项目名称,金额\n机关党建工作,24.02\n".as_bytes(),
    );
    dir.write(
        "batch/06_no_table.xlsx",
        &samples::xlsx(&[jixiao::read::Sheet::new(
            "Sheet1".into(),
            jixiao::read::Grid::new(
                vec![(0, 0, jixiao::read::CellValue::Text("会议纪要".into()))],
                vec![],
            ),
        )]),
    );
    dir.write("batch/07_notes.txt", b"not a workbook");
    dir.write("batch/~$01_good.xlsx", b"lock file");
    let out = dir.run_status(&["extract", "batch"], 1);
    let x: Extraction = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(x.projects.len(), 4, "the good file still comes out");
    let rules: Vec<(String, String)> = x
        .diagnostics
        .iter()
        .map(|d| {
            (
                PathBuf::from(&d.file)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                d.rule.to_string(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("02_empty.xlsx", "unreadable-file"),
            ("03_truncated.xlsx", "unreadable-file"),
            ("04_web_page.xls", "unreadable-file"),
            ("05_text.xlsx", "unreadable-file"),
            ("06_no_table.xlsx", "no-table"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("02_empty.xlsx: error[unreadable-file] 文件为空"),
        "{stderr}"
    );
    assert!(stderr.contains("网页（HTML）"), "{stderr}");
    assert!(stderr.contains("跳过非电子表格文件"), "{stderr}");
    assert!(!stderr.contains("~$"), "lock files are ignored: {stderr}");
}

#[test]
fn csv_has_one_row_per_indicator_with_a_bom() {
    let dir = Workdir::new();
    dir.write("seed.xlsx", &samples::all()[0].bytes);
    dir.run_ok(&["extract", "seed.xlsx", "--format", "csv", "-o", "out.csv"]);
    let bytes = std::fs::read(dir.path().join("out.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(&r.headers().unwrap()[5], "二级项目名称");
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let seed = samples::seed();
    assert_eq!(
        rows.len(),
        seed.iter().map(|p| p.indicators.len()).sum::<usize>()
    );
    assert_eq!(&rows[0][8], "24.02");
    assert_eq!(&rows[0][14], "星级党支部创建考评、复核工作");
    // An existing output is kept unless --force.
    let again = dir.run_status(
        &["extract", "seed.xlsx", "--format", "csv", "-o", "out.csv"],
        2,
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    dir.run_status(&["extract", "seed.xlsx", "-o", "seed.xlsx", "--force"], 2);
    assert_eq!(
        std::fs::read(dir.path().join("seed.xlsx")).unwrap(),
        samples::all()[0].bytes,
        "the input is untouched"
    );
}

/// Writing to a device goes straight into it: renaming a file over /dev/null would
/// replace the device.
#[cfg(unix)]
#[test]
fn output_to_a_device_is_written_in_place() {
    let dir = Workdir::new();
    dir.write("seed.xlsx", &samples::all()[0].bytes);
    dir.run_ok(&["extract", "seed.xlsx", "-o", "/dev/null"]);
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn the_official_writer_is_deterministic() {
    let seed = samples::seed();
    assert_eq!(
        samples::official_workbook(&seed, false),
        samples::official_workbook(&seed, false)
    );
}

/// A project or indicator name that a spreadsheet would run as a formula is written to
/// CSV as text (a leading '), amounts as numbers; `--csv-raw` keeps the bytes.
#[test]
fn csv_text_cannot_run_as_a_formula() {
    let dir = Workdir::new();
    let mut seed = samples::seed();
    seed.truncate(1);
    let evil = "=HYPERLINK(\"http://example.invalid\",\"点此\")";
    seed[0].level2_project = Some(evil.into());
    for (i, lead) in ["@", "+", "-", "="].iter().enumerate() {
        seed[0].indicators[i].name = format!("{lead}SUM(1,2)");
    }
    dir.write("evil.xlsx", &samples::official_workbook(&seed, false));
    let read = |args: &[&str]| {
        let out = dir.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = out.stdout;
        let mut r = csv::Reader::from_reader(&bytes[3..]);
        r.records().map(Result::unwrap).collect::<Vec<_>>()
    };
    let safe = read(&["extract", "evil.xlsx", "--format", "csv"]);
    assert_eq!(&safe[0][5], format!("'{evil}"));
    for (i, lead) in ["@", "+", "-", "="].iter().enumerate() {
        assert_eq!(&safe[i][14], format!("'{lead}SUM(1,2)"));
    }
    assert_eq!(&safe[0][8], "24.02", "amounts stay numbers");
    let raw = read(&["extract", "evil.xlsx", "--format", "csv", "--csv-raw"]);
    assert_eq!(&raw[0][5], evil);
    assert_eq!(&raw[1][14], "+SUM(1,2)");
}

/// Every character OWASP names as a formula's start is neutralised: in names, and in a
/// file's name (where a tab or a carriage return survives; the reader trims cells);
/// a negative number, in a number column or written as text, stays the number it is.
#[test]
fn csv_neutralises_each_formula_start_and_keeps_negative_numbers() {
    let dir = Workdir::new();
    let mut seed = samples::seed();
    seed.truncate(1);
    let tail = "cmd|' /C calc'!A0";
    for (i, lead) in ["=", "+", "-", "@"].iter().enumerate() {
        seed[0].indicators[i].name = format!("{lead}{tail}");
    }
    // A goal written as a negative number: text, but no formula.
    seed[0].goal = Some("-0.5".into());
    seed[0].indicators[6].value = jixiao::value::Value::parse("＝-3次");
    let bytes = samples::official_workbook(&seed, false);
    let files = ["evil.xlsx", "\t=1+2.xlsx", "\r=1+2.xlsx"];
    for name in files {
        dir.write(name, &bytes);
    }
    let rows = |extra: &[&str]| {
        let mut args = vec!["extract", "--format", "csv"];
        args.extend(files);
        args.extend(extra);
        let out = dir.run(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut r = csv::Reader::from_reader(&out.stdout[3..]);
        r.records().map(Result::unwrap).collect::<Vec<_>>()
    };
    let column = |rows: &[csv::StringRecord], i: usize| {
        let mut v: Vec<String> = rows.iter().map(|r| r[i].to_string()).collect();
        v.dedup();
        v
    };
    let safe = rows(&[]);
    assert_eq!(
        column(&safe, 0),
        ["evil.xlsx", "'\t=1+2.xlsx", "'\r=1+2.xlsx"]
    );
    let names = column(&safe, 14);
    for lead in ["=", "+", "-", "@"] {
        let name = format!("'{lead}{tail}");
        assert!(names.contains(&name), "{name} not in {names:?}");
    }
    assert_eq!(column(&safe, 11), ["-0.5"], "the goal");
    assert!(
        safe.iter().any(|r| &r[15] == "＝-3次" && &r[17] == "-3"),
        "the number column"
    );
    assert_eq!(column(&safe, 8), ["24.02"], "amounts");

    let raw = rows(&["--csv-raw"]);
    assert_eq!(column(&raw, 0), files);
    let names = column(&raw, 14);
    for lead in ["=", "+", "-", "@"] {
        assert!(names.contains(&format!("{lead}{tail}")), "{names:?}");
    }
}

/// `split` names files after projects without a formula's punctuation.
#[test]
fn split_file_names_carry_no_formula() {
    let dir = Workdir::new();
    let mut seed = samples::seed();
    seed.truncate(1);
    seed[0].department = Some("=HYPERLINK(\"http://example.invalid\",\"点此\")".into());
    dir.write("evil.xlsx", &samples::official_workbook(&seed, false));
    dir.run_ok(&["split", "evil.xlsx", "-o", "out"]);
    let names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names.len(), 1);
    assert!(
        !names[0].contains(['=', '(', ')', ',', '"']) && names[0].ends_with(".xlsx"),
        "{names:?}"
    );
}

/// `-` is standard input where a path is read and standard output where one is written.
#[test]
fn a_dash_is_stdin_and_stdout() {
    use std::io::Write;
    let run = |args: &[&str], input: &[u8]| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        let feeder = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().unwrap();
        feeder.join().unwrap().unwrap();
        out
    };
    let seed = &samples::all()[0].bytes;
    let out = run(&["extract", "-"], seed);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["projects"].as_array().unwrap().len(), 4);
    assert_eq!(doc["projects"][0]["source"]["file"], "标准输入");
    let merged = run(&["merge", "-", "-o", "-"], seed);
    assert_eq!(
        merged.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let sheets = jixiao::read::read_bytes(&merged.stdout).expect("a whole workbook on stdout");
    assert_eq!(sheets[0].name, "汇总");
}

/// A department's folder zipped on Chinese Windows: entry names in GBK with no UTF-8
/// flag, a note beside the workbooks, an archive inside. The workbooks are read in place
/// and named `报送.zip/机关工委/…` everywhere; the batch total is the seed's.
#[test]
fn a_zip_of_workbooks_is_read_in_place_with_its_chinese_names() {
    use std::io::Write;
    let seed = crate::workdir::repo().join("samples/one_per_file");
    let mut names: Vec<_> = std::fs::read_dir(&seed)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let dir = Workdir::new();
    // Two workbooks loose in the inbox, two zipped under GBK names.
    for p in &names[..2] {
        dir.write(
            &format!("收件箱/{}", p.file_name().unwrap().to_string_lossy()),
            &std::fs::read(p).unwrap(),
        );
    }
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let member = |i: usize| format!("机关工委/项目{i}.xlsx");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    // ASCII stand-ins of the GBK names' length, replaced in the bytes afterwards: the
    // zip writer itself would set the UTF-8 flag.
    let stand_in = |i: usize| {
        let len = gbk(&member(i)).len();
        format!("{}{i}", "Q".repeat(len - 1))
    };
    for (i, p) in names[2..].iter().enumerate() {
        zip.start_file(stand_in(i), opts).unwrap();
        zip.write_all(&std::fs::read(p).unwrap()).unwrap();
    }
    zip.start_file("说明.txt", opts).unwrap();
    zip.write_all("请查收".as_bytes()).unwrap();
    zip.start_file("旧版.zip", opts).unwrap();
    zip.write_all(b"PK\x05\x06").unwrap();
    let mut bytes = zip.finish().unwrap().into_inner();
    for i in 0..2 {
        let (from, to) = (stand_in(i).into_bytes(), gbk(&member(i)));
        let mut at = 0;
        while let Some(k) = bytes[at..].windows(from.len()).position(|w| w == from) {
            bytes[at + k..at + k + from.len()].copy_from_slice(&to);
            at += k + from.len();
        }
    }
    dir.write("收件箱/报送.zip", &bytes);

    let out = dir.run(&["merge", "收件箱", "-o", "汇总.xlsx"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("年度资金总额 86.52 万元"), "{stderr}");
    assert!(
        stderr.contains("收件箱/报送.zip/旧版.zip: error[unreadable-file] 压缩包中的压缩包未打开"),
        "{stderr}"
    );
    let x = jixiao::extract(&[dir.path().join("收件箱")]);
    let files: Vec<&str> = x.projects.iter().map(|p| p.source.file.as_str()).collect();
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("收件箱/报送.zip/机关工委/项目0.xlsx")),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("收件箱/报送.zip/机关工委/项目1.xlsx")),
        "{files:?}"
    );
    assert_eq!(x.projects.len(), 4);
}

/// A .zip of more workbooks than are read at once gives what the same files give loose
/// in a folder, in the same (name) order, whatever order the archive lists them in.
#[test]
fn a_large_zip_reads_as_its_folder_does_in_name_order() {
    use std::io::Write;
    let seed = crate::workdir::repo().join("samples/one_per_file");
    let mut workbooks: Vec<_> = std::fs::read_dir(&seed)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    workbooks.sort();
    let dir = Workdir::new();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    // 150 members, listed in reverse: more than two batches of the parallel read.
    let names: Vec<String> = (0..150).map(|i| format!("部门{i:03}/报表.xlsx")).collect();
    for (i, name) in names.iter().enumerate().rev() {
        let bytes = &workbooks[i % workbooks.len()];
        dir.write(&format!("收件箱/{name}"), bytes);
        zip.start_file(name.as_str(), opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    dir.write("报送.zip", &zip.finish().unwrap().into_inner());
    let zipped = jixiao::extract(&[dir.path().join("报送.zip")]);
    let loose = jixiao::extract(&[dir.path().join("收件箱")]);
    assert_eq!(zipped.projects.len(), 150);
    let inner = |file: &str| file.split_once(".zip/").map(|(_, inner)| inner.to_string());
    let zipped_files: Vec<_> = zipped
        .projects
        .iter()
        .map(|p| inner(&p.source.file).unwrap())
        .collect();
    assert_eq!(zipped_files, names);
    let strip = |mut p: jixiao::model::Project| {
        p.source.file = String::new();
        p
    };
    let a: Vec<_> = zipped.projects.into_iter().map(strip).collect();
    let b: Vec<_> = loose.projects.into_iter().map(strip).collect();
    assert_eq!(a, b);
}

/// The library reads as the command does and prints nothing: what a walk passed by is
/// returned, and the limits are the caller's.
#[test]
fn the_library_returns_what_it_left_out_and_takes_its_limits() {
    let dir = Workdir::new();
    dir.write("收件箱/seed.xlsx", &samples::all()[0].bytes);
    dir.write("收件箱/说明.docx", b"not a workbook");
    let steps = std::sync::atomic::AtomicUsize::new(0);
    let inbox = vec![dir.path().join("收件箱")];
    let x = jixiao::Extract::new()
        .progress(|_| {
            steps.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        })
        .run(&inbox);
    assert_eq!(x.projects.len(), 4);
    assert_eq!(steps.into_inner(), 1);
    assert_eq!(x.left_out.len(), 1, "{:?}", x.left_out);
    assert!(x.left_out[0].contains("说明.docx"), "{:?}", x.left_out);
    let tight = jixiao::read::Limits {
        max_cells: 10,
        ..jixiao::read::Limits::default()
    };
    let x = jixiao::Extract::new().limits(tight).run(&inbox);
    assert!(x.projects.is_empty());
    assert_eq!(x.diagnostics[0].rule.as_str(), "unreadable-file");
}
