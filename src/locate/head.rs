//! The indicator grid's header row: which row heads a grid, the columns it names,
//! where tables stand side by side, and where a grid ends.

use indexmap::IndexMap;

use super::labels::{Class, Column, Field};
use super::{Classes, Columns};
use crate::framework::FRAMEWORK;
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
    /// Columns holding the 指标值 once per place (区域目标值 over 新罗区 | 永定区 …, or
    /// 西坪镇尧山村 | 桃舟乡吾培村 … where no 指标值 column is), with their headers.
    pub(super) regions: Vec<(u32, String)>,
    /// The 一级指标 header cell's column, where the columns are headed one level above
    /// what they hold (数量指标 … under 一级指标, the indicators under 二级指标) and
    /// were read by their content.
    pub(super) shifted: Option<u32>,
    /// Laid across: the labels down column `cols.0`, one indicator per column to their
    /// right; `columns` then gives each label's row.
    pub(super) across: bool,
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
        let level1_in = |from: u32, to: u32| {
            row.iter()
                .any(|(_, c, col)| *col == Column::Level1 && (from..to).contains(c))
        };
        let shared_level1 = names.first().is_some_and(|&n| level1_in(0, n));
        let mut bands = Vec::new();
        let mut start = 0;
        for (k, _) in names.iter().enumerate().skip(1) {
            // 二级 | 三级 | 指标值 again with no 一级 of its own: a second block of the
            // same table (中期 beside 年度) under the one 一级 column, not a new table.
            if shared_level1 && !level1_in(names[k - 1] + 1, names[k]) {
                continue;
            }
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
            let part = annual_block(grid, classes, part);
            if let Some(head) = grid_head(grid, &part, classes, cols) {
                heads.push(head);
            }
        }
    }
    let across = across_heads(cells);
    if !across.is_empty() {
        heads.extend(across);
        heads.sort_by_key(|h| (h.row, h.cols.0));
    }
    heads
}

/// A header row's cells, split into the columns the grid is read from and the
/// columns kept aside: where one 一级 column heads two blocks of 二级 | 三级 | 指标值
/// (a 中期 block beside a 年度 one), the grid is the block under the annual heading
/// above it (年度目标 over it, 中期滚动目标 over the other), else the first; the other
/// block's cells are kept as extra columns.
struct Blocks {
    read: Columns,
    aside: Columns,
    /// The heading over each block kept aside, by its first and last column.
    headings: Vec<(u32, u32, String)>,
}

fn annual_block(grid: &Grid, classes: &Classes, row: Columns) -> Blocks {
    let names: Vec<u32> = row
        .iter()
        .filter(|(_, _, col)| *col == Column::Name)
        .map(|(_, c, _)| *c)
        .collect();
    if names.len() < 2 {
        return Blocks {
            read: row,
            aside: Vec::new(),
            headings: Vec::new(),
        };
    }
    // Each block starts at its 二级 column (or its 三级, without one) after the
    // previous block's 三级.
    let starts: Vec<u32> = names
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            let after = if k == 0 { 0 } else { names[k - 1] + 1 };
            row.iter()
                .filter(|(_, c, col)| (after..n).contains(c) && *col == Column::Level2)
                .map(|(_, c, _)| *c)
                .min()
                .unwrap_or(n)
        })
        .collect();
    let r = row[0].0;
    let headings: Vec<Option<(bool, String)>> = names
        .iter()
        .map(|&n| period_heading(grid, classes, r, n))
        .collect();
    let pick = headings
        .iter()
        .position(|h| h.as_ref().is_some_and(|(period, _)| !period))
        .or_else(|| headings.iter().position(Option::is_none))
        .unwrap_or(0);
    let block_of = |c: u32| starts.iter().rposition(|&s| s <= c);
    let (read, aside) = row.into_iter().partition(|&(_, c, col)| {
        col == Column::Level1 || block_of(c).is_none_or(|b| b == pick) || c < starts[0]
    });
    let headings = headings
        .into_iter()
        .enumerate()
        .filter(|(k, _)| *k != pick)
        .filter_map(|(k, h)| {
            let end = starts.get(k + 1).map_or(u32::MAX, |s| s - 1);
            h.map(|(_, text)| (starts[k], end, text))
        })
        .collect();
    Blocks {
        read,
        aside,
        headings,
    }
}

/// The goal heading above column `c` of header row `r`, and whether it names the
/// period (中期/长期/实施期 目标: true) or the year (年度目标: false).
fn period_heading(grid: &Grid, classes: &Classes, r: u32, c: u32) -> Option<(bool, String)> {
    (r.saturating_sub(6)..r).rev().find_map(|above| {
        let (v, at) = grid.shown(above, c)?;
        let period = match classes.get(&at)? {
            Class::Field {
                field: Field::GoalPeriod,
                ..
            } => true,
            Class::Field {
                field: Field::Goal, ..
            } => false,
            _ => return None,
        };
        Some((period, clean(&v.text()).to_string()))
    })
}

/// The header row `row` (its grid header cells within `cols`), if it is one.
fn grid_head(grid: &Grid, row: &Blocks, classes: &Classes, cols: (u32, u32)) -> Option<GridHead> {
    let Blocks {
        read,
        aside,
        headings,
    } = row;
    let r = read.first()?.0;
    let mut columns: IndexMap<Column, u32, rustc_hash::FxBuildHasher> = IndexMap::default();
    let mut bottom = r;
    for &(_, c, col) in read.iter().chain(aside) {
        if read.iter().any(|&(_, rc, _)| rc == c) {
            columns.entry(col).or_insert(c);
        }
        if let Some(m) = grid.merge_at(r, c) {
            bottom = bottom.max(m.last_row);
        }
    }
    // 一级指标 | 二级指标 | … | 指标值 with no 三级 column, and the 二级 names under
    // 一级指标: each column holds the level below its header's.
    let mut shifted = None;
    if !columns.contains_key(&Column::Name) {
        let (Some(&l1), Some(&l2), true) = (
            columns.get(&Column::Level1),
            columns.get(&Column::Level2),
            columns.contains_key(&Column::Value),
        ) else {
            return None;
        };
        if !holds_level2_names(grid, r, l1, l2) {
            return None;
        }
        columns.shift_remove(&Column::Level1);
        columns.insert(Column::Level2, l1);
        columns.insert(Column::Name, l2);
        shifted = Some(l1);
    }
    // 区域目标值 merged across columns with the places under it: one value per place.
    let mut regions = Vec::new();
    if let Some(&vc) = columns.get(&Column::Value)
        && let Some(m) = grid.merge_at(r, vc).filter(|m| m.last_col > vc)
    {
        let below = m.last_row + 1;
        regions = grid
            .row(below)
            .iter()
            .filter(|(c, _)| (vc..=m.last_col).contains(c))
            .map(|(c, v)| (*c, clean(&v.text()).to_string()))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        if regions.len() < 2 {
            regions.clear();
        } else {
            bottom = bottom.max(below);
        }
    }
    let mut fields = Vec::new();
    let mut extra = Vec::new();
    for (c, v) in grid.row(r) {
        // A column whose role an earlier one took (改进措施 after 偏差原因, 全年预计完成情况
        // after 1-6月实际完成值) is kept as an extra column: nothing is dropped.
        let taken = columns.values().any(|v| v == c);
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
                let mut text = clean(&v.text()).to_string();
                // A block kept aside names its heading: 指标值（中期目标）.
                if let Some((.., heading)) = headings.iter().find(|(a, b, _)| (a..=b).contains(&c))
                {
                    text = format!("{text}（{heading}）");
                }
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
    // No 指标值 column, but columns headed by places right of the named ones: each
    // holds the place's value.
    if !columns.contains_key(&Column::Value) {
        let last_named = columns.values().copied().max().unwrap_or(0);
        let places: Vec<(u32, String)> = extra
            .iter()
            .filter(|(c, _)| *c > last_named)
            .cloned()
            .collect();
        if places.len() < 2 || !places.iter().all(|(_, t)| names_a_place(t)) {
            return None;
        }
        extra.retain(|(c, _)| *c <= last_named);
        regions = places;
    }
    Some(GridHead {
        row: r,
        first_data_row: bottom + 1,
        columns,
        fields,
        extra,
        cols,
        regions,
        shifted,
        across: false,
    })
}

/// Grids laid across the sheet: 一级指标, 二级指标, 三级指标, 指标值 … on consecutive
/// rows down one column, alone in their rows, and each indicator a column to their
/// right (德化's 专项资金 tables).
fn across_heads(cells: &Columns) -> Vec<GridHead> {
    let mut by_col: std::collections::BTreeMap<u32, Vec<(u32, Column)>> = Default::default();
    for &(r, c, col) in cells {
        by_col.entry(c).or_default().push((r, col));
    }
    let alone = |r: u32, c: u32| {
        let at = cells.partition_point(|&(cr, _, _)| cr < r);
        cells[at..]
            .iter()
            .take_while(|&&(cr, _, _)| cr == r)
            .all(|&(_, cc, _)| cc == c)
    };
    let mut heads = Vec::new();
    for (c, list) in by_col {
        for run in list.chunk_by(|a, b| b.0 == a.0 + 1) {
            let has = |col: Column| run.iter().any(|&(_, rc)| rc == col);
            if run.len() < 3
                || !(has(Column::Name) && has(Column::Value))
                || !(has(Column::Level1) || has(Column::Level2))
                || !run.iter().all(|&(r, _)| alone(r, c))
            {
                continue;
            }
            let mut columns: IndexMap<Column, u32, rustc_hash::FxBuildHasher> = IndexMap::default();
            for &(r, col) in run {
                columns.entry(col).or_insert(r);
            }
            let last = run[run.len() - 1].0;
            heads.push(GridHead {
                row: run[0].0,
                first_data_row: last + 1,
                columns,
                fields: Vec::new(),
                extra: Vec::new(),
                cols: (c, u32::MAX),
                regions: Vec::new(),
                shifted: None,
                across: true,
            });
        }
    }
    heads
}

/// True when the cells under column `l1` (below header row `r`) name the framework's
/// 二级 (数量指标, 质量指标 …) and never its 一级, and those under `l2` name neither:
/// columns headed one level above what they hold.
fn holds_level2_names(grid: &Grid, r: u32, l1: u32, l2: u32) -> bool {
    const LOOK: u32 = 40;
    let level = |c: u32, row: u32| -> (bool, bool) {
        let Some((v, at)) = grid.shown(row, c) else {
            return (false, false);
        };
        if at.0 != row {
            return (false, false);
        }
        let t: String = v.text().chars().filter(|c| !c.is_whitespace()).collect();
        let one = FRAMEWORK.iter().any(|(one, _)| *one == t);
        let two = FRAMEWORK.iter().any(|(_, twos)| twos.contains(&t.as_str()));
        (one, two)
    };
    let (mut twos, mut ones) = (0, 0);
    for row in r + 1..=r + LOOK {
        let (one, two) = level(l1, row);
        // 成本指标 is a 一级 of the newer framework and a 二级 of the older: it says
        // nothing here.
        if one && !two {
            ones += 1;
        } else if two && !one {
            twos += 1;
        }
        let (one, two) = level(l2, row);
        if one || two {
            return false;
        }
    }
    twos > 0 && ones == 0
}

/// A header that names a place: 西坪镇尧山村, 笏石街道办, 新罗区, 漳平市 …
fn names_a_place(text: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "省",
        "市",
        "州",
        "盟",
        "县",
        "区",
        "旗",
        "镇",
        "乡",
        "村",
        "街道",
        "街道办",
        "社区",
        "办事处",
    ];
    let t = text.trim();
    t.chars().count() <= 12 && ENDINGS.iter().any(|e| t.ends_with(e))
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
