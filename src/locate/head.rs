//! The indicator grid's header row: which row heads a grid, the columns it names,
//! where tables stand side by side, and where a grid ends.

use indexmap::IndexMap;

use super::labels::{Class, Column, Field};
use super::{Classes, Columns};
use crate::read::Grid;
use crate::text::clean;

/// The header row of an indicator grid and the columns it names.
#[derive(Debug)]
pub(super) struct GridHead {
    pub(super) row: u32,
    /// The first data row: below any header cell merged over several rows.
    pub(super) first_data_row: u32,
    pub(super) columns: IndexMap<Column, u32, rustc_hash::FxBuildHasher>,
    /// Project fields named in the header row itself: a list, one row per indicator.
    pub(super) fields: Vec<(u32, Class)>,
    /// Other header cells, kept as the indicators' `extra` columns.
    pub(super) extra: Vec<(u32, String)>,
    /// The columns the table keeps to (several tables may stand side by side).
    pub(super) cols: (u32, u32),
}

/// Every grid header row of a sheet, one per table (tables side by side share a row).
pub(super) fn grid_headers(grid: &Grid, cells: &Columns, classes: &Classes) -> Vec<GridHead> {
    let mut heads = Vec::new();
    let mut previous: &[(u32, u32, Column)] = &[];
    for row in cells.chunk_by(|a, b| a.0 == b.0) {
        // A two-row header (实际完成值, 分值, 得分 merged down beside 一级/二级/三级指标
        // under 年度指标值): the cells of the row above that reach down are this row's too.
        let r = row[0].0;
        let mut joined: Vec<(u32, u32, Column)> = row.to_vec();
        for &(pr, c, col) in previous {
            let reaches = grid
                .merge_at(pr, c)
                .is_some_and(|m| m.last_row >= r && m.first_row < r);
            if reaches && !row.iter().any(|&(_, rc, _)| rc == c) {
                joined.push((r, c, col));
            }
        }
        joined.sort_by_key(|&(_, c, _)| c);
        previous = row;
        let row = joined.as_slice();
        // A second 三级指标 column in one header row starts a table beside the first.
        let names: Vec<u32> = row
            .iter()
            .filter(|(_, _, col)| *col == Column::Name)
            .map(|(_, c, _)| *c)
            .collect();
        let mut bands = Vec::new();
        let mut start = 0;
        for (k, _) in names.iter().enumerate().skip(1) {
            // The right table begins at the 一级/二级 columns before its 三级指标; the
            // boundary lies in the gap between it and the last cell on the left.
            let first_right = row
                .iter()
                .filter(|(_, c, col)| {
                    (names[k - 1] + 1..names[k]).contains(c)
                        && matches!(col, Column::Level1 | Column::Level2)
                })
                .map(|(_, c, _)| *c)
                .min()
                .unwrap_or(names[k]);
            let left_last = row
                .iter()
                .filter(|(_, c, _)| *c < first_right)
                .map(|(_, c, _)| *c)
                .max()
                .unwrap_or(names[k - 1]);
            let boundary = left_last + 1 + first_right.saturating_sub(left_last + 1) / 2;
            bands.push((start, boundary - 1));
            start = boundary;
        }
        bands.push((start, u32::MAX));
        for cols in bands {
            let part: Vec<_> = row
                .iter()
                .copied()
                .filter(|(_, c, _)| (cols.0..=cols.1).contains(c))
                .collect();
            if let Some(head) = grid_head(grid, &part, classes, cols) {
                heads.push(head);
            }
        }
    }
    heads
}

/// The header row `row` (its grid header cells within `cols`), if it is one.
fn grid_head(grid: &Grid, row: &Columns, classes: &Classes, cols: (u32, u32)) -> Option<GridHead> {
    let r = row.first()?.0;
    let mut columns: IndexMap<Column, u32, rustc_hash::FxBuildHasher> = IndexMap::default();
    let mut bottom = r;
    for &(_, c, col) in row {
        columns.entry(col).or_insert(c);
        if let Some(m) = grid.merge_at(r, c) {
            bottom = bottom.max(m.last_row);
        }
    }
    if !(columns.contains_key(&Column::Name) && columns.contains_key(&Column::Value)) {
        return None;
    }
    let mut fields = Vec::new();
    let mut extra = Vec::new();
    for (c, v) in grid.row(r) {
        // A column whose role an earlier one took (改进措施 after 偏差原因, 全年预计完成情况
        // after 1-6月实际完成值) is kept as an extra column: nothing is dropped.
        let taken = row
            .iter()
            .any(|&(_, cc, col)| cc == *c && columns.get(&col) == Some(c));
        if !(cols.0..=cols.1).contains(c) || taken {
            continue;
        }
        match classes.get(&(r, *c)) {
            Some(class @ (Class::Field { .. } | Class::Funds { .. })) => {
                fields.push((*c, class.clone()));
            }
            _ => {
                // A vertical label (绩效指标) merged down the grid is no column.
                let vertical = grid.merge_at(r, *c).is_some_and(|m| m.last_row > bottom);
                let text = clean(&v.text()).to_string();
                if !vertical && !text.is_empty() {
                    extra.push((*c, text));
                }
            }
        }
    }
    // A list needs the project's own name among its columns.
    let is_list = fields.iter().any(|(_, class)| {
        matches!(
            class,
            Class::Field {
                field: Field::Level2Project,
                ..
            }
        )
    });
    if !is_list {
        fields.clear();
    }
    Some(GridHead {
        row: r,
        first_data_row: bottom + 1,
        columns,
        fields,
        extra,
        cols,
    })
}

/// The last row of a grid: before the next title, footer or grid, or a header label
/// standing left of the indicators' names (where the next table's block begins).
pub(super) fn grid_end(
    grid: &Grid,
    classes: &Classes,
    head: &GridHead,
    next_head: Option<u32>,
) -> u32 {
    let limit = next_head.map_or(u32::MAX, |r| r - 1);
    let name_col = head.columns.get(&Column::Name).copied().unwrap_or(0);
    let mut end = head.row;
    for (r, cells) in grid.rows_between(head.first_data_row, limit) {
        let in_band = |c: &u32| (head.cols.0..=head.cols.1).contains(c);
        let stops =
            cells
                .iter()
                .filter(|(c, _)| in_band(c))
                .any(|(c, _)| match classes.get(&(r, *c)) {
                    Some(
                        Class::Title
                        | Class::Footer
                        | Class::Attachment
                        | Class::UnitLine(_)
                        | Class::Total,
                    ) => true,
                    Some(_) => *c < name_col && head.fields.is_empty(),
                    None => false,
                });
        if stops {
            break;
        }
        if cells.iter().any(|(c, _)| in_band(c)) {
            end = r;
        }
    }
    end.max(head.first_data_row.saturating_sub(1))
        .min(limit.max(head.row))
}
