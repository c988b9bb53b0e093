//! Tables laid out as an outline: no 一级 | 二级 | 三级 columns, but one column of labels
//! in which each row is a level — the unit, the project (with its amount), 一级指标,
//! 二级指标, then the 三级指标 with their 指标值 beside — under a header such as
//! 项目 | 指标值 | 绩效金额. Some budget systems print their approved targets so; the
//! indentation that showed the levels is gone once the table is copied, so a row's level
//! is read from its label: the framework's 一级 and 二级 names.

use rust_decimal::Decimal;

use super::labels::{self, Class, Unit};
use super::{Classes, set_field};
use crate::model::{Diagnostic, Indicator, Project, Source};
use crate::read::{CellValue, Sheet};
use crate::text::{a1, a1_range, clean, fold};
use crate::value::{Value, decimal_from_f64, money};

/// The outline's columns, from its header row.
struct Head {
    row: u32,
    label: u32,
    value: u32,
    amount: Option<u32>,
}

/// A label without what a form adds in brackets (成本指标(必填硬性指标) → 成本指标).
fn bare(label: &str) -> String {
    let mut out = String::new();
    let mut depth = 0u32;
    for c in fold(label).chars() {
        match c {
            '(' | '[' | '【' => depth += 1,
            ')' | ']' | '】' => depth = depth.saturating_sub(1),
            c if depth == 0 && !c.is_whitespace() => out.push(c),
            _ => {}
        }
    }
    out
}

fn level1_name(label: &str) -> bool {
    let b = bare(label);
    crate::framework::FRAMEWORK.iter().any(|(l1, _)| *l1 == b)
}

/// True when `label` is one of the 二级 of the 一级 `level1` (成本指标 is both a 一级 and
/// a 二级 of 产出指标: under 产出指标 it is the 二级).
fn level2_of(level1: &str, label: &str) -> bool {
    let (l1, b) = (bare(level1), bare(label));
    crate::framework::FRAMEWORK
        .iter()
        .any(|(one, twos)| *one == l1 && twos.contains(&b.as_str()))
        || (l1 == "满意度指标" && b.contains("满意度"))
}

fn level2_name(label: &str) -> bool {
    let b = bare(label);
    crate::framework::FRAMEWORK
        .iter()
        .any(|(_, l2)| l2.contains(&b.as_str()))
        // 服务对象满意度指标 is written 满意度指标 too.
        || b == "满意度指标"
}

fn find_head(sheet: &Sheet) -> Option<Head> {
    let grid = &sheet.grid;
    for r in grid.row_indices() {
        let cells = grid.row(r);
        let Some((value, _)) = cells
            .iter()
            .find(|(_, v)| matches!(v, CellValue::Text(t) if bare(t) == "指标值"))
        else {
            continue;
        };
        let Some((label, _)) = cells.iter().find(|(c, v)| {
            *c < *value && matches!(v, CellValue::Text(t) if ["项目", "项目名称", "指标", "名称"].contains(&bare(t).as_str()))
        }) else {
            continue;
        };
        let amount = cells
            .iter()
            .find(|(c, v)| {
                *c > *label
                    && *c != *value
                    && matches!(v, CellValue::Text(t) if {
                        let b = bare(t);
                        b.contains("金额") || b.contains("资金")
                    })
            })
            .map(|(c, _)| *c);
        return Some(Head {
            row: r,
            label: *label,
            value: *value,
            amount,
        });
    }
    None
}

fn text_at(sheet: &Sheet, r: u32, c: u32) -> Option<(String, (u32, u32))> {
    let (v, at) = sheet.grid.shown(r, c)?;
    let t = clean(&v.text()).to_string();
    (!t.is_empty()).then_some((t, at))
}

fn amount_at(sheet: &Sheet, r: u32, c: u32) -> Option<(Decimal, (u32, u32))> {
    let (v, at) = sheet.grid.shown(r, c)?;
    let n = match v {
        CellValue::Number(x) => decimal_from_f64(*x)?,
        CellValue::Text(t) => labels::amount(t)?.number,
        _ => return None,
    };
    Some((n, at))
}

/// The outline tables of a sheet that has no indicator grid, or `None` when it is not
/// an outline either (no 指标值 header, or no 一级 row and indicator under it).
pub(super) fn outline(
    file: &str,
    sheet: &Sheet,
    classes: &Classes,
) -> Option<(Vec<Project>, Vec<Diagnostic>)> {
    let head = find_head(sheet)?;
    let grid = &sheet.grid;
    let source = Source {
        file: file.to_string(),
        sheet: sheet.name.clone(),
        ..Source::default()
    };
    // What the rows above the header say: the title and the unit.
    let mut title = None;
    let mut unit = Unit::Wan;
    let first = grid.row_indices().next().unwrap_or(head.row);
    for r in first..head.row {
        for (c, v) in grid.row(r) {
            match classes.get(&(r, *c)) {
                Some(Class::Title) if title.is_none() => {
                    title = Some((clean(&v.text()).to_string(), (r, *c)));
                }
                Some(Class::UnitLine(u)) => unit = *u,
                _ => {}
            }
        }
    }
    let fresh = |department: Option<&(String, (u32, u32))>| {
        let mut p = Project {
            unit: "万元".into(),
            source_unit: unit.as_str().into(),
            source: source.clone(),
            ..Project::default()
        };
        if let Some((t, at)) = &title {
            p.year = labels::year_in(t);
            p.stage = labels::stage_in(t).map(str::to_string);
            p.title = Some(t.clone());
            p.cells.insert("title".into(), a1(at.0, at.1));
        }
        if let Some((d, at)) = department {
            p.cells.insert("department".into(), a1(at.0, at.1));
            let mut s = std::mem::take(&mut p.source);
            set_field(&mut p, super::Field::Department, d.clone(), &mut s);
            p.source = s;
        }
        p
    };
    let mut projects: Vec<(Project, u32)> = Vec::new();
    let mut department: Option<(String, (u32, u32))> = None;
    let mut level1: Option<(String, (u32, u32))> = None;
    let mut level2: Option<(String, (u32, u32))> = None;
    let mut last = head.row;
    for r in grid.row_indices().filter(|r| *r > head.row) {
        let Some((label, label_at)) = text_at(sheet, r, head.label) else {
            continue;
        };
        let value = text_at(sheet, r, head.value);
        let amount = head.amount.and_then(|c| amount_at(sheet, r, c));
        let under = level1.as_ref().map(|(t, _)| t.as_str());
        if value.is_none() && under.is_some_and(|l1| level2_of(l1, &label)) {
            level2 = Some((label, label_at));
        } else if level1_name(&label) && value.is_none() {
            level1 = Some((label, label_at));
            level2 = None;
        } else if level1.is_some() && level2_name(&label) && value.is_none() {
            level2 = Some((label, label_at));
        } else if let (Some((l1, l1_at)), Some((v, v_at)), Some((p, _))) =
            (&level1, &value, projects.last_mut())
        {
            let mut i = Indicator::new(
                l1,
                level2.as_ref().map_or("", |(t, _)| t),
                &label,
                Value::parse(v),
            );
            i.cell = a1(v_at.0, v_at.1);
            i.cells.level1 = Some(a1(l1_at.0, l1_at.1));
            i.cells.level2 = level2.as_ref().map(|(_, at)| a1(at.0, at.1));
            i.cells.name = Some(a1(label_at.0, label_at.1));
            i.cells.value = Some(i.cell.clone());
            p.indicators.push(i);
        } else if let Some((n, at)) = amount {
            // A project's row: its name and amount; a new table.
            let mut p = fresh(department.as_ref());
            p.cells
                .insert("level2_project".into(), a1(label_at.0, label_at.1));
            let mut s = std::mem::take(&mut p.source);
            set_field(&mut p, super::Field::Level2Project, label, &mut s);
            p.source = s;
            let wan = match unit {
                Unit::Wan => n,
                Unit::Yuan => n / Decimal::from(10_000),
            };
            p.funds.total = Some(money(wan));
            p.cells.insert("funds.total".into(), a1(at.0, at.1));
            projects.push((p, r));
            level1 = None;
            level2 = None;
        } else if level1.is_none() || projects.is_empty() {
            // A row of its own above the projects: the unit they belong to.
            department = Some((label, label_at));
        } else {
            continue;
        }
        last = r;
    }
    let projects: Vec<Project> = projects
        .into_iter()
        .filter(|(p, _)| !p.indicators.is_empty())
        .map(|(mut p, _)| {
            let left = head.label.min(head.value);
            let right = head.amount.unwrap_or(0).max(head.value);
            let top = title.as_ref().map_or(head.row, |(_, at)| at.0);
            p.source.range = a1_range((top, left), (last, right));
            p
        })
        .collect();
    (!projects.is_empty()).then_some((projects, Vec::new()))
}
