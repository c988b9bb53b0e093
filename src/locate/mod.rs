//! Grid → tables: find the labels, the header block and the indicator grid of every
//! table on a sheet, wherever it starts, merged or not, one or several per sheet.
//!
//! A table is anchored by its indicator grid's header row (三级指标 … 指标值). Its
//! header block is whatever labels stand between the previous table's end and that
//! row; its indicators run down to the next title, footer, header label or grid. A
//! header row that also names project fields (单位名称, 项目名称, 预算金额 …) is a
//! budget system's list: one row per indicator, a project starting wherever its name
//! column does.
//!
//! Labels are known by their role's key terms (`labels`), the grid's 一级/二级 columns
//! also by their content, and what could not be placed is said, never dropped quietly.

mod head;
mod indicators;
mod labels;
mod outline;

use crate::rule::Rule;
use rustc_hash::FxHashMap as HashMap;

use indexmap::IndexMap;
use rust_decimal::Decimal;

use crate::model::{Diagnostic, Funds, Project, Source};
use crate::read::{CellValue, Grid, Sheet};
use crate::text::{a1, a1_range, clean};
use crate::value::{decimal_from_f64, money};

use head::{GridHead, grid_end, grid_headers};
pub use labels::Unit;
pub(crate) use labels::{Class, Column, Field, Fund, FundColumn, amount, split_code};

/// Every table found on one sheet, and the findings made on the way.
pub fn locate(file: &str, sheet: &Sheet) -> (Vec<Project>, Vec<Diagnostic>) {
    locate_at_most(file, sheet, usize::MAX).unwrap_or_default()
}

/// As [`locate`], unless the sheet holds more than `max_tables` indicator grids: a
/// 1 MB file of a million two-row tables would cost minutes and gigabytes of findings.
///
/// # Errors
/// The number of grids found, past `max_tables`, before any table is built.
pub fn locate_at_most(
    file: &str,
    sheet: &Sheet,
    max_tables: usize,
) -> Result<(Vec<Project>, Vec<Diagnostic>), usize> {
    let grid = &sheet.grid;
    let (classes, columns) = classify_cells(grid);
    let heads = grid_headers(grid, &columns, &classes);
    if heads.len() > max_tables {
        return Err(heads.len());
    }
    Ok(locate_heads(file, sheet, &classes, &heads))
}

fn locate_heads(
    file: &str,
    sheet: &Sheet,
    classes: &Classes,
    heads: &[GridHead],
) -> (Vec<Project>, Vec<Diagnostic>) {
    let grid = &sheet.grid;
    if heads.is_empty()
        && let Some(found) = outline::outline(file, sheet, classes)
    {
        return found;
    }
    let mut projects = Vec::new();
    let mut diagnostics = Vec::new();
    let mut band_top = grid.row_indices().next().unwrap_or(0);
    let mut next_top = band_top;
    for (i, head) in heads.iter().enumerate() {
        // Tables side by side share their header row; each keeps to its columns.
        if i > 0 && heads[i - 1].row != head.row {
            band_top = next_top;
        }
        let next_head = heads[i + 1..]
            .iter()
            .find(|h| h.row > head.row && h.cols.0 <= head.cols.1 && h.cols.1 >= head.cols.0)
            .map(|h| h.row);
        let end = if head.across {
            head.first_data_row - 1
        } else {
            grid_end(grid, classes, head, next_head)
        };
        let source = Source {
            file: file.to_string(),
            sheet: sheet.name.clone(),
            ..Source::default()
        };
        let mut table = TableBuilder {
            grid,
            classes,
            source,
            diagnostics: &mut diagnostics,
            cols: head.cols,
            unplaced: Vec::new(),
        };
        let found = table.build(band_top, head, end);
        let unplaced = std::mem::take(&mut table.unplaced);
        for p in &found {
            missing_fields(p, &unplaced, &mut diagnostics);
        }
        projects.extend(found);
        next_top = next_top.max(end + 1);
    }
    (projects, diagnostics)
}

type Classes = HashMap<(u32, u32), Class>;
/// A cell's row and column.
type Cell = (u32, u32);
type Columns = Vec<(u32, u32, Column)>;

/// The labels of a sheet, and the grid header cells in row order.
fn classify_cells(grid: &Grid) -> (Classes, Columns) {
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

struct TableBuilder<'a> {
    grid: &'a Grid,
    classes: &'a Classes,
    source: Source,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// The columns of this table.
    cols: (u32, u32),
    /// Label-like cells of the header block no role took, as written.
    unplaced: Vec<String>,
}

/// What the header block above a grid says, before it is given to a project.
#[derive(Default, Clone)]
struct Header {
    project: Project,
    unit: Option<Unit>,
    funds: Vec<(Fund, Amount, (u32, u32))>,
    budget_units: Vec<(String, (u32, u32))>,
    filing_units: Vec<(String, (u32, u32))>,
    top: Option<u32>,
    /// The cells read as values of labels.
    used: Vec<(u32, u32)>,
    /// The level of government the 主管部门 label named (市级主管部门 …), if any.
    department_level: Option<u8>,
}

impl TableBuilder<'_> {
    fn build(&mut self, band_top: u32, head: &GridHead, end: u32) -> Vec<Project> {
        // A title above the grid starts its table: what stands above it (another
        // attachment's table, a letter's lines) is not this table's header.
        let band_top = self.title_row(band_top, head.row).unwrap_or(band_top);
        let mut header = Header {
            project: Project {
                unit: "万元".into(),
                ..Project::default()
            },
            ..Header::default()
        };
        if head.row > 0 {
            for (r, cells) in self.grid.rows_between(band_top, head.row - 1) {
                let cols = self.cols;
                for (c, v) in cells.iter().filter(|(c, _)| (cols.0..=cols.1).contains(c)) {
                    // A cell read as a label's value is no label itself.
                    if header.used.contains(&(r, *c)) {
                        continue;
                    }
                    if let Some(class) = self.classes.get(&(r, *c)) {
                        header.top = Some(header.top.map_or(r, |t| t.min(r)));
                        self.header_cell(&mut header, class, v, (r, *c));
                    }
                }
            }
        }
        let top = header.top.unwrap_or(head.row).min(head.row);
        if head.row > 0 {
            self.unmapped_labels(band_top, head.row - 1, &header.used);
        }
        if !head.fields.is_empty() {
            return self.list(header, head, top, end);
        }
        let execution = self.execution_cells(band_top, &header);
        let mut project = self.finish(header);
        project.execution = self.execution(&execution, &mut project).map(Box::new);
        project.indicators = if head.across {
            self.indicators_across(head)
        } else {
            self.indicators(head, head.first_data_row, end)
        };
        // A batch holds every table until it is written: no spare room in each.
        project.indicators.shrink_to_fit();
        if let Some(c) = head.shifted {
            self.diagnostics.push(Diagnostic::at(
                Rule::LevelColumns,
                &self.source,
                Some(&a1(head.row, c)),
                "“一级指标”列中填的是二级指标（数量指标、质量指标……），“二级指标”列中是指标名称：按内容读作二级、三级指标，一级指标未填".to_string(),
            ));
        }
        // No title to say which table it is: a grid scoring what was done (实际完成值,
        // 得分) is a 自评表, one reporting the months so far (全年预计执行数) a 监控表.
        if project.stage.is_none() {
            let has = |c: Column| head.columns.contains_key(&c);
            let expected = project
                .execution
                .as_ref()
                .is_some_and(|e| e.expected.is_some());
            project.stage = if has(Column::Actual) && has(Column::Score) {
                Some("自评".into())
            } else if has(Column::Actual) && expected {
                Some("监控".into())
            } else {
                None
            };
        }
        let (left, right) = self.extent(top, end);
        self.source.range = a1_range((top, left), (end, right));
        project.source = self.source.clone();
        vec![project]
    }

    /// The row of the last title between `from` and the grid header row `to`, with
    /// the lines a form prints right above its title (附表7, 填报单位（盖章）：…).
    fn title_row(&self, from: u32, to: u32) -> Option<u32> {
        let classes = |r: u32| {
            self.grid
                .row(r)
                .iter()
                .filter(|(c, _)| self.in_band(*c))
                .map(move |(c, _)| self.classes.get(&(r, *c)))
        };
        let title = (from..to)
            .rev()
            .find(|&r| classes(r).any(|class| matches!(class, Some(Class::Title))))?;
        let only = |r: u32| {
            let mut cells = classes(r);
            match (cells.next(), cells.next()) {
                (Some(first), None) => first,
                _ => None,
            }
        };
        let preface = |r: u32| match only(r) {
            Some(class) => matches!(
                class,
                Class::Attachment
                    | Class::UnitLine(_)
                    | Class::YearLine(_)
                    | Class::Field {
                        field: Field::FilingUnit | Field::BudgetUnit | Field::Department,
                        inline: Some(_),
                    }
            ),
            _ => false,
        };
        let mut top = title;
        while top > from && preface(top - 1) {
            top -= 1;
        }
        Some(top)
    }

    /// Reads one labelled cell of a header block into `h`.
    fn header_cell(&mut self, h: &mut Header, class: &Class, v: &CellValue, at: (u32, u32)) {
        let (r, c) = at;
        let p = &mut h.project;
        match class {
            Class::Title => {
                if p.title.is_none() {
                    let t = clean(&v.text()).to_string();
                    p.year = labels::year_in(&t);
                    p.stage = labels::stage_in(&t).map(str::to_string);
                    p.title = Some(t);
                    p.cells.insert("title".into(), a1(r, c));
                }
            }
            Class::UnitLine(u) => h.unit = h.unit.or(Some(*u)),
            Class::FundsBlock { unit: u } => h.unit = h.unit.or(*u),
            Class::Field { field, inline } => {
                // 市级主管部门 above 区级主管部门: the table's department is the most
                // local one it names.
                let level = (*field == Field::Department)
                    .then(|| labels::government_level(&v.text()))
                    .flatten();
                let more_local = matches!((h.department_level, level), (Some(a), Some(b)) if b > a);
                if field_value(p, *field).is_some() && !more_local {
                    return;
                }
                if *field == Field::Department && inline.is_none() {
                    h.department_level = level;
                }
                // 预期目标 and 实际完成情况 head columns: their values stand below.
                let below = matches!(field, Field::GoalExpected | Field::GoalActual);
                let found = match inline {
                    Some(text) => Some((text.clone(), at)),
                    None if below => self.value_below(r, c),
                    None => self
                        .value_beside(r, c, false)
                        .map(|(v, at)| (clean(&v.text()).to_string(), at))
                        // A goal heading a column (项目年度目标 | 年度目标完成情况) has its
                        // text below it.
                        .or_else(|| {
                            let one_row = self.grid.merge_at(r, c).is_none_or(|m| m.last_row == r);
                            let heads_columns = self.label_right_of(r, c);
                            (matches!(field, Field::Goal | Field::GoalPeriod)
                                && one_row
                                && heads_columns)
                                .then(|| self.value_below(r, c))
                                .flatten()
                        }),
                };
                if let Some((_, at)) = &found {
                    h.used.push(*at);
                }
                let Some((text, at)) = found else {
                    // Point findings at where the value should have been.
                    p.cells.insert(field.key().into(), self.cell_after(r, c));
                    return;
                };
                if *field == Field::BudgetUnit {
                    h.budget_units.push((text, at));
                    return;
                }
                if *field == Field::FilingUnit {
                    h.filing_units.push((text, at));
                    return;
                }
                p.cells.insert(field.key().into(), a1(at.0, at.1));
                set_field(p, *field, text, &mut self.source);
            }
            Class::Funds { lines, unit: u } => {
                h.unit = h.unit.or(*u);
                for (fund, amount) in lines {
                    let found = match amount {
                        Some(a) => Some((*a, at)),
                        None => match self.breakdown_total(r, c) {
                            Some((a, at, header)) => {
                                h.used.push(header);
                                Some((a, at))
                            }
                            None => self.amount_beside(r, c, fund),
                        },
                    };
                    match found {
                        Some((a, at)) => {
                            h.used.push(at);
                            if !h.funds.iter().any(|(f, _, _)| f == fund) {
                                h.funds.push((fund.clone(), a, at));
                            }
                        }
                        None => {
                            p.cells
                                .entry(fund.key())
                                .or_insert_with(|| self.cell_after(r, c));
                        }
                    }
                }
            }
            Class::YearLine(y) => {
                if p.year.is_none() {
                    p.year = Some(*y);
                    p.cells.insert("year".into(), a1(r, c));
                }
            }
            Class::Attachment | Class::Footer | Class::Total => {}
        }
    }

    /// The project a header block describes: funds in 万元, 预算单位 placed.
    fn finish(&mut self, h: Header) -> Project {
        let Header {
            mut project,
            unit,
            funds,
            budget_units,
            filing_units,
            ..
        } = h;
        // 预算单位/单位名称 is the department when the table names none, else the
        // implementer when that is missing.
        for (text, at) in budget_units {
            let field = if project.department.is_none() {
                Field::Department
            } else if project.implementer.is_none() {
                Field::Implementer
            } else {
                continue;
            };
            project.cells.insert(field.key().into(), a1(at.0, at.1));
            set_field(&mut project, field, text, &mut self.source);
        }
        if let Some((text, at)) = filing_units.into_iter().next()
            && project.department.is_none()
        {
            project.cells.insert("department".into(), a1(at.0, at.1));
            set_field(&mut project, Field::Department, text, &mut self.source);
        }
        // No year in the title or beside it: a project named 2018年市级专项… is that year's.
        if project.year.is_none() {
            project.year = project
                .level2_project
                .as_deref()
                .filter(|name| {
                    let f = crate::text::fold(name);
                    f.len() > 5
                        && f.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                        && f[4..].starts_with('年')
                })
                .and_then(labels::year_in);
        }
        let unit = unit.unwrap_or(Unit::Wan);
        project.source_unit = unit.as_str().into();
        project.funds = funds_in_wan(funds, unit, &mut project.cells);
        project
    }

    /// The 项目资金 columns of a 自评表 or 监控表 (年初预算数 | 全年预算数 | 全年执行数 |
    /// 分值 | 执行率 | 得分): the cells of the 年度资金总额 line under each, found by the
    /// nearest row above that line heading at least two of them, one an amount.
    fn execution_cells(&self, top: u32, h: &Header) -> Vec<(FundColumn, String, (u32, u32))> {
        let Some(line) = h
            .funds
            .iter()
            .find(|(f, _, _)| *f == Fund::Total)
            .map(|(_, _, at)| at.0)
        else {
            return Vec::new();
        };
        for r in (top..line).rev() {
            let heads: Vec<(FundColumn, String, u32)> = self
                .grid
                .row(r)
                .iter()
                .filter(|(c, _)| self.in_band(*c))
                .filter_map(|(c, v)| {
                    let text = v.text();
                    labels::fund_column(&text).map(|f| (f, clean(&text).to_string(), *c))
                })
                .collect();
            let amounts = heads.iter().any(|(f, _, _)| {
                matches!(
                    f,
                    FundColumn::Initial
                        | FundColumn::Budget
                        | FundColumn::Executed
                        | FundColumn::Expected
                )
            });
            if heads.len() >= 2 && amounts {
                return heads
                    .into_iter()
                    .map(|(f, head, c)| (f, head, (line, c)))
                    .collect();
            }
        }
        Vec::new()
    }

    /// Reads the cells [`Self::execution_cells`] found, amounts in 万元.
    fn execution(
        &mut self,
        cells: &[(FundColumn, String, (u32, u32))],
        project: &mut Project,
    ) -> Option<crate::model::Execution> {
        if cells.is_empty() {
            return None;
        }
        let in_yuan = project.source_unit == "元";
        let mut out = crate::model::Execution::default();
        for (column, head, at) in cells {
            let Some((v, at)) = self.grid.shown(at.0, at.1).map(|(v, at)| (v.clone(), at)) else {
                continue;
            };
            let text = clean(&v.text()).to_string();
            if text.is_empty() || crate::value::is_placeholder(&text) {
                continue;
            }
            let number = || -> Option<Decimal> {
                match &v {
                    CellValue::Number(x) => decimal_from_f64(*x),
                    _ => labels::amount(&text).map(|a| a.number),
                }
            };
            let key = match column {
                FundColumn::Initial => "execution.initial",
                FundColumn::Budget => "execution.budget",
                FundColumn::Executed => "execution.executed",
                FundColumn::Expected => "execution.expected",
                FundColumn::Weight => "execution.weight",
                FundColumn::Rate => "execution.rate",
                FundColumn::Score => "execution.score",
            };
            match column {
                FundColumn::Initial
                | FundColumn::Budget
                | FundColumn::Executed
                | FundColumn::Expected => {
                    let Some(n) = number() else {
                        self.diagnostics.push(Diagnostic::at(
                            Rule::BadAmount,
                            &self.source,
                            Some(&a1(at.0, at.1)),
                            format!("年度资金总额的{head}“{text}”不是数字"),
                        ));
                        continue;
                    };
                    let wan = money(if in_yuan {
                        n / Decimal::from(10_000)
                    } else {
                        n
                    });
                    match column {
                        FundColumn::Initial => out.initial = Some(wan),
                        FundColumn::Budget => out.budget = Some(wan),
                        FundColumn::Expected => out.expected = Some(wan),
                        _ => out.executed = Some(wan),
                    }
                }
                FundColumn::Weight => out.weight = number(),
                FundColumn::Rate => out.rate = Some(text),
                FundColumn::Score => out.score = Some(text),
            }
            project.cells.insert(key.into(), a1(at.0, at.1));
        }
        Some(out)
    }

    /// The value of a label whose value stands in another cell: to its right in the
    /// same row, or else directly below (申报表 put the amounts under their labels).
    fn value_beside(&self, row: u32, col: u32, or_below: bool) -> Option<(&CellValue, (u32, u32))> {
        let (beside, below) = self.around(row, col);
        match beside {
            Some((c, v)) if !self.is_label(row, *c) => return Some((v, (row, *c))),
            // 项目名称 | 省级第七批水利专项资金 | 主管部门: a name that reads like an
            // amount's label, with no amount of its own, is the field's value.
            Some((c, v)) if !or_below && self.amountless_fund_label(row, *c) => {
                return Some((v, (row, *c)));
            }
            _ => {}
        }
        if !or_below {
            return None;
        }
        // Under the label, not a text merged in from a column left of it.
        let first_col = self.grid.merge_at(row, col).map_or(col, |m| m.first_col);
        match self.grid.shown(below, col) {
            Some((v, at)) if !self.is_label(at.0, at.1) && at.1 >= first_col => Some((v, at)),
            _ => None,
        }
    }

    /// Around a label (merged or not): the first occupied cell right of it within the
    /// table's band, and the row under it.
    fn around(&self, row: u32, col: u32) -> (Option<&(u32, CellValue)>, u32) {
        let span = self.grid.merge_at(row, col);
        let right_of = span.map_or(col, |m| m.last_col);
        let below = span.map_or(row, |m| m.last_row) + 1;
        let beside = self
            .grid
            .row(row)
            .iter()
            .find(|(c, _)| *c > right_of && self.in_band(*c));
        (beside, below)
    }

    /// True for a cell that reads like an amount's label (省级…专项资金) with no amount
    /// in it, beside it or under it.
    fn amountless_fund_label(&self, row: u32, col: u32) -> bool {
        let Some(Class::Funds { lines, .. }) = self.classes.get(&(row, col)) else {
            return false;
        };
        let is_amount = |v: &CellValue| match v {
            CellValue::Number(_) => true,
            CellValue::Text(t) => labels::amount(t).is_some(),
            _ => false,
        };
        let (beside, below) = self.around(row, col);
        lines.iter().all(|(_, a)| a.is_none())
            && !beside.is_some_and(|(_, v)| is_amount(v))
            && !self
                .grid
                .shown(below, col)
                .is_some_and(|(v, at)| at.1 == col && is_amount(v))
    }

    /// True when the next occupied cell right of a label is a label too (or, for the
    /// last in its row, the one left of it): labels heading columns, values below.
    fn label_right_of(&self, row: u32, col: u32) -> bool {
        let right_of = self.grid.merge_at(row, col).map_or(col, |m| m.last_col);
        let cells = self.grid.row(row);
        let right = cells
            .iter()
            .find(|(c, _)| *c > right_of && self.in_band(*c));
        let left = cells
            .iter()
            .rev()
            .find(|(c, _)| *c < col && self.in_band(*c));
        // 总体目标 | 中期目标 | 年度目标: the last heads a column too.
        right.is_some_and(|(c, _)| self.is_label(row, *c))
            || (right.is_none() && left.is_some_and(|(c, _)| self.is_label(row, *c)))
    }

    /// The text under a column label (and its merge), if any.
    fn value_below(&self, row: u32, col: u32) -> Option<(String, (u32, u32))> {
        let below = self.grid.merge_at(row, col).map_or(row, |m| m.last_row) + 1;
        let (v, at) = self.grid.shown(below, col)?;
        let t = clean(&v.text()).to_string();
        (!t.is_empty() && !self.is_label(at.0, at.1)).then_some((t, at))
    }

    /// The A1 name of the cell right of a label (and of its merge).
    fn cell_after(&self, row: u32, col: u32) -> String {
        let right = self.grid.merge_at(row, col).map_or(col, |m| m.last_col);
        a1(row, right + 1)
    }

    /// `unmapped-label`: a cell of the header block that reads like a label, with a
    /// value beside it, that no role took. Its value was not read: say so.
    fn unmapped_labels(&mut self, from: u32, to: u32, used: &[(u32, u32)]) {
        for (r, cells) in self.grid.rows_between(from, to) {
            let cells: Vec<_> = cells.iter().filter(|(c, _)| self.in_band(*c)).collect();
            for pair in cells.windows(2) {
                let ((c, label), (vc, value)) = (pair[0], pair[1]);
                let CellValue::Text(text) = label else {
                    continue;
                };
                if self.classes.contains_key(&(r, *c))
                    || self.classes.contains_key(&(r, *vc))
                    || used.contains(&(r, *c))
                    || used.contains(&(r, *vc))
                    || !labels::looks_like_label(text)
                {
                    continue;
                }
                self.unplaced
                    .push(clean(text).trim_end_matches([':', '：']).to_string());
                self.diagnostics.push(Diagnostic::at(
                    Rule::UnmappedLabel,
                    &self.source,
                    Some(&a1(r, *c)),
                    format!(
                        "未能识别的标签“{}”，其右侧的“{}”未读取",
                        clean(text),
                        clean(&value.text())
                    ),
                ));
            }
        }
    }

    fn in_band(&self, col: u32) -> bool {
        (self.cols.0..=self.cols.1).contains(&col)
    }

    fn is_label(&self, row: u32, col: u32) -> bool {
        self.classes.get(&(row, col)).is_some_and(Class::is_label)
    }

    /// A funds label merged down beside a breakdown of the money (成本构成 | 金额 |
    /// 测算依据 …, one row per cost, then 合计): the amount is the 合计 row's 金额, with
    /// where it is and where the 金额 header is.
    fn breakdown_total(&self, row: u32, col: u32) -> Option<(Amount, Cell, Cell)> {
        let m = self.grid.merge_at(row, col).filter(|m| m.last_row > row)?;
        let amount_col = self
            .grid
            .row(row)
            .iter()
            .filter(|(c, _)| *c > m.last_col && self.in_band(*c))
            .find(|(_, v)| {
                let key = crate::text::label_key(&v.text());
                key == "金额" || key == "金额(万元)" || key == "金额(元)"
            })
            .map(|(c, _)| *c)?;
        let total_row = (row + 1..=m.last_row).find(|&r| {
            self.grid
                .row(r)
                .iter()
                .any(|(c, _)| matches!(self.classes.get(&(r, *c)), Some(Class::Total)))
        })?;
        let (v, at) = self.grid.shown(total_row, amount_col)?;
        let amount = match v {
            CellValue::Number(x) => {
                decimal_from_f64(*x).map(|number| Amount { number, unit: None })
            }
            CellValue::Text(t) => labels::amount(t),
            _ => None,
        }?;
        Some((amount, at, (row, amount_col)))
    }

    fn amount_beside(&mut self, row: u32, col: u32, fund: &Fund) -> Option<(Amount, (u32, u32))> {
        let (v, at) = self.value_beside(row, col, true)?;
        let v = v.clone();
        let amount = self.amount_of(&v, at, fund);
        amount.map(|a| (a, at))
    }

    /// An amount in a cell, or a `bad-amount` finding on it.
    fn amount_of(&mut self, v: &CellValue, at: (u32, u32), fund: &Fund) -> Option<Amount> {
        let amount = match v {
            CellValue::Number(x) => {
                decimal_from_f64(*x).map(|number| Amount { number, unit: None })
            }
            CellValue::Text(s) => labels::amount(s),
            _ => None,
        };
        // More than a trillion 万元 is no budget line: refused where it is written, so
        // no sum of a batch can overflow.
        let limit = Decimal::from(1_000_000_000_000_u64) * Decimal::from(10_000);
        let amount = match amount {
            Some(a) if a.number.abs() > limit => {
                self.diagnostics.push(Diagnostic::at(
                    Rule::BadAmount,
                    &self.source,
                    Some(&a1(at.0, at.1)),
                    format!(
                        "{}的金额“{}”超出可处理的范围，未计入",
                        fund_name(fund),
                        v.text()
                    ),
                ));
                return None;
            }
            a => a,
        };
        // —, / or * where an amount would be: no amount, said by the form itself.
        // A fund column's header (年初预算, 预算执行数) beside the label is no amount either.
        if amount.is_none()
            && !crate::value::is_placeholder(&v.text())
            && labels::fund_column(&v.text()).is_none()
        {
            let text = v.text();
            self.diagnostics.push(Diagnostic::at(
                Rule::BadAmount,
                &self.source,
                Some(&a1(at.0, at.1)),
                format!("{}的金额“{}”不是数字", fund_name(fund), text),
            ));
        }
        amount
    }

    /// The leftmost and rightmost occupied columns of rows `top..=end`.
    fn extent(&self, top: u32, end: u32) -> (u32, u32) {
        let mut cols = self
            .grid
            .rows_between(top, end)
            .flat_map(|(_, cells)| cells.iter().map(|(c, _)| *c).filter(|c| self.in_band(*c)));
        let first = cols.next().unwrap_or(0);
        cols.fold((first, first), |(l, r), c| (l.min(c), r.max(c)))
    }
}

/// Sets a text field of the header block; a code a budget system put before a name
/// (`820001-某某镇人民政府`) goes to the source.
fn set_field(p: &mut Project, field: Field, text: String, source: &mut Source) {
    let text = match labels::ticked_option(&text) {
        Some(option) => option.to_string(),
        None => text,
    };
    let text = match field {
        Field::Level2Project | Field::Department | Field::Implementer => {
            match labels::split_code(&text) {
                Some((code, name)) => {
                    source
                        .codes
                        .get_or_insert_with(Default::default)
                        .insert(field.key().into(), code.to_string());
                    name.to_string()
                }
                None => text,
            }
        }
        _ => text,
    };
    let slot = match field {
        Field::Level1Project => &mut p.level1_project,
        Field::Level2Project => &mut p.level2_project,
        Field::Department | Field::BudgetUnit | Field::FilingUnit => &mut p.department,
        Field::Implementer => &mut p.implementer,
        Field::Goal | Field::GoalExpected => &mut p.goal,
        Field::GoalPeriod => &mut p.goal_period,
        Field::GoalActual => &mut p.goal_actual,
    };
    *slot = Some(text);
}

/// The value a field already has in `p`.
fn field_value(p: &Project, field: Field) -> Option<&String> {
    match field {
        Field::Level1Project => p.level1_project.as_ref(),
        Field::Level2Project => p.level2_project.as_ref(),
        Field::Department => p.department.as_ref(),
        Field::Implementer => p.implementer.as_ref(),
        Field::BudgetUnit | Field::FilingUnit => None,
        Field::Goal | Field::GoalExpected => p.goal.as_ref(),
        Field::GoalPeriod => p.goal_period.as_ref(),
        Field::GoalActual => p.goal_actual.as_ref(),
    }
}

fn funds_in_wan(
    lines: Vec<(Fund, Amount, (u32, u32))>,
    unit: Unit,
    cells: &mut IndexMap<String, String>,
) -> Funds {
    let mut funds = Funds::default();
    let has_non_fiscal = lines.iter().any(|(f, _, _)| *f == Fund::NonFiscal);
    // 中央、省、市补助县级资金 is government money, whoever's: never 非财政拨款.
    let government = |label: &str| {
        [
            "上级",
            "中央",
            "省级",
            "省财政",
            "市级",
            "州级",
            "县级",
            "区级",
            "本级",
            "财政",
            "补助",
        ]
        .iter()
        .any(|w| label.contains(w))
    };
    let others = lines
        .iter()
        .filter(|(f, _, _)| matches!(f, Fund::Other(label) if !government(label)))
        .count();
    for (fund, amount, at) in lines {
        let wan = match amount.unit.unwrap_or(unit) {
            Unit::Wan => amount.number,
            Unit::Yuan => amount.number / Decimal::from(10_000),
        };
        let wan = money(wan);
        // Without a 非财政拨款 line, a single other source (其他资金) stands for it.
        let fund = match fund {
            Fund::Other(label) if !has_non_fiscal && others == 1 && !government(&label) => {
                Fund::NonFiscal
            }
            f => f,
        };
        cells.insert(fund.key(), a1(at.0, at.1));
        match fund {
            Fund::Total => funds.total = Some(wan),
            Fund::Fiscal => funds.fiscal = Some(wan),
            Fund::NonFiscal => funds.non_fiscal = Some(wan),
            Fund::Other(label) => {
                funds.other.insert(label, wan);
            }
            Fund::Period => funds.period = Some(wan),
        }
    }
    funds
}

/// `empty-field`: a table whose project, department or annual amount was not found.
/// The finding names the field and where it was looked for.
fn missing_fields(p: &Project, unplaced: &[String], out: &mut Vec<Diagnostic>) {
    let missing = [
        ("level2_project", "二级项目名称", p.level2_project.is_none()),
        ("department", "主管部门", p.department.is_none()),
        ("funds.total", "年度资金总额", p.funds.total.is_none()),
    ];
    for (key, label, missing) in missing {
        if !missing {
            continue;
        }
        let cell = p.cells.get(key).map(String::as_str);
        let message = match cell {
            Some(_) => format!("{label}为空"),
            None if unplaced.is_empty() => format!("未找到{label}"),
            // The labels the reader saw but could not place may be this one's wording.
            None => format!(
                "未找到{label}（表头中有未能识别的标签：{}）",
                unplaced.join("、")
            ),
        };
        out.push(Diagnostic::at(Rule::EmptyField, &p.source, cell, message));
    }
}

/// Pushes `s` without its whitespace onto `out`.
fn squeeze_into(s: &str, out: &mut String) {
    out.extend(s.chars().filter(|c| !c.is_whitespace()));
}

fn fund_name(fund: &Fund) -> &str {
    match fund {
        Fund::Total => "年度资金总额",
        Fund::Fiscal => "财政拨款",
        Fund::NonFiscal => "非财政拨款",
        Fund::Other(label) => label,
        Fund::Period => "项目期资金总额",
    }
}

use labels::Amount;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_name_each_one() {
        let mut p = Project {
            level2_project: Some("机关党建工作".into()),
            ..Project::default()
        };
        p.cells.insert("department".into(), "C5".into());
        let mut out = Vec::new();
        missing_fields(&p, &[], &mut out);
        let mut said = Vec::new();
        missing_fields(&p, &["本级预算数额".to_string()], &mut said);
        assert_eq!(
            said[1].message,
            "未找到年度资金总额（表头中有未能识别的标签：本级预算数额）"
        );
        let got: Vec<_> = out
            .iter()
            .map(|d| (d.rule.as_str(), d.cell.as_deref(), d.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("empty-field", Some("C5"), "主管部门为空"),
                ("empty-field", None, "未找到年度资金总额"),
            ]
        );
    }
}
