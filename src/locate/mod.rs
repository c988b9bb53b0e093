//! Grid → tables: find the labels, the header block and the indicator grid of every
//! table on a sheet, wherever it starts, merged or not, one or several per sheet.
//!
//! A table is anchored by its indicator grid's header row (三级指标 … 指标值). Its
//! header block is whatever labels stand between the previous table's end and that
//! row; its indicators run down to the next label, title, footer or grid.

mod labels;

use rustc_hash::FxHashMap as HashMap;

use indexmap::IndexMap;
use rust_decimal::Decimal;

use crate::model::{Diagnostic, Funds, Indicator, IndicatorCells, Project, Severity, Source};
use crate::read::{CellValue, Grid, Sheet};
use crate::text::{a1, a1_range, clean};
use crate::value::{Value, decimal_from_f64, money};

pub use labels::{Class, Column, Field, Fund, Unit};

/// Every table found on one sheet, and the findings made on the way.
pub fn locate(file: &str, sheet: &Sheet) -> (Vec<Project>, Vec<Diagnostic>) {
    let grid = &sheet.grid;
    let (classes, columns) = classify_cells(grid);
    let heads = grid_headers(grid, &columns);
    let mut projects = Vec::new();
    let mut diagnostics = Vec::new();
    let mut band_top = grid.row_indices().next().unwrap_or(0);
    for (i, head) in heads.iter().enumerate() {
        let next_head = heads.get(i + 1).map(|h| h.row);
        let end = grid_end(grid, &classes, head, next_head);
        let source = Source {
            file: file.to_string(),
            sheet: sheet.name.clone(),
            range: String::new(),
        };
        let mut table = TableBuilder {
            grid,
            classes: &classes,
            source,
            diagnostics: &mut diagnostics,
        };
        let project = table.build(band_top, head, end);
        projects.push(project);
        band_top = end + 1;
    }
    (projects, diagnostics)
}

/// The header row of an indicator grid and the columns it names.
#[derive(Debug)]
struct GridHead {
    row: u32,
    /// The first data row: below any header cell merged over several rows.
    first_data_row: u32,
    columns: IndexMap<Column, u32>,
}

type Columns = Vec<(u32, u32, Column)>;

/// The labels of a sheet, and the grid header cells in row order.
fn classify_cells(grid: &Grid) -> (HashMap<(u32, u32), Class>, Columns) {
    let mut classes = HashMap::default();
    let mut columns = Vec::new();
    for r in grid.row_indices() {
        for (c, v) in grid.row(r) {
            if let CellValue::Text(s) = v {
                let (class, column) = labels::analyze(s);
                if let Some(class) = class {
                    classes.insert((r, *c), class);
                }
                if let Some(column) = column {
                    columns.push((r, *c, column));
                }
            }
        }
    }
    (classes, columns)
}

fn grid_headers(grid: &Grid, cells: &Columns) -> Vec<GridHead> {
    let mut heads = Vec::new();
    for row in cells.chunk_by(|a, b| a.0 == b.0) {
        let r = row[0].0;
        let mut columns = IndexMap::new();
        let mut bottom = r;
        for &(_, c, col) in row {
            columns.entry(col).or_insert(c);
            if let Some(m) = grid.merge_at(r, c) {
                bottom = bottom.max(m.last_row);
            }
        }
        if columns.contains_key(&Column::Name) && columns.contains_key(&Column::Value) {
            heads.push(GridHead {
                row: r,
                first_data_row: bottom + 1,
                columns,
            });
        }
    }
    heads
}

/// The last row of a grid: before the next label, title, footer or grid.
fn grid_end(
    grid: &Grid,
    classes: &HashMap<(u32, u32), Class>,
    head: &GridHead,
    next_head: Option<u32>,
) -> u32 {
    let limit = next_head.map_or(u32::MAX, |r| r - 1);
    let mut end = head.row;
    for (r, cells) in grid.rows_between(head.first_data_row, limit) {
        if cells.iter().any(|(c, _)| classes.contains_key(&(r, *c))) {
            break;
        }
        end = r;
    }
    end.max(head.first_data_row.saturating_sub(1))
        .min(limit.max(head.row))
}

struct TableBuilder<'a> {
    grid: &'a Grid,
    classes: &'a HashMap<(u32, u32), Class>,
    source: Source,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl TableBuilder<'_> {
    fn build(&mut self, band_top: u32, head: &GridHead, end: u32) -> Project {
        let mut project = Project {
            unit: "万元".into(),
            ..Project::default()
        };
        let mut unit = None;
        let mut funds: Vec<(Fund, Amount, (u32, u32))> = Vec::new();
        let mut top = head.row;

        for (r, cells) in self.grid.rows_between(band_top, head.row.saturating_sub(1)) {
            if head.row == 0 {
                break;
            }
            for (c, v) in cells {
                let Some(class) = self.classes.get(&(r, *c)) else {
                    continue;
                };
                top = top.min(r);
                match class {
                    Class::Title => {
                        if project.title.is_none() {
                            let t = clean(&v.text()).to_string();
                            project.year = labels::year_in(&t);
                            project.title = Some(t);
                            project.cells.insert("title".into(), a1(r, *c));
                        }
                    }
                    Class::UnitLine(u) => unit = unit.or(Some(*u)),
                    Class::FundsBlock { unit: u } => unit = unit.or(*u),
                    Class::Field { field, inline } => {
                        if project.cells.contains_key(field.key()) {
                            continue;
                        }
                        let found = match inline {
                            Some(text) => Some((text.clone(), (r, *c))),
                            None => self
                                .value_beside(r, *c, false)
                                .map(|(v, at)| (clean(&v.text()).to_string(), at)),
                        };
                        if let Some((text, at)) = found {
                            project.cells.insert(field.key().into(), a1(at.0, at.1));
                            let slot = match field {
                                Field::Level1Project => &mut project.level1_project,
                                Field::Level2Project => &mut project.level2_project,
                                Field::Department => &mut project.department,
                                Field::Implementer => &mut project.implementer,
                                Field::Goal => &mut project.goal,
                            };
                            *slot = Some(text);
                        } else {
                            // Point findings at where the value should have been.
                            project
                                .cells
                                .insert(field.key().into(), self.cell_after(r, *c));
                        }
                    }
                    Class::Funds { lines, unit: u } => {
                        unit = unit.or(*u);
                        for (fund, amount) in lines {
                            let found = match amount {
                                Some(a) => Some((*a, (r, *c))),
                                None => self.amount_beside(r, *c, fund),
                            };
                            match found {
                                Some((a, at)) => {
                                    if !funds.iter().any(|(f, _, _)| f == fund) {
                                        funds.push((fund.clone(), a, at));
                                    }
                                }
                                None => {
                                    project
                                        .cells
                                        .entry(fund.key())
                                        .or_insert_with(|| self.cell_after(r, *c));
                                }
                            }
                        }
                    }
                    Class::Attachment | Class::Footer => {}
                }
            }
        }

        let unit = unit.unwrap_or(Unit::Wan);
        project.source_unit = unit.as_str().into();
        project.funds = self.funds(funds, unit, &mut project.cells);
        project.indicators = self.indicators(head, end);
        let (left, right) = self.extent(top, end);
        self.source.range = a1_range((top, left), (end, right));
        project.source = self.source.clone();
        project
    }

    /// The value of a label whose value stands in another cell: to its right in the
    /// same row, or else directly below (申报表 put the amounts under their labels).
    fn value_beside(&self, row: u32, col: u32, or_below: bool) -> Option<(&CellValue, (u32, u32))> {
        let span = self.grid.merge_at(row, col);
        let right_of = span.map_or(col, |m| m.last_col);
        let below = span.map_or(row, |m| m.last_row) + 1;
        let beside = self.grid.row(row).iter().find(|(c, _)| *c > right_of);
        match beside {
            Some((c, v)) if !self.is_label(row, *c) => return Some((v, (row, *c))),
            _ => {}
        }
        if !or_below {
            return None;
        }
        match self.grid.shown(below, col) {
            Some((v, at)) if !self.is_label(at.0, at.1) => Some((v, at)),
            _ => None,
        }
    }

    /// The A1 name of the cell right of a label (and of its merge).
    fn cell_after(&self, row: u32, col: u32) -> String {
        let right = self.grid.merge_at(row, col).map_or(col, |m| m.last_col);
        a1(row, right + 1)
    }

    fn is_label(&self, row: u32, col: u32) -> bool {
        self.classes.get(&(row, col)).is_some_and(Class::is_label)
    }

    fn amount_beside(&mut self, row: u32, col: u32, fund: &Fund) -> Option<(Amount, (u32, u32))> {
        let (v, at) = self.value_beside(row, col, true)?;
        let amount = match v {
            CellValue::Number(x) => {
                decimal_from_f64(*x).map(|number| Amount { number, unit: None })
            }
            CellValue::Text(s) => labels::amount(s),
            _ => None,
        };
        if amount.is_none() {
            let text = v.text();
            self.diagnostics.push(Diagnostic::at(
                Severity::Warning,
                "bad-amount",
                &self.source,
                Some(&a1(at.0, at.1)),
                format!("{}的金额“{}”不是数字", fund_name(fund), text),
            ));
        }
        amount.map(|a| (a, at))
    }

    fn funds(
        &self,
        lines: Vec<(Fund, Amount, (u32, u32))>,
        unit: Unit,
        cells: &mut IndexMap<String, String>,
    ) -> Funds {
        let mut funds = Funds::default();
        let has_non_fiscal = lines.iter().any(|(f, _, _)| *f == Fund::NonFiscal);
        for (fund, amount, at) in lines {
            let wan = match amount.unit.unwrap_or(unit) {
                Unit::Wan => amount.number,
                Unit::Yuan => amount.number / Decimal::from(10_000),
            };
            let wan = money(wan);
            // Without a 非财政拨款 line, the first other source stands for it.
            let fund = match fund {
                Fund::Other(_) if !has_non_fiscal && funds.non_fiscal.is_none() => Fund::NonFiscal,
                f => f,
            };
            cells.insert(fund.key(), a1(at.0, at.1));
            match fund {
                Fund::Total => funds.total = Some(wan),
                Fund::Fiscal => funds.fiscal = Some(wan),
                Fund::NonFiscal => funds.non_fiscal = Some(wan),
                Fund::Other(label) => {
                    funds.other.insert(label.to_string(), wan);
                }
            }
        }
        funds
    }

    fn indicators(&self, head: &GridHead, end: u32) -> Vec<Indicator> {
        let col = |c: Column| head.columns.get(&c).copied();
        let mut out = Vec::new();
        let mut level1: (String, Option<(u32, u32)>) = (String::new(), None);
        let mut level2 = level1.clone();
        for (r, _) in self.grid.rows_between(head.first_data_row, end) {
            let read = |c: Column| -> Option<(String, (u32, u32))> {
                let (v, at) = self.grid.shown(r, col(c)?)?;
                let t = clean(&v.text()).to_string();
                (!t.is_empty()).then_some((t, at))
            };
            let l1 = read(Column::Level1);
            let l2 = read(Column::Level2);
            let name = read(Column::Name);
            let value_cell = read(Column::Value);
            if name.is_none() && value_cell.is_none() {
                // A row of 一级/二级 alone starts a run without an indicator of its own.
                if let Some((t, at)) = &l1 {
                    level1 = (squeeze(t), Some(*at));
                }
                if let Some((t, at)) = &l2 {
                    level2 = (squeeze(t), Some(*at));
                }
                continue;
            }
            // Unmerged runs write 一级/二级 on their first row only: carry them down,
            // with the cell they were written in.
            if let Some((t, at)) = &l1 {
                let t = squeeze(t);
                if t != level1.0 && l2.is_none() {
                    level2 = (String::new(), None);
                }
                level1 = (t, Some(*at));
            }
            if let Some((t, at)) = &l2 {
                level2 = (squeeze(t), Some(*at));
            }
            let name_a1 =
                |c: &Option<(String, (u32, u32))>| c.as_ref().map(|(_, at)| a1(at.0, at.1));
            let value_at = value_cell
                .as_ref()
                .map(|(_, at)| *at)
                .or_else(|| col(Column::Value).map(|c| (r, c)));
            let value_text = value_cell.as_ref().map_or("", |(t, _)| t.as_str());
            let value = if col(Column::Op).is_some() || col(Column::Unit).is_some() {
                let op = read(Column::Op)
                    .or_else(|| read(Column::Nature))
                    .map(|(t, _)| t)
                    .unwrap_or_default();
                let unit = read(Column::Unit).map(|(t, _)| t).unwrap_or_default();
                Value::from_parts(&op, value_text, &unit)
            } else {
                Value::parse(value_text)
            };
            let cell = value_at.map(|at| a1(at.0, at.1)).unwrap_or_default();
            let note = read(Column::Note);
            let cells = IndicatorCells {
                level1: level1.1.map(|at| a1(at.0, at.1)),
                level2: level2.1.map(|at| a1(at.0, at.1)),
                name: name_a1(&name),
                value: Some(cell.clone()),
                note: name_a1(&note),
            };
            out.push(Indicator {
                level1: level1.0.clone(),
                level2: level2.0.clone(),
                name: name.map(|(t, _)| t).unwrap_or_default(),
                value,
                note: note.map(|(t, _)| t),
                nature: read(Column::Nature).map(|(t, _)| t),
                direction: read(Column::Direction).map(|(t, _)| t),
                weight: read(Column::Weight).and_then(|(t, _)| crate::value::parse_number(&t)),
                scoring: read(Column::Scoring).map(|(t, _)| t),
                cell,
                cells,
            });
        }
        out
    }

    /// The leftmost and rightmost occupied columns of rows `top..=end`.
    fn extent(&self, top: u32, end: u32) -> (u32, u32) {
        let mut cols = self
            .grid
            .rows_between(top, end)
            .flat_map(|(_, cells)| cells.first().into_iter().chain(cells.last()))
            .map(|(c, _)| *c);
        let first = cols.next().unwrap_or(0);
        cols.fold((first, first), |(l, r), c| (l.min(c), r.max(c)))
    }
}

/// 一级/二级 labels are framework names: `产出\n指标` is 产出指标.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn fund_name(fund: &Fund) -> &'static str {
    match fund {
        Fund::Total => "年度资金总额",
        Fund::Fiscal => "财政拨款",
        Fund::NonFiscal => "非财政拨款",
        Fund::Other(label) => label,
    }
}

use labels::Amount;
