//! The tables against the budget (`--budget 预算.xlsx`): each table's 年度资金总额 beside
//! the amount the budget gives its project, the budgeted projects that have no table
//! and the tables the budget does not list. Pure: the list is read by [`list`].
//!
//! Department and project are matched after folding, as `--expect` matches names
//! ([`crate::season`]); a close name is pointed out as likely, never matched.

pub mod list;

use rust_decimal::Decimal;

use crate::locate::Unit;
use crate::model::{Diagnostic, Source};
use crate::rule::Rule;
use crate::season::{NEAR, key, similarity};
use crate::validate::{Config, ProjectKey};
use crate::value::money;
pub use list::{BudgetListError, Line, List, Place, read_list};

/// How a budgeted project and its table compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The table's 年度资金总额 is the budgeted amount.
    Matches,
    /// It is not (`budget-mismatch`).
    Differs,
    /// The table gives no 年度资金总额 (`empty-field` says so).
    NoAmount,
    /// A budgeted project without a table (`budget-missing`).
    Missing,
    /// A table of a project the budget does not list (`budget-unlisted`).
    Unlisted,
}

impl Status {
    /// The word a clerk reads on the 预算对比 sheet.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Matches => "相符",
            Status::Differs => "金额不符",
            Status::NoAmount => "表中未填金额",
            Status::Missing => "未报送",
            Status::Unlisted => "不在预算表中",
        }
    }
}

/// One row of the comparison: a budgeted project, or a table the budget does not list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// As the list writes it; for a table the list lacks, as the table does.
    pub department: String,
    /// The project's name, from the same side as the department.
    pub project: String,
    /// The budgeted amount in 万元 (none for a table the list lacks).
    pub budget: Option<Decimal>,
    /// The table's 年度资金总额 in 万元.
    pub table: Option<Decimal>,
    /// How the two sides agree: the same, a different amount, only on one side.
    pub status: Status,
    /// Where the budget line is.
    pub line: Option<Place>,
    /// Where the table is.
    pub source: Option<Source>,
    /// A close name on the other side, for a person to decide (never matched).
    pub likely: Option<String>,
}

impl Row {
    /// 年度资金总额 − 预算金额, when both are known.
    pub fn difference(&self) -> Option<Decimal> {
        Some(self.table?.saturating_sub(self.budget?))
    }
}

/// The comparison of a batch with its budget.
#[derive(Debug, Clone, Default)]
pub struct Reconciliation {
    /// The list's file, as findings name it.
    pub file: String,
    /// Budgeted projects in the list's order, each department's unlisted tables after
    /// its own lines, then the unlisted tables of departments the list does not name.
    pub rows: Vec<Row>,
    /// `budget-mismatch`, `budget-unlisted` (in the tables' order), `budget-missing`
    /// (in the list's order), and the list's own `bad-amount` findings, first.
    pub diagnostics: Vec<Diagnostic>,
}

impl Reconciliation {
    /// How many rows have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.rows.iter().filter(|r| r.status == status).count()
    }
}

/// A table as the comparison sees it.
struct Table<'a> {
    key: &'a ProjectKey,
    dept: String,
    name: String,
    dept_key: String,
    name_key: String,
}

/// Compares `tables` (the projects that count) with the budget `list`; findings get
/// their severity from `config`, and `budget-mismatch` its tolerance in 万元.
pub fn reconcile(list: &List, tables: &[ProjectKey], config: &Config) -> Reconciliation {
    let tolerance = config.tolerance(Rule::BudgetMismatch.as_str());
    let tables: Vec<Table> = tables
        .iter()
        .filter_map(|t| {
            let dept = t.department.clone()?;
            let name = t.name.clone()?;
            Some(Table {
                key: t,
                dept_key: key(&dept),
                name_key: key(&name),
                dept,
                name,
            })
        })
        .collect();
    let line_keys: Vec<(String, String)> = list
        .lines
        .iter()
        .map(|l| (key(&l.department), key(&l.project)))
        .collect();
    let by_key: std::collections::HashMap<(&str, &str), usize> = line_keys
        .iter()
        .enumerate()
        .rev()
        .map(|(i, (d, p))| ((d.as_str(), p.as_str()), i))
        .collect();
    // The line each table matches exactly.
    let matched: Vec<Option<usize>> = tables
        .iter()
        .map(|t| {
            by_key
                .get(&(t.dept_key.as_str(), t.name_key.as_str()))
                .copied()
        })
        .collect();
    let mut first_table: Vec<Option<usize>> = vec![None; list.lines.len()];
    for (ti, m) in matched.iter().enumerate() {
        if let Some(li) = *m {
            first_table[li].get_or_insert(ti);
        }
    }
    let lone_tables: Vec<usize> = (0..tables.len())
        .filter(|&i| matched[i].is_none())
        .collect();
    let lone_lines: Vec<usize> = (0..list.lines.len())
        .filter(|&i| first_table[i].is_none())
        .collect();
    let near = near_pairs(&tables, &lone_tables, &line_keys, &lone_lines);

    let mut out = Reconciliation {
        file: list.file.clone(),
        diagnostics: list
            .diagnostics
            .iter()
            .cloned()
            .filter_map(|d| config.apply(d))
            .collect(),
        ..Reconciliation::default()
    };
    let mut findings = Vec::new();
    for (ti, t) in tables.iter().enumerate() {
        let source = &t.key.source;
        match matched[ti] {
            Some(li) => {
                let line = &list.lines[li];
                let Some(total) = t.key.total else { continue };
                if total.saturating_sub(line.amount).abs() <= tolerance {
                    continue;
                }
                findings.push(Diagnostic::at(
                    Rule::BudgetMismatch,
                    source,
                    t.key.total_cell.as_deref(),
                    mismatch_message(total, line, list.unit_stated),
                ));
            }
            None => {
                let mut message =
                    format!("项目“{}”（{}）不在预算表 {} 中", t.name, t.dept, list.file);
                if let Some(&li) = near.by_table.get(&ti) {
                    let l = &list.lines[li];
                    message.push_str(&format!(
                        "；预算表中有名称相近的“{}”的“{}”（{}，{} 万元），请核对是否为同一项目（未自动匹配）",
                        l.department,
                        l.project,
                        l.place.describe(),
                        money(l.amount)
                    ));
                }
                findings.push(Diagnostic::at(
                    Rule::BudgetUnlisted,
                    source,
                    t.key.cell.as_deref(),
                    message,
                ));
            }
        }
    }
    for &li in &lone_lines {
        let l = &list.lines[li];
        let mut message = format!(
            "预算项目“{}”（{}，{} 万元{}）没有绩效目标表",
            l.project,
            l.department,
            money(l.amount),
            rows_note(l)
        );
        if let Some(&ti) = near.by_line.get(&li) {
            let t = &tables[ti];
            message.push_str(&format!(
                "；收到名称相近的“{}”的“{}”（{}:{}），请核对是否为同一项目（未自动匹配）",
                t.dept, t.name, t.key.source.file, t.key.source.sheet
            ));
        }
        let (place, what) = match &l.place.sheet {
            Some(_) => (l.place.sheet.clone(), message),
            None => (None, format!("第 {} 行：{message}", l.place.row)),
        };
        findings.push(Diagnostic {
            severity: Rule::BudgetMissing.severity(),
            rule: Rule::BudgetMissing,
            file: list.file.clone(),
            sheet: place,
            cell: l.place.project_cell.clone(),
            message: what,
        });
    }
    out.diagnostics
        .extend(findings.into_iter().filter_map(|d| config.apply(d)));

    // The rows: the list's order, each department's lone tables after its lines.
    let table_row = |ti: usize, status: Status, budget: Option<&Line>| {
        let t = &tables[ti];
        Row {
            department: budget.map_or_else(|| t.dept.clone(), |l| l.department.clone()),
            project: budget.map_or_else(|| t.name.clone(), |l| l.project.clone()),
            budget: budget.map(|l| l.amount),
            table: t.key.total,
            status,
            line: budget.map(|l| l.place.clone()),
            source: Some(t.key.source.clone()),
            likely: None,
        }
    };
    let mut lone_by_dept: indexmap::IndexMap<&str, Vec<usize>> = indexmap::IndexMap::new();
    for &ti in &lone_tables {
        lone_by_dept
            .entry(tables[ti].dept_key.as_str())
            .or_default()
            .push(ti);
    }
    let mut lone_rows = |ti: usize| {
        let mut row = table_row(ti, Status::Unlisted, None);
        row.likely = near.by_table.get(&ti).map(|&li| {
            let l = &list.lines[li];
            format!(
                "预算表中有名称相近的“{}”的“{}”，请核对",
                l.department, l.project
            )
        });
        row
    };
    for (li, l) in list.lines.iter().enumerate() {
        let row = match first_table[li] {
            Some(ti) => {
                let status = match tables[ti].key.total {
                    None => Status::NoAmount,
                    Some(t) if t.saturating_sub(l.amount).abs() <= tolerance => Status::Matches,
                    Some(_) => Status::Differs,
                };
                table_row(ti, status, Some(l))
            }
            None => Row {
                department: l.department.clone(),
                project: l.project.clone(),
                budget: Some(l.amount),
                table: None,
                status: Status::Missing,
                line: Some(l.place.clone()),
                source: None,
                likely: near.by_line.get(&li).map(|&ti| {
                    let t = &tables[ti];
                    format!("收到名称相近的“{}”的“{}”，请核对", t.dept, t.name)
                }),
            },
        };
        out.rows.push(row);
        // After a department's last line, its tables the list lacks.
        let dept = line_keys[li].0.as_str();
        let last_of_dept = line_keys[li + 1..].iter().all(|(d, _)| d != dept);
        if last_of_dept && let Some(lone) = lone_by_dept.shift_remove(dept) {
            out.rows.extend(lone.into_iter().map(&mut lone_rows));
        }
    }
    for (_, lone) in lone_by_dept {
        out.rows.extend(lone.into_iter().map(&mut lone_rows));
    }
    out
}

fn rows_note(l: &Line) -> String {
    if l.rows > 1 {
        format!("，预算表中 {} 行合计", l.rows)
    } else {
        String::new()
    }
}

/// `budget-mismatch`'s message: both amounts, where the budget's is, by how much.
fn mismatch_message(total: Decimal, line: &Line, unit_stated: bool) -> String {
    let written = match line.unit {
        Unit::Yuan => format!("，为 {} 元", money(line.written)),
        Unit::Wan => String::new(),
    };
    let diff = total.saturating_sub(line.amount);
    let (more, by) = if diff > Decimal::ZERO {
        ("多", diff)
    } else {
        ("少", -diff)
    };
    let mut message = format!(
        "年度资金总额 {} 万元 ≠ 预算金额 {} 万元（{}{written}{}），比预算{more} {} 万元",
        money(total),
        money(line.amount),
        line.place.describe(),
        rows_note(line),
        money(by)
    );
    // A list in 元 that does not say so reads ten thousand times too large.
    if !unit_stated && total.checked_mul(Decimal::from(10_000)) == Some(line.amount) {
        message.push_str(
            "；预算表未注明金额单位，按万元读取，若以元计则两者相符，请在表头写明“金额（元）”",
        );
    }
    message
}

/// Close names across the two sides: for each lone table the likely line, and for each
/// lone line the likely table. Departments are compared once each, then projects
/// only within departments alike, so a batch of thousands stays quick.
#[derive(Default)]
struct Near {
    by_table: std::collections::HashMap<usize, usize>,
    by_line: std::collections::HashMap<usize, usize>,
}

fn near_pairs(
    tables: &[Table],
    lone_tables: &[usize],
    line_keys: &[(String, String)],
    lone_lines: &[usize],
) -> Near {
    let mut near = Near::default();
    if lone_tables.is_empty() || lone_lines.is_empty() {
        return near;
    }
    let table_depts = group(
        lone_tables
            .iter()
            .map(|&ti| (tables[ti].dept_key.as_str(), ti))
            .collect(),
    );
    let line_depts = group(
        lone_lines
            .iter()
            .map(|&li| (line_keys[li].0.as_str(), li))
            .collect(),
    );
    // (score, table, line) of every close pair: departments compared once a pair,
    // projects only where the departments are alike.
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (td, tis) in &table_depts {
        for (ld, lis) in &line_depts {
            let ds = similarity(td, ld);
            if ds < NEAR {
                continue;
            }
            for &ti in tis {
                let name = &tables[ti].name_key;
                for &li in lis {
                    let lp = &line_keys[li].1;
                    if !could_be_near(name, lp) {
                        continue;
                    }
                    let ps = similarity(name, lp);
                    if ps >= NEAR {
                        pairs.push((ds + ps, ti, li));
                    }
                }
            }
        }
    }
    // Best first; ties in the tables' and then the list's order.
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, ti, li) in pairs {
        near.by_table.entry(ti).or_insert(li);
        near.by_line.entry(li).or_insert(ti);
    }
    near
}

/// Indices grouped by a key, in the order keys first appear.
fn group(keys: Vec<(&str, usize)>) -> indexmap::IndexMap<&str, Vec<usize>> {
    let mut g: indexmap::IndexMap<&str, Vec<usize>> = indexmap::IndexMap::new();
    for (k, i) in keys {
        g.entry(k).or_default().push(i);
    }
    g
}

/// Whether two names' lengths allow them to be alike at all.
fn could_be_near(a: &str, b: &str) -> bool {
    let (x, y) = (a.chars().count(), b.chars().count());
    let (short, long) = (x.min(y), x.max(y));
    long == 0 || short as f64 / long as f64 >= NEAR
}

/// The lines `check` and `merge` end with.
pub fn summary_lines(r: &Reconciliation) -> Vec<String> {
    let budgeted = r.rows.iter().filter(|row| row.budget.is_some()).count();
    let sum = r
        .rows
        .iter()
        .filter_map(|row| row.budget)
        .fold(Decimal::ZERO, Decimal::saturating_add);
    let mut parts = vec![format!("相符 {} 个", r.count(Status::Matches))];
    for status in [Status::Differs, Status::NoAmount, Status::Missing] {
        let n = r.count(status);
        if n > 0 {
            parts.push(format!("{} {n} 个", status.as_str()));
        }
    }
    let mut line = format!(
        "预算对比（{}，{budgeted} 个项目，{} 万元）：{}",
        r.file,
        money(sum),
        parts.join("，")
    );
    let unlisted = r.count(Status::Unlisted);
    if unlisted > 0 {
        line.push_str(&format!("；另有 {unlisted} 张表不在预算表中"));
    }
    vec![line]
}

#[cfg(test)]
mod tests;
