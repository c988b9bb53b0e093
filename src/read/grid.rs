//! A sheet as the locator sees it: sparse cells at absolute positions, and merged regions.
//!
//! Cells are kept sparse (a row list, each row its occupied columns) so a sheet with one
//! cell at A1 and one far away costs two cells, not the grid between them.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

use crate::value::decimal_from_f64;

/// What a cell holds, reduced to what tables need.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// Text as stored, a number typed as text (`24.02`) included.
    Text(String),
    /// A number, as the workbook stores it.
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// An error value such as `#REF!`.
    Error(String),
}

impl CellValue {
    /// The text a user sees: numbers as Excel shows them (15 significant digits).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            CellValue::Text(s) | CellValue::Error(s) => Cow::Borrowed(s),
            CellValue::Number(x) => Cow::Owned(
                decimal_from_f64(*x)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            CellValue::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        }
    }

    fn is_blank(&self) -> bool {
        matches!(self, CellValue::Text(s) if crate::text::clean(s).is_empty())
    }
}

/// A merged region, inclusive on both ends, zero-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// The top row.
    pub first_row: u32,
    /// The leftmost column.
    pub first_col: u32,
    /// The bottom row.
    pub last_row: u32,
    /// The rightmost column.
    pub last_col: u32,
}

impl Rect {
    /// True when the cell at (`row`, `col`) lies inside the region.
    pub fn contains(&self, row: u32, col: u32) -> bool {
        (self.first_row..=self.last_row).contains(&row)
            && (self.first_col..=self.last_col).contains(&col)
    }
}

#[derive(Debug, Clone, Default)]
struct Row {
    index: u32,
    cells: Vec<(u32, CellValue)>,
}

/// The occupied cells of one sheet and its merged regions.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    rows: Vec<Row>,
    merges: Vec<Rect>,
    /// Every covered position inside the data's extent → its merge.
    covering: HashMap<(u32, u32), usize>,
}

/// Merged positions indexed at most; a hostile sheet cannot make the index huge.
const MAX_INDEXED_MERGE_CELLS: usize = 2_000_000;

impl Grid {
    /// Builds a grid from cells in any order and merged regions. Blank text cells are
    /// dropped; a later cell at the same position replaces an earlier one.
    pub fn new(mut cells: Vec<(u32, u32, CellValue)>, merges: Vec<Rect>) -> Grid {
        cells.retain(|(_, _, v)| !v.is_blank());
        cells.sort_by_key(|(r, c, _)| (*r, *c));
        cells.dedup_by(|later, earlier| {
            let same = (later.0, later.1) == (earlier.0, earlier.1);
            if same {
                std::mem::swap(&mut earlier.2, &mut later.2);
            }
            same
        });
        let mut rows: Vec<Row> = Vec::new();
        for (r, c, v) in cells {
            match rows.last_mut() {
                Some(row) if row.index == r => row.cells.push((c, v)),
                _ => rows.push(Row {
                    index: r,
                    cells: vec![(c, v)],
                }),
            }
        }
        let mut grid = Grid {
            rows,
            merges: Vec::new(),
            covering: HashMap::default(),
        };
        grid.set_merges(merges);
        grid
    }

    fn set_merges(&mut self, mut merges: Vec<Rect>) {
        merges.retain(|m| m.first_row <= m.last_row && m.first_col <= m.last_col);
        merges.sort_by_key(|m| (m.first_row, m.first_col));
        let (Some(first), Some(last)) = (self.rows.first(), self.rows.last()) else {
            self.merges = merges;
            return;
        };
        let (top, bottom) = (first.index, last.index);
        let right = self
            .rows
            .iter()
            .filter_map(|r| r.cells.last())
            .map(|(c, _)| *c)
            .max()
            .unwrap_or(0);
        let mut indexed = 0usize;
        for (i, m) in merges.iter().enumerate() {
            // Only the part of a merge that overlaps the data can matter.
            let (r0, r1) = (m.first_row.max(top), m.last_row.min(bottom));
            let (c0, c1) = (m.first_col, m.last_col.min(right));
            if r0 > r1 || c0 > c1 {
                continue;
            }
            let area = (r1 - r0 + 1) as usize * (c1 - c0 + 1) as usize;
            if indexed + area > MAX_INDEXED_MERGE_CELLS {
                continue;
            }
            indexed += area;
            for r in r0..=r1 {
                for c in c0..=c1 {
                    self.covering.insert((r, c), i);
                }
            }
        }
        self.merges = merges;
    }

    /// The value stored at a position, if any.
    pub fn get(&self, row: u32, col: u32) -> Option<&CellValue> {
        let r = self.rows.binary_search_by_key(&row, |r| r.index).ok()?;
        let cells = &self.rows[r].cells;
        let c = cells.binary_search_by_key(&col, |(c, _)| *c).ok()?;
        Some(&cells[c].1)
    }

    /// The merged region covering a position, if any.
    pub fn merge_at(&self, row: u32, col: u32) -> Option<Rect> {
        self.covering.get(&(row, col)).map(|&i| self.merges[i])
    }

    /// The value shown at a position: a covered cell shows its merge's top-left value.
    /// Returns the value and the position it is stored at.
    pub fn shown(&self, row: u32, col: u32) -> Option<(&CellValue, (u32, u32))> {
        if let Some(v) = self.get(row, col) {
            return Some((v, (row, col)));
        }
        let m = self.merge_at(row, col)?;
        self.get(m.first_row, m.first_col)
            .map(|v| (v, (m.first_row, m.first_col)))
    }

    /// The occupied cells of one row, left to right.
    pub fn row(&self, row: u32) -> &[(u32, CellValue)] {
        match self.rows.binary_search_by_key(&row, |r| r.index) {
            Ok(i) => &self.rows[i].cells,
            Err(_) => &[],
        }
    }

    /// The indices of occupied rows, top to bottom.
    pub fn row_indices(&self) -> impl Iterator<Item = u32> + '_ {
        self.rows.iter().map(|r| r.index)
    }

    /// Occupied rows in `from..=to`, top to bottom.
    pub fn rows_between(
        &self,
        from: u32,
        to: u32,
    ) -> impl Iterator<Item = (u32, &[(u32, CellValue)])> + '_ {
        let start = self.rows.partition_point(|r| r.index < from);
        self.rows[start..]
            .iter()
            .take_while(move |r| r.index <= to)
            .map(|r| (r.index, r.cells.as_slice()))
    }

    /// The last occupied row.
    pub fn last_row(&self) -> Option<u32> {
        self.rows.last().map(|r| r.index)
    }

    /// The sheet's merged regions, as the workbook lists them.
    pub fn merges(&self) -> &[Rect] {
        &self.merges
    }

    /// True when no cell of the sheet holds anything.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The grid without the cells past column `max` (zero-based), and how many went.
    pub fn without_columns_past(self, max: u32) -> (Grid, u64) {
        let dropped: usize = self
            .rows
            .iter()
            .map(|r| r.cells.iter().filter(|(c, _)| *c > max).count())
            .sum();
        if dropped == 0 {
            return (self, 0);
        }
        let cells = self
            .rows
            .into_iter()
            .flat_map(|r| {
                r.cells
                    .into_iter()
                    .filter(|(c, _)| *c <= max)
                    .map(move |(c, v)| (r.index, c, v))
            })
            .collect();
        (Grid::new(cells, self.merges), dropped as u64)
    }

    /// How many cells are occupied.
    pub fn cell_count(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> CellValue {
        CellValue::Text(s.to_string())
    }

    #[test]
    fn sparse_lookup_and_merges() {
        let g = Grid::new(
            vec![
                (5, 1, t("b")),
                (0, 0, t("a")),
                (5, 0, t(" ")),
                (1_000_000, 16_000, t("far")),
            ],
            vec![Rect {
                first_row: 0,
                first_col: 0,
                last_row: 2,
                last_col: 1,
            }],
        );
        assert_eq!(g.get(0, 0), Some(&t("a")));
        assert_eq!(g.get(5, 0), None, "blank text is no cell");
        assert_eq!(
            g.shown(2, 1).map(|(v, p)| (v.clone(), p)),
            Some((t("a"), (0, 0)))
        );
        assert_eq!(g.shown(3, 1), None);
        assert_eq!(g.cell_count(), 3);
        assert_eq!(g.last_row(), Some(1_000_000));
    }
}
