//! The read floor: open every workbook under the given paths with calamine and read
//! every cell and merged region, doing nothing with them. jixiao's `extract` is
//! measured against this.
//!
//! `cargo run --release --example calamine_floor -- DIR...`

use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};
use rayon::prelude::*;

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else {
        out.push(path.to_path_buf());
    }
}

/// Cells and merged regions read from one workbook.
fn read(path: &Path) -> (usize, usize) {
    let bytes = std::fs::read(path).unwrap();
    let Ok(mut wb) = open_workbook_auto_from_rs(Cursor::new(bytes)) else {
        return (0, 0);
    };
    let mut cells = 0;
    let mut merges = 0;
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        cells += range
            .used_cells()
            .filter(|(_, _, v)| !matches!(v, Data::Empty))
            .count();
        merges += match &mut wb {
            Sheets::Xlsx(x) => x
                .merge_cells_by_sheet_name(&name)
                .map(|m| m.len())
                .unwrap_or(0),
            Sheets::Xls(x) => x
                .merge_cells_by_sheet_name(&name)
                .map(|m| m.len())
                .unwrap_or(0),
            _ => 0,
        };
    }
    (cells, merges)
}

fn main() {
    let mut all = Vec::new();
    for arg in std::env::args().skip(1) {
        files(Path::new(&arg), &mut all);
    }
    let (cells, merges) = all
        .par_iter()
        .map(|p| read(p))
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "{} files, {cells} cells, {merges} merged regions",
        all.len()
    );
}
