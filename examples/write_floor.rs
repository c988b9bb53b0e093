//! The write floor: write the same cells and merged regions as jixiao's workbooks with
//! bare rust_xlsxwriter (no formats, no layout logic). jixiao's `split` and `merge`
//! are measured against this.
//!
//! `write_floor dump DIR DUMP.json` records the cells of every workbook under DIR
//! (once, untimed); `write_floor write DUMP.json OUTDIR` writes them (timed).

use std::path::{Path, PathBuf};

use jixiao::read::CellValue;
use rayon::prelude::*;
use rust_xlsxwriter::{Format, Workbook};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Book {
    name: String,
    sheets: Vec<SheetDump>,
}

#[derive(Serialize, Deserialize)]
struct SheetDump {
    name: String,
    text: Vec<(u32, u16, String)>,
    numbers: Vec<(u32, u16, f64)>,
    merges: Vec<(u32, u16, u32, u16)>,
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn dump(dir: &Path, out: &Path) {
    let books: Vec<Book> = files(dir)
        .iter()
        .map(|path| {
            let sheets = jixiao::read::read_path(path, &jixiao::Limits::default()).unwrap();
            Book {
                name: path.file_name().unwrap().to_string_lossy().into_owned(),
                sheets: sheets
                    .iter()
                    .map(|s| {
                        let g = &s.grid;
                        let mut d = SheetDump {
                            name: s.name.clone(),
                            text: vec![],
                            numbers: vec![],
                            merges: vec![],
                        };
                        for r in g.row_indices() {
                            for (c, v) in g.row(r) {
                                match v {
                                    CellValue::Number(x) => d.numbers.push((r, *c as u16, *x)),
                                    other => d.text.push((r, *c as u16, other.text().into_owned())),
                                }
                            }
                        }
                        d.merges = g
                            .merges()
                            .iter()
                            .map(|m| {
                                (
                                    m.first_row,
                                    m.first_col as u16,
                                    m.last_row,
                                    m.last_col as u16,
                                )
                            })
                            .collect();
                        d
                    })
                    .collect(),
            }
        })
        .collect();
    std::fs::write(out, serde_json::to_vec(&books).unwrap()).unwrap();
}

fn write(dump: &Path, out: &Path) {
    let books: Vec<Book> = serde_json::from_slice(&std::fs::read(dump).unwrap()).unwrap();
    std::fs::create_dir_all(out).unwrap();
    books.par_iter().for_each(|book| {
        let mut wb = Workbook::new();
        let plain = Format::new();
        for s in &book.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(&s.name).unwrap();
            for &(r0, c0, r1, c1) in &s.merges {
                ws.merge_range(r0, c0, r1, c1, "", &plain).unwrap();
            }
            for (r, c, t) in &s.text {
                ws.write_string(*r, *c, t).unwrap();
            }
            for (r, c, x) in &s.numbers {
                ws.write_number(*r, *c, *x).unwrap();
            }
        }
        wb.save(out.join(&book.name)).unwrap();
    });
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("dump") => dump(Path::new(&args[1]), Path::new(&args[2])),
        Some("write") => write(Path::new(&args[1]), Path::new(&args[2])),
        _ => eprintln!("usage: write_floor dump DIR DUMP.json | write DUMP.json OUTDIR"),
    }
}
