//! The budget list `--budget` reads: one row per budgeted project (主管部门, 项目名称,
//! 金额) from a .csv or a workbook, its header found by role in any column order, the
//! unit from the header (金额（元）) or a 单位：元 line, as the reader does for tables.

use std::path::Path;

use rust_decimal::Decimal;

use crate::locate::Unit;
use crate::model::{Diagnostic, Severity};
use crate::read::ReadReason;
use crate::rule::Rule;
use crate::text::{a1, clean, label_key};

/// One budgeted project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 主管部门 as the list writes it (without a code before it).
    pub department: String,
    /// 项目名称 as the list writes it (without a code before it).
    pub project: String,
    /// The amount in 万元 (of every row the project has in the list, summed).
    pub amount: Decimal,
    /// The amount in the list's own unit, as a clerk finds it there.
    pub written: Decimal,
    /// The list's unit (元 or 万元), that `written` is in.
    pub unit: Unit,
    /// How many rows of the list the project has (two rows of one project are summed).
    pub rows: usize,
    /// Where the project's first row is in the list.
    pub place: Place,
}

/// Where a line is in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The list's file as findings name it.
    pub file: String,
    /// The sheet of a workbook; `None` for a .csv.
    pub sheet: Option<String>,
    /// The row, counted from 1 as a spreadsheet numbers it.
    pub row: u32,
    /// The A1 cell of the project's name (a workbook's; none for a .csv).
    pub project_cell: Option<String>,
    /// The A1 cell of the amount (a workbook's; none for a .csv).
    pub amount_cell: Option<String>,
}

impl Place {
    /// `预算.xlsx:预算!C4` for a workbook, `预算.csv 第 4 行` for a .csv.
    pub fn describe(&self) -> String {
        match (&self.sheet, &self.amount_cell) {
            (Some(sheet), Some(cell)) => format!("{}:{sheet}!{cell}", self.file),
            _ => format!("{} 第 {} 行", self.file, self.row),
        }
    }
}

/// A budget list once read.
#[derive(Debug, Clone, Default)]
pub struct List {
    /// The file as findings name it.
    pub file: String,
    /// Every budgeted project, in the list's order.
    pub lines: Vec<Line>,
    /// Whether the list says its unit (in the amount's header or a 单位 line); a list
    /// that does not is read in 万元, as tables are.
    pub unit_stated: bool,
    /// Rows whose amount is no number: `bad-amount` findings about the list.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why the budget list (`--budget`) was refused; it names the file as findings do.
#[derive(Debug, thiserror::Error)]
pub enum BudgetListError {
    /// The file could not be read, or is a workbook that could not be opened.
    #[error("无法读取预算表 {file}")]
    Read {
        /// The list, as findings name it.
        file: String,
        /// What the reader said.
        #[source]
        source: ReadReason,
    },
    /// A .csv whose text the CSV reader could not split into rows.
    #[error("预算表 {file} 不是有效的 CSV")]
    Csv {
        /// The list, as findings name it.
        file: String,
        /// What the CSV reader said.
        #[source]
        source: csv::Error,
    },
    /// No 主管部门 | 项目名称 | 金额 header, and the first row is not those three columns.
    #[error(
        "预算表 {file} 中没有找到表头：需要主管部门、项目名称和金额三列（如“主管部门 | 项目名称 | 金额（万元）”）"
    )]
    NoHeader {
        /// The list, as findings name it.
        file: String,
    },
    /// A header, but no row under it names a project.
    #[error("预算表 {file} 中没有项目")]
    NoProjects {
        /// The list, as findings name it.
        file: String,
    },
    /// A workbook without a sheet.
    #[error("预算表 {file} 是空的")]
    Empty {
        /// The list, as findings name it.
        file: String,
    },
}

/// One row of the list as text: its index (from 0) and its occupied cells by column.
pub type Row = (u32, Vec<(u32, String)>);

/// Reads the budget list at `path` within `limits`: a .csv (UTF-8 or GBK) or a
/// workbook, whose first sheet with a 主管部门 | 项目名称 | 金额 header is taken.
///
/// # Errors
/// [`BudgetListError`] when the file cannot be read, is no spreadsheet, or has no such
/// header.
pub fn read_list(path: &Path, limits: &crate::read::Limits) -> Result<List, BudgetListError> {
    let file = path.display().to_string();
    let unreadable = |e| BudgetListError::Read {
        file: file.clone(),
        source: ReadReason(e),
    };
    let bytes = crate::read::read_file_bytes(path, limits).map_err(unreadable)?;
    let is_csv = path.extension().is_some_and(|e| {
        ["csv", "txt", "tsv"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    });
    if is_csv {
        return parse_rows(&file, None, &csv_rows(&bytes, &file)?);
    }
    let sheets = crate::read::read_bytes_with(&bytes, limits).map_err(unreadable)?;
    let mut first_error = None;
    for sheet in &sheets {
        let g = &sheet.grid;
        let rows: Vec<Row> = g
            .row_indices()
            .map(|r| {
                let cells = g
                    .row(r)
                    .iter()
                    .map(|(c, v)| (*c, v.text().into_owned()))
                    .collect();
                (r, cells)
            })
            .collect();
        match parse_rows(&file, Some(&sheet.name), &rows) {
            Ok(list) => return Ok(list),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(BudgetListError::Empty { file }))
}

/// The rows of a .csv: UTF-8 (with or without a BOM) or GBK as Chinese Windows saves
/// it; commas or tabs between fields, quotes as Excel writes them.
fn csv_rows(bytes: &[u8], file: &str) -> Result<Vec<Row>, BudgetListError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
        Err(_) => encoding_rs::GBK.decode(bytes).0.into_owned(),
    };
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|source| BudgetListError::Csv {
            file: file.to_string(),
            source,
        })?;
        let cells = record
            .iter()
            .enumerate()
            .filter(|(_, t)| !clean(t).is_empty())
            .map(|(c, t)| (c as u32, t.to_string()))
            .collect();
        rows.push((i as u32, cells));
    }
    Ok(rows)
}

/// What a header cell is to the list, with a rank: of two columns of one role, the
/// lower rank is taken (主管部门 before 单位名称, 合计 before 财政拨款).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Department,
    Project,
    Amount,
}

fn role(text: &str) -> Option<(Role, u8)> {
    let k = label_key(text);
    let has = |words: &[&str]| words.iter().any(|w| k.contains(w));
    if k.is_empty() || has(&["代码", "编码", "序号", "编号"]) {
        return None;
    }
    if has(&[
        "金额",
        "资金",
        "预算数",
        "预算额",
        "数额",
        "合计",
        "总额",
        "拨款",
    ]) || k.ends_with("(万元)")
        || k.ends_with("(元)")
    {
        let rank = if has(&["合计", "总额", "总计"]) {
            0
        } else if has(&["金额", "预算数", "预算额", "数额"]) {
            1
        } else {
            2
        };
        return Some((Role::Amount, rank));
    }
    if k.contains("项目") {
        if has(&["一级", "类别", "类型", "性质"]) {
            return None;
        }
        return Some((Role::Project, u8::from(!k.contains("名称"))));
    }
    if has(&["实施单位", "项目单位"]) {
        return Some((Role::Department, 2));
    }
    if k.contains("部门") {
        return Some((Role::Department, 0));
    }
    if k.contains("单位") && !k.starts_with("单位:") {
        return Some((Role::Department, 1));
    }
    None
}

/// The unit a header or a unit line states: `金额（元）`, `单位：万元`, `金额单位:元`.
fn stated_unit(text: &str, header: bool) -> Option<Unit> {
    let k = label_key(text);
    let at = if header {
        k.rfind("元")?
    } else {
        k.find("单位:").map(|i| i + "单位:".len())?
    };
    let tail = &k[at..];
    if header {
        return Some(if k[..at].ends_with('万') {
            Unit::Wan
        } else {
            Unit::Yuan
        });
    }
    if tail.starts_with("万元") {
        Some(Unit::Wan)
    } else if tail.starts_with('元') {
        Some(Unit::Yuan)
    } else {
        None
    }
}

/// The columns of the three roles.
struct Header {
    row: usize,
    department: u32,
    project: u32,
    amount: u32,
}

fn find_header(rows: &[Row]) -> Option<Header> {
    rows.iter()
        .take(50)
        .enumerate()
        .find_map(|(i, (_, cells))| {
            let best = |want: Role| {
                cells
                    .iter()
                    .filter_map(|(c, t)| role(t).filter(|(r, _)| *r == want).map(|(_, k)| (k, *c)))
                    .min()
                    .map(|(_, c)| c)
            };
            Some(Header {
                row: i,
                department: best(Role::Department)?,
                project: best(Role::Project)?,
                amount: best(Role::Amount)?,
            })
        })
}

/// A subtotal or total row (合计, 小计, 总计, 某局小计): not a project.
fn is_total(text: &str) -> bool {
    let k = label_key(text);
    ["合计", "小计", "总计"]
        .iter()
        .any(|w| k == *w || k.ends_with(w))
}

/// A name without the code a budget system writes before it (`820001-某某镇`).
fn name(text: &str) -> String {
    let t = clean(text);
    crate::locate::split_code(t)
        .map_or(t, |(_, rest)| clean(rest))
        .to_string()
}

/// Reads the lines of a list already split into rows. Without a header row the first
/// three columns are taken as 主管部门, 项目名称 and 金额 when the first row's third cell
/// is a number.
///
/// # Errors
/// [`BudgetListError::NoHeader`] when no header is found and the rows do not read as
/// those three columns; [`BudgetListError::NoProjects`] when no row names a project.
pub fn parse_rows(file: &str, sheet: Option<&str>, rows: &[Row]) -> Result<List, BudgetListError> {
    let header = find_header(rows).or_else(|| {
        let (_, first) = rows.iter().find(|(_, cells)| !cells.is_empty())?;
        let third = first.iter().find(|(c, _)| *c == 2)?;
        crate::locate::amount(&third.1)?;
        Some(Header {
            row: usize::MAX,
            department: 0,
            project: 1,
            amount: 2,
        })
    });
    let Some(header) = header else {
        return Err(BudgetListError::NoHeader {
            file: file.to_string(),
        });
    };
    let text_at = |cells: &[(u32, String)], col: u32| -> Option<String> {
        cells
            .iter()
            .find(|(c, _)| *c == col)
            .map(|(_, t)| clean(t).to_string())
            .filter(|t| !t.is_empty())
    };
    // The unit: the amount's header, else a 单位 line above the header (or beside it).
    let head_cells = rows.get(header.row).map(|(_, c)| c.as_slice());
    let unit_in_header = head_cells
        .and_then(|cells| text_at(cells, header.amount))
        .and_then(|t| stated_unit(&t, true));
    let unit_line = rows
        .iter()
        .take(header.row.saturating_add(1).min(rows.len()))
        .flat_map(|(_, cells)| cells.iter())
        .find_map(|(_, t)| stated_unit(t, false));
    let unit_stated = unit_in_header.or(unit_line).is_some();
    let unit = unit_in_header.or(unit_line).unwrap_or(Unit::Wan);
    let mut list = List {
        file: file.to_string(),
        unit_stated,
        ..List::default()
    };
    let mut index: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    let mut department = String::new();
    let start = if header.row == usize::MAX {
        0
    } else {
        header.row + 1
    };
    for (r, cells) in rows.iter().skip(start) {
        let dept = text_at(cells, header.department);
        let project = text_at(cells, header.project);
        let amount = text_at(cells, header.amount);
        if [&dept, &project]
            .iter()
            .any(|t| t.as_deref().is_some_and(is_total))
        {
            continue;
        }
        if let Some(d) = &dept {
            department = name(d);
        }
        // A unit's own row above its projects (its name and their sum): no project.
        let Some(project) = project else { continue };
        let project = name(&project);
        let cell = |col: u32| sheet.map(|_| a1(*r, col));
        let place = Place {
            file: file.to_string(),
            sheet: sheet.map(str::to_string),
            row: r + 1,
            project_cell: cell(header.project),
            amount_cell: cell(header.amount),
        };
        let read = amount.as_deref().and_then(crate::locate::amount);
        let Some(read) = read else {
            let what = match &amount {
                Some(t) => format!("金额“{t}”不是数字"),
                None => "没有金额".to_string(),
            };
            list.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                rule: Rule::BadAmount,
                file: file.to_string(),
                sheet: place.sheet.clone(),
                cell: place.amount_cell.clone(),
                message: format!("预算表第 {} 行（{project}）{what}，这一行未参与对比", r + 1),
            });
            continue;
        };
        let line_unit = read.unit.unwrap_or(unit);
        let wan = match line_unit {
            Unit::Wan => read.number,
            Unit::Yuan => read.number / Decimal::from(10_000),
        };
        let key = (
            crate::season::key(&department),
            crate::season::key(&project),
        );
        if let Some(&i) = index.get(&key) {
            let line = &mut list.lines[i];
            line.amount = line.amount.saturating_add(wan);
            line.written = line.written.saturating_add(read.number);
            line.rows += 1;
            continue;
        }
        index.insert(key, list.lines.len());
        list.lines.push(Line {
            department: department.clone(),
            project,
            amount: wan,
            written: read.number,
            unit: line_unit,
            rows: 1,
            place,
        });
    }
    if list.lines.is_empty() && list.diagnostics.is_empty() {
        return Err(BudgetListError::NoProjects {
            file: file.to_string(),
        });
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Row> {
        lines
            .iter()
            .enumerate()
            .map(|(r, cells)| {
                let cells = cells
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| !t.is_empty())
                    .map(|(c, t)| (c as u32, t.to_string()))
                    .collect();
                (r as u32, cells)
            })
            .collect()
    }

    #[test]
    fn header_by_role_in_any_order_with_the_unit_in_it() {
        let list = parse_rows(
            "预算.xlsx",
            Some("Sheet1"),
            &rows(&[
                &["2024年部门预算项目"],
                &["序号", "项目名称", "金额（元）", "主管部门"],
                &[
                    "1",
                    "机关党建工作",
                    "240,200.00",
                    "中共黔南州直属机关工作委员会",
                ],
                &["2", "党员教育培训", "100000", ""],
                &["", "合计", "340200", ""],
            ]),
        )
        .unwrap();
        assert!(list.unit_stated);
        assert_eq!(list.lines.len(), 2);
        let l = &list.lines[1];
        assert_eq!(l.department, "中共黔南州直属机关工作委员会", "carried down");
        assert_eq!(l.amount, "10".parse::<Decimal>().unwrap());
        assert_eq!(l.unit, Unit::Yuan);
        assert_eq!(l.place.describe(), "预算.xlsx:Sheet1!C4");
        assert_eq!(list.lines[0].amount, "24.02".parse::<Decimal>().unwrap());
    }

    #[test]
    fn a_unit_line_codes_subtotal_rows_and_bad_amounts() {
        let list = parse_rows(
            "预算.csv",
            None,
            &rows(&[
                &["单位：元"],
                &["单位名称", "项目", "预算数"],
                &["101001-黔南州财政局", "", "300000"],
                &["", "101001-预算评审", "200000"],
                &["", "绩效评价", "10万元"],
                &["", "待定项目", "待定"],
            ]),
        )
        .unwrap();
        assert!(list.unit_stated);
        let names: Vec<(&str, &str, String)> = list
            .lines
            .iter()
            .map(|l| {
                (
                    l.department.as_str(),
                    l.project.as_str(),
                    l.amount.to_string(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("黔南州财政局", "预算评审", "20".to_string()),
                ("黔南州财政局", "绩效评价", "10".to_string()),
            ]
        );
        assert_eq!(list.lines[0].place.describe(), "预算.csv 第 4 行");
        assert_eq!(list.diagnostics.len(), 1);
        assert!(
            list.diagnostics[0].message.contains("金额“待定”不是数字"),
            "{:?}",
            list.diagnostics
        );
    }

    #[test]
    fn without_a_header_or_a_unit() {
        let list = parse_rows("b.csv", None, &rows(&[&["某局", "某项目", "12.5"]])).unwrap();
        assert!(!list.unit_stated);
        assert_eq!(list.lines[0].amount, "12.5".parse::<Decimal>().unwrap());
        assert!(parse_rows("c.csv", None, &rows(&[&["名称", "说明"], &["甲", "乙"]])).is_err());
    }

    #[test]
    fn units_stated() {
        assert_eq!(stated_unit("金额（万元）", true), Some(Unit::Wan));
        assert_eq!(stated_unit("预算金额(元)", true), Some(Unit::Yuan));
        assert_eq!(stated_unit("金额", true), None);
        assert_eq!(stated_unit("单位：元", false), Some(Unit::Yuan));
        assert_eq!(stated_unit("金额单位: 万元", false), Some(Unit::Wan));
        assert_eq!(stated_unit("填报单位：某局", false), None);
        assert_eq!(role("主管部门"), Some((Role::Department, 0)));
        assert_eq!(role("二级项目名称"), Some((Role::Project, 0)));
        assert_eq!(role("一级项目名称"), None);
        assert_eq!(role("金额（万元）"), Some((Role::Amount, 1)));
        assert_eq!(role("部门代码"), None);
    }
}
