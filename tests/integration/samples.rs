//! Writes the workbooks of samples/: the four seed projects in every shape the reader
//! handles. `JIXIAO_BLESS=1 cargo test --test integration samples` rewrites samples/.

use std::io::{Cursor, Write};

use jixiao::model::{Funds, Indicator, Project};
use jixiao::read::{CellValue, Grid, Rect, Sheet};
use jixiao::value::Value;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatBorder};

/// One sample file: its path under samples/ and what it shows.
pub struct Sample {
    pub name: String,
    pub what: &'static str,
    pub bytes: Vec<u8>,
    /// Whether the shape carries the table's title (the flat export does not).
    pub has_title: bool,
}

/// The four projects of the seed document, from tests/fixtures/seed_projects.json.
pub fn seed() -> Vec<Project> {
    let text = include_str!("../fixtures/seed_projects.json");
    let raw: Vec<serde_json::Value> = serde_json::from_str(text).expect("seed JSON");
    raw.iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().map(str::to_string);
            let d = |k: &str| {
                p["funds"][k]
                    .as_str()
                    .map(|v| v.parse::<Decimal>().expect("decimal"))
            };
            Project {
                title: s("title"),
                year: Some(2024),
                level1_project: s("level1_project"),
                level2_project: s("level2_project"),
                department: s("department"),
                implementer: s("implementer"),
                unit: "万元".into(),
                source_unit: "万元".into(),
                funds: Funds {
                    total: d("total"),
                    fiscal: d("fiscal"),
                    non_fiscal: d("non_fiscal"),
                    ..Funds::default()
                },
                goal: s("goal"),
                indicators: p["indicators"]
                    .as_array()
                    .expect("indicators")
                    .iter()
                    .map(|row| {
                        let f = |i: usize| row[i].as_str().expect("text").to_string();
                        Indicator::new(&f(0), &f(1), &f(2), Value::parse(&f(3)))
                    })
                    .collect(),
                ..Project::default()
            }
        })
        .collect()
}

/// Every sample, in the order samples/README.md lists them.
pub fn all() -> Vec<Sample> {
    let seed = seed();
    let official = official_workbook(&seed, false);
    let stacked = official_workbook(&seed, true);
    let official_sheets = jixiao::read::read_bytes(&official).expect("own output reads");
    let mut out = vec![
        sample(
            "official_seed.xlsx",
            "the seed's 附表7: official layout, merged cells, one project per sheet",
            official,
            true,
        ),
        sample(
            "official_stacked.xlsx",
            "four projects stacked down one sheet as printed pages, preface and footer",
            stacked.clone(),
            true,
        ),
        sample(
            "offset_no_merges.xlsx",
            "tables starting at C5, no merges, 一级/二级 only on the first row of a run",
            xlsx(&[plain_sheet(&seed, Plain::default())]),
            true,
        ),
        sample(
            "spaced_labels_repeated_levels.xlsx",
            "labels with spaces and line breaks, label：value cells, 一级/二级 repeated on every row, two tables per sheet",
            xlsx(&[
                plain_sheet_named(
                    "第一批",
                    &seed[..2],
                    Plain {
                        fancy_labels: true,
                        repeat_levels: true,
                        ..Plain::default()
                    },
                ),
                plain_sheet_named(
                    "第二批",
                    &seed[2..],
                    Plain {
                        fancy_labels: true,
                        repeat_levels: true,
                        ..Plain::default()
                    },
                ),
            ]),
            true,
        ),
        sample(
            "yuan_text_numbers.xlsx",
            "单位：元, amounts stored as text in full-width digits, ASCII operators <= >=",
            xlsx(&[plain_sheet(
                &seed,
                Plain {
                    yuan_text: true,
                    ascii_ops: true,
                    ..Plain::default()
                },
            )]),
            true,
        ),
        sample(
            "funds_sentence.xlsx",
            "资金情况（万元） label and the funds written as one sentence",
            xlsx(&[plain_sheet(
                &seed,
                Plain {
                    funds_sentence: true,
                    ..Plain::default()
                },
            )]),
            true,
        ),
        sample(
            "budget_export.xlsx",
            "the budget system's flat export: label：value header, operator, number and unit in separate columns (指标值符号, 指标值, 计量单位)",
            xlsx(&[flat_export(&seed)]),
            false,
        ),
        sample(
            "official_seed.ods",
            "the official layout as OpenDocument, spans read from content.xml",
            ods(&official_sheets),
            true,
        ),
        sample(
            "official_seed.xls",
            "the official layout as legacy Excel 97-2003 (BIFF8) with merged cells",
            xls(&official_sheets),
            true,
        ),
        sample(
            "wps_export_named.xls",
            "an .xlsx workbook carrying an .xls name, as WPS and system exports do",
            stacked,
            true,
        ),
    ];
    for p in &seed {
        let name = format!(
            "one_per_file/{}.xlsx",
            p.level2_project.as_deref().unwrap_or("项目")
        );
        out.push(sample(
            &name,
            "one project per file",
            official_workbook(std::slice::from_ref(p), false),
            true,
        ));
    }
    out
}

/// Submissions with the mistakes `check` finds, under samples/check/: every rule of
/// the bureau fires at least once, each at a known cell.
pub fn problems() -> Vec<Sample> {
    let seed = seed();
    let mut bad = seed[0].clone();
    bad.funds.fiscal = Some("20.00".parse().unwrap()); // funds-sum
    let set = |p: &mut Project, name: &str, value: &str| {
        let i = p.indicators.iter_mut().find(|i| i.name == name).unwrap();
        i.value = Value::parse(value);
    };
    set(&mut bad, "模范机关相关工作经费", "≤15万元"); // cost-sum
    set(&mut bad, "完成时限", "＝2023年"); // timeliness-year
    set(&mut bad, "推进模范机关创建工作", "＝1"); // missing-unit
    set(&mut bad, "机关“志愿服务”工作", "*"); // bad-value
    for i in bad
        .indicators
        .iter_mut()
        .filter(|i| i.level2 == "社会效益指标")
    {
        i.level2 = "社会效益".into(); // unknown-level
    }
    bad.indicators.retain(|i| i.level1 != "满意度指标"); // missing-category
    let mut nameless = seed[2].clone();
    nameless.department = None; // empty-field
    vec![
        sample(
            "check/有问题的报表.xlsx",
            "for `check`: one table with a mistake for each rule, one clean",
            official_workbook(&[bad, seed[1].clone()], false),
            true,
        ),
        sample(
            "check/重复报送.xlsx",
            "for `check`: a project sent twice, and one without its 主管部门",
            official_workbook(&[seed[1].clone(), nameless], false),
            true,
        ),
    ]
}

/// Every file of samples/.
pub fn everything() -> Vec<Sample> {
    let mut out = all();
    out.extend(problems());
    out
}

/// samples/README.md: what each sample shows.
pub fn readme(samples: &[Sample]) -> String {
    let mut out = String::from(
        "# samples\n\n\
         Workbooks that show each shape of table jixiao reads. Every one holds the four 2024\n\
         projects of 中共黔南州直属机关工作委员会 from the seed document (24.02 + 10.00 + 30.00 +\n\
         22.50 = 86.52 万元), so every one must extract to the same projects; the tests check it.\n\n\
         They are written by the test suite (tests/integration/samples.rs), not by hand:\n\
         `JIXIAO_BLESS=1 cargo test --test integration` writes them, this file and\n\
         tests/expected/samples.json anew.\n\n\
         | file | what it shows |\n|---|---|\n",
    );
    for s in samples {
        out.push_str(&format!("| `{}` | {} |\n", s.name, s.what));
    }
    out.push_str(
        "\nThe workbooks under `check/` hold the same projects with mistakes put in on purpose,\n\
         for `jixiao check`; the tests pin every finding they give.\n\n\
         `real/` holds tables transcribed from public budget disclosures of many regions, laid\n\
         out as published, as text (`.grid`) beside their truth (`.json`); its README lists\n\
         their sources. `JIXIAO_KEEP=DIR cargo test --test integration real::` writes them\n\
         as workbooks into DIR.\n",
    );
    out
}

fn sample(name: &str, what: &'static str, bytes: Vec<u8>, has_title: bool) -> Sample {
    Sample {
        name: name.to_string(),
        what,
        bytes,
        has_title,
    }
}

/// The official layout, one project per sheet or all stacked down one sheet.
pub fn official_workbook(projects: &[Project], stacked: bool) -> Vec<u8> {
    use jixiao::write::official;
    let mut wb = jixiao::write::new_workbook();
    let template = jixiao::template::Template::default();
    let parts = jixiao::template::TitleParts::default();
    let layout = official::Layout::new(&template, &parts);
    if stacked {
        let ws = wb.add_worksheet().set_name("绩效目标表").unwrap();
        official::set_up_sheet(ws, &template).unwrap();
        let note = Format::new().set_font_name("宋体");
        ws.write_string_with_format(
            0,
            0,
            "填报单位（盖章）：中共黔南州直属机关工作委员会",
            &note,
        )
        .unwrap();
        let mut row = 1;
        let mut breaks = Vec::new();
        for p in projects {
            row = official::write_project(ws, &layout, row, p).unwrap().next;
            ws.write_string_with_format(
                row,
                0,
                "单位负责人：          财务负责人：          填表人：",
                &note,
            )
            .unwrap();
            row += 2;
            breaks.push(row);
        }
        breaks.pop();
        ws.set_page_breaks(&breaks).unwrap();
    } else {
        for (i, p) in projects.iter().enumerate() {
            let ws = wb
                .add_worksheet()
                .set_name(format!("项目{}", i + 1))
                .unwrap();
            official::set_up_sheet(ws, &template).unwrap();
            official::write_project(ws, &layout, 0, p).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// Cells and merges of a hand-drawn layout.
#[derive(Default)]
struct Layout {
    cells: Vec<(u32, u32, CellValue)>,
    merges: Vec<Rect>,
}

impl Layout {
    fn text(&mut self, r: u32, c: u32, s: &str) {
        self.cells.push((r, c, CellValue::Text(s.to_string())));
    }
    fn number(&mut self, r: u32, c: u32, x: f64) {
        self.cells.push((r, c, CellValue::Number(x)));
    }
    fn sheet(self, name: &str) -> Sheet {
        Sheet::new(name.to_string(), Grid::new(self.cells, self.merges))
    }
}

#[derive(Clone, Copy, Default)]
pub struct Plain {
    pub fancy_labels: bool,
    pub repeat_levels: bool,
    pub yuan_text: bool,
    pub ascii_ops: bool,
    pub funds_sentence: bool,
}

pub fn plain_sheet(projects: &[Project], opt: Plain) -> Sheet {
    plain_sheet_named("Sheet1", projects, opt)
}

/// Tables without a single merge, starting at column C under a preface.
pub fn plain_sheet_named(name: &str, projects: &[Project], opt: Plain) -> Sheet {
    let mut l = Layout::default();
    let mut r = 4;
    let c = 2;
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let money = |d: Option<Decimal>| d.unwrap_or_default();
    for p in projects {
        l.text(r, c, &format!("填报单位（盖章）：{}", s(&p.department)));
        l.text(r + 1, c, &s(&p.title));
        l.text(
            r + 2,
            c + 4,
            if opt.yuan_text {
                "单位：元"
            } else {
                "单位：万元"
            },
        );
        r += 3;
        if opt.fancy_labels {
            l.text(r, c, "一级项目\n名称");
            l.text(r, c + 1, &s(&p.level1_project));
            l.text(r, c + 2, "二级项目名称");
            l.text(r, c + 3, &s(&p.level2_project));
            l.text(r + 1, c, &format!("主管部门：{}", s(&p.department)));
            l.text(r + 1, c + 2, &format!("实 施 单 位：{}", s(&p.implementer)));
        } else {
            l.text(r, c, "一级项目名称");
            l.text(r, c + 1, &s(&p.level1_project));
            l.text(r, c + 2, "二级项目名称");
            l.text(r, c + 3, &s(&p.level2_project));
            l.text(r + 1, c, "主管部门");
            l.text(r + 1, c + 1, &s(&p.department));
            l.text(r + 1, c + 2, "实施单位");
            l.text(r + 1, c + 3, &s(&p.implementer));
        }
        r += 2;
        let f = &p.funds;
        if opt.funds_sentence {
            l.text(r, c, "资金情况（万元）");
            l.text(
                r,
                c + 1,
                &format!(
                    "年度资金总额：{}万元；其中：财政拨款{}万元，非财政拨款{}万元",
                    money(f.total).normalize(),
                    money(f.fiscal).normalize(),
                    money(f.non_fiscal).normalize()
                ),
            );
            r += 1;
        } else {
            l.text(
                r,
                c,
                if opt.fancy_labels {
                    "资 金 情 况"
                } else {
                    "资金情况"
                },
            );
            for (label, d) in [
                ("年度资金总额：", f.total),
                ("其中：财政拨款", f.fiscal),
                ("非财政拨款", f.non_fiscal),
            ] {
                l.text(r, c + 1, label);
                if opt.yuan_text {
                    let yuan = money(d) * Decimal::from(10_000);
                    l.text(r, c + 2, &full_width(&format!("{yuan:.2}")));
                } else {
                    l.number(r, c + 2, money(d).to_f64().unwrap());
                }
                r += 1;
            }
        }
        l.text(
            r,
            c,
            if opt.fancy_labels {
                "年度总体\n目标"
            } else {
                "年度总体目标"
            },
        );
        l.text(r, c + 1, &s(&p.goal));
        r += 1;
        for (i, h) in ["一级指标", "二级指标", "三级指标", "指标值", "说明"]
            .iter()
            .enumerate()
        {
            l.text(r, c + i as u32, h);
        }
        r += 1;
        let (mut last1, mut last2) = (String::new(), String::new());
        for ind in &p.indicators {
            if opt.repeat_levels || ind.level1 != last1 {
                l.text(r, c, &ind.level1);
            }
            if opt.repeat_levels || ind.level1 != last1 || ind.level2 != last2 {
                l.text(r, c + 1, &ind.level2);
            }
            last1.clone_from(&ind.level1);
            last2.clone_from(&ind.level2);
            l.text(r, c + 2, &ind.name);
            let v = &ind.value.text;
            l.text(
                r,
                c + 3,
                &if opt.ascii_ops {
                    v.replace('＝', "=").replace('≤', "<=").replace('≥', ">=")
                } else {
                    v.clone()
                },
            );
            r += 1;
        }
        l.text(r, c, "单位负责人：          财务负责人：          填表人：");
        r += 3;
    }
    l.sheet(name)
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|ch| match ch {
            '0'..='9' => char::from_u32(ch as u32 - '0' as u32 + '０' as u32).unwrap(),
            '.' => '．',
            c => c,
        })
        .collect()
}

/// The budget system's export: `label：value` cells and a grid with split value columns.
pub fn flat_export(projects: &[Project]) -> Sheet {
    let mut l = Layout::default();
    let mut r = 0;
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    for p in projects {
        let f = &p.funds;
        l.text(r, 0, &format!("项目名称：{}", s(&p.level2_project)));
        l.text(r, 3, &format!("项目类别：{}", s(&p.level1_project)));
        l.text(r + 1, 0, &format!("主管部门：{}", s(&p.department)));
        l.text(r + 1, 3, &format!("预算单位：{}", s(&p.implementer)));
        let amount = |d: Option<Decimal>| d.unwrap_or_default().normalize().to_string();
        l.text(
            r + 2,
            0,
            &format!("年度资金总额（万元）：{}", amount(f.total)),
        );
        l.text(r + 2, 3, &format!("财政拨款（万元）：{}", amount(f.fiscal)));
        l.text(
            r + 2,
            6,
            &format!("非财政拨款（万元）：{}", amount(f.non_fiscal)),
        );
        l.text(r + 3, 0, &format!("年度绩效目标：{}", s(&p.goal)));
        r += 5;
        let heads = [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "指标值符号",
            "指标值",
            "计量单位",
            "指标方向",
            "备注",
        ];
        for (i, h) in heads.iter().enumerate() {
            l.text(r, i as u32, h);
        }
        r += 1;
        for ind in &p.indicators {
            let v = &ind.value;
            l.text(r, 0, &ind.level1);
            l.text(r, 1, &ind.level2);
            l.text(r, 2, &ind.name);
            match (v.op, v.number) {
                (Some(op), Some(n)) => {
                    l.text(r, 3, "定量");
                    l.text(r, 4, op.official());
                    l.number(r, 5, n.to_f64().unwrap());
                    l.text(r, 6, v.unit.as_deref().unwrap_or(""));
                    l.text(r, 7, if op.is_positive() { "正向" } else { "反向" });
                }
                _ => {
                    l.text(r, 3, "定性");
                    l.text(r, 5, &v.text);
                    l.text(r, 7, "正向");
                }
            }
            r += 1;
        }
        r += 2;
    }
    l.sheet("导出数据")
}

/// Plain cells and merges as .xlsx.
pub fn xlsx(sheets: &[Sheet]) -> Vec<u8> {
    let mut wb = jixiao::write::new_workbook();
    let f = Format::new()
        .set_font_name("宋体")
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    for sheet in sheets {
        let ws = wb.add_worksheet().set_name(&sheet.name).unwrap();
        ws.set_column_range_width(0, 9, 16).unwrap();
        let g = &sheet.grid;
        for m in g.merges() {
            ws.merge_range(
                m.first_row,
                m.first_col as u16,
                m.last_row,
                m.last_col as u16,
                "",
                &f,
            )
            .unwrap();
        }
        for r in g.row_indices() {
            for (c, v) in g.row(r) {
                match v {
                    CellValue::Number(x) => {
                        ws.write_number_with_format(r, *c as u16, *x, &f).unwrap()
                    }
                    other => ws
                        .write_string_with_format(r, *c as u16, other.text(), &f)
                        .unwrap(),
                };
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// Cells and merges as an OpenDocument spreadsheet.
pub fn ods(sheets: &[Sheet]) -> Vec<u8> {
    let mut xml = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
        r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" "#,
        r#"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">"#,
        "<office:body><office:spreadsheet>"
    ));
    for sheet in sheets {
        let g = &sheet.grid;
        xml.push_str(&format!(
            r#"<table:table table:name="{}">"#,
            escape(&sheet.name)
        ));
        let last_col = g
            .row_indices()
            .flat_map(|r| g.row(r).last().map(|(c, _)| *c))
            .max()
            .unwrap_or(0);
        let last_row = g.last_row().unwrap_or(0);
        for r in 0..=last_row {
            xml.push_str("<table:table-row>");
            for c in 0..=last_col {
                let merge = g.merges().iter().find(|m| m.contains(r, c)).copied();
                if let Some(m) = merge
                    && (m.first_row, m.first_col) != (r, c)
                {
                    xml.push_str("<table:covered-table-cell/>");
                    continue;
                }
                let span = merge.map_or(String::new(), |m| {
                    format!(
                        r#" table:number-columns-spanned="{}" table:number-rows-spanned="{}""#,
                        m.last_col - m.first_col + 1,
                        m.last_row - m.first_row + 1
                    )
                });
                match g.get(r, c) {
                    Some(CellValue::Number(x)) => xml.push_str(&format!(
                        r#"<table:table-cell{span} office:value-type="float" office:value="{x}"><text:p>{x}</text:p></table:table-cell>"#
                    )),
                    Some(v) => {
                        xml.push_str(&format!(r#"<table:table-cell{span} office:value-type="string">"#));
                        for line in v.text().split('\n') {
                            xml.push_str(&format!("<text:p>{}</text:p>", escape(line)));
                        }
                        xml.push_str("</table:table-cell>");
                    }
                    None => xml.push_str(&format!("<table:table-cell{span}/>")),
                }
            }
            xml.push_str("</table:table-row>");
        }
        xml.push_str("</table:table>");
    }
    xml.push_str("</office:spreadsheet></office:body></office:document-content>");
    let manifest = concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">"#,
        r#"<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>"#,
        r#"<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>"#,
        "</manifest:manifest>"
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let fixed = zip::DateTime::from_date_and_time(2024, 1, 1, 0, 0, 0).unwrap();
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(fixed);
    let deflated = zip::write::SimpleFileOptions::default().last_modified_time(fixed);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", deflated).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", deflated).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Cells and merges as a BIFF8 workbook (Excel 97-2003) in an OLE2 container.
pub fn xls(sheets: &[Sheet]) -> Vec<u8> {
    xls_as(sheets, Biff::Eight)
}

/// The flavour of a legacy workbook.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Biff {
    /// Excel 97-2003: UTF-16 text.
    Eight,
    /// Excel 97-2003 with a FILEPASS record: opened only with a password.
    EightWithPassword,
    /// Excel 5.0/95 as Chinese Windows wrote it: 8-bit text in code page 936 (GBK).
    FiveGbk,
    /// Excel 97-2003 as Excel itself writes text: a shared-string table (SST, split
    /// into CONTINUE records) and LABELSST cells naming its strings.
    EightShared,
}

/// Cells and merges as a legacy workbook of the given flavour.
pub fn xls_as(sheets: &[Sheet], flavour: Biff) -> Vec<u8> {
    fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
        out.extend(typ.to_le_bytes());
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
    }
    let five = flavour == Biff::FiveGbk;
    let bof = |kind: u16| {
        let mut d = if five {
            vec![0x00, 0x05]
        } else {
            vec![0x00, 0x06]
        };
        d.extend(kind.to_le_bytes());
        d.extend([0xBB, 0x0D, 0xCC, 0x07, 0, 0, 0, 0, 0x06, 0, 0, 0]);
        d
    };
    // A string with its length: UTF-16 with a flags byte in BIFF8, GBK bytes in BIFF5.
    let string = |s: &str, wide_len: bool| -> Vec<u8> {
        let mut d = Vec::new();
        let (len, bytes) = if five {
            let gbk = encoding_rs::GBK.encode(s).0.into_owned();
            (gbk.len(), gbk)
        } else {
            (
                s.encode_utf16().count(),
                s.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            )
        };
        if wide_len {
            d.extend((len as u16).to_le_bytes());
        } else {
            d.push(len as u8);
        }
        if !five {
            d.push(1);
        }
        d.extend(bytes);
        d
    };
    let shared = flavour == Biff::EightShared;
    let mut sst: Vec<String> = Vec::new();
    // Sheet substreams first, to know their sizes.
    let mut substreams = Vec::new();
    for sheet in sheets {
        let g = &sheet.grid;
        let mut s = Vec::new();
        record(&mut s, 0x0809, &bof(0x0010));
        let last_col = g
            .row_indices()
            .flat_map(|r| g.row(r).last().map(|(c, _)| *c))
            .max()
            .unwrap_or(0);
        let mut dims = Vec::new();
        dims.extend(0u32.to_le_bytes());
        dims.extend((g.last_row().unwrap_or(0) + 1).to_le_bytes());
        dims.extend(0u16.to_le_bytes());
        dims.extend((last_col as u16 + 1).to_le_bytes());
        dims.extend(0u16.to_le_bytes());
        record(&mut s, 0x0200, &dims);
        for r in g.row_indices() {
            for (c, v) in g.row(r) {
                let mut d = Vec::new();
                d.extend((r as u16).to_le_bytes());
                d.extend((*c as u16).to_le_bytes());
                d.extend(0u16.to_le_bytes());
                match v {
                    CellValue::Number(x) => {
                        d.extend(x.to_le_bytes());
                        record(&mut s, 0x0203, &d);
                    }
                    other if shared => {
                        let text = other.text().into_owned();
                        let index = match sst.iter().position(|t| *t == text) {
                            Some(i) => i,
                            None => {
                                sst.push(text);
                                sst.len() - 1
                            }
                        };
                        d.extend((index as u32).to_le_bytes());
                        record(&mut s, 0x00FD, &d);
                    }
                    other => {
                        d.extend(string(&other.text(), true));
                        record(&mut s, 0x0204, &d);
                    }
                }
            }
        }
        for chunk in g.merges().chunks(1000) {
            let mut d = Vec::new();
            d.extend((chunk.len() as u16).to_le_bytes());
            for m in chunk {
                for v in [
                    m.first_row as u16,
                    m.last_row as u16,
                    m.first_col as u16,
                    m.last_col as u16,
                ] {
                    d.extend(v.to_le_bytes());
                }
            }
            record(&mut s, 0x00E5, &d);
        }
        record(&mut s, 0x000A, &[]);
        substreams.push(s);
    }
    let mut head = Vec::new();
    record(&mut head, 0x0809, &bof(0x0005));
    if flavour == Biff::EightWithPassword {
        // FILEPASS: RC4 encryption, the rest of the record as Excel writes it.
        let mut d = vec![0x01, 0x00, 0x01, 0x00, 0x01, 0x00];
        d.extend([0u8; 48]);
        record(&mut head, 0x002F, &d);
    }
    record(
        &mut head,
        0x0042,
        &(if five { 936u16 } else { 1200u16 }).to_le_bytes(),
    );
    let bounds: Vec<Vec<u8>> = sheets.iter().map(|s| string(&s.name, false)).collect();
    // The SST, in records of at most 8,224 bytes: a string's characters run on into a
    // CONTINUE record that starts with the flag byte again.
    let mut sst_records: Vec<u8> = Vec::new();
    if shared {
        const MAX: usize = 8224;
        let mut parts: Vec<Vec<u8>> = vec![Vec::new()];
        let count = (sst.len() as u32).to_le_bytes();
        parts[0].extend(count);
        parts[0].extend(count);
        for text in &sst {
            let units: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            if MAX - parts.last().map_or(0, Vec::len) < 5 {
                parts.push(Vec::new());
            }
            let last = parts.last_mut().expect("a part");
            last.extend((units.len() as u16 / 2).to_le_bytes());
            last.push(1);
            let mut rest = units.as_slice();
            while !rest.is_empty() {
                let room = (MAX - parts.last().map_or(0, Vec::len)) & !1;
                if room == 0 {
                    parts.push(vec![1]);
                    continue;
                }
                let n = room.min(rest.len());
                parts.last_mut().expect("a part").extend(&rest[..n]);
                rest = &rest[n..];
            }
        }
        for (i, part) in parts.iter().enumerate() {
            record(&mut sst_records, if i == 0 { 0x00FC } else { 0x003C }, part);
        }
    }
    let globals_len =
        head.len() + bounds.iter().map(|b| 4 + 6 + b.len()).sum::<usize>() + sst_records.len() + 4;
    let mut wb = head;
    let mut pos = globals_len;
    for (bound, sub) in bounds.iter().zip(&substreams) {
        let mut d = Vec::new();
        d.extend((pos as u32).to_le_bytes());
        d.extend([0, 0]);
        d.extend(bound);
        record(&mut wb, 0x0085, &d);
        pos += sub.len();
    }
    wb.extend(&sst_records);
    record(&mut wb, 0x000A, &[]);
    assert_eq!(wb.len(), globals_len);
    for sub in substreams {
        wb.extend(sub);
    }
    let mut cf =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    cf.create_stream(if five { "Book" } else { "Workbook" })
        .unwrap()
        .write_all(&wb)
        .unwrap();
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}
