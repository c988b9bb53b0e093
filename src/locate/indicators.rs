//! The indicator grid under a header row: its rows as indicators, its 一级/二级 columns
//! found by header or by content, and a budget system's list split into projects.

use rustc_hash::FxHashMap as HashMap;

use super::labels::{Class, Column, Field};
use super::{GridHead, Header, TableBuilder, squeeze_into};
use crate::framework::FRAMEWORK;
use crate::model::{Diagnostic, Indicator, IndicatorCells, Project};
use crate::read::CellValue;
use crate::rule::Rule;
use crate::text::{a1, a1_range, clean};
use crate::value::Value;

impl TableBuilder<'_> {
    /// The indicators of rows `from..=to` under `head`.
    pub(super) fn indicators(&mut self, head: &GridHead, from: u32, to: u32) -> Vec<Indicator> {
        let mut differing = Vec::new();
        let (col_l1, col_l2) = self.level_columns(head, from, to);
        let col = |c: Column| match c {
            Column::Level1 => col_l1,
            Column::Level2 => col_l2,
            c => head.columns.get(&c).copied(),
        };
        let mut out = Vec::new();
        let mut level1: Level = (String::new(), None);
        let mut level2 = level1.clone();
        for (r, _) in self.grid.rows_between(from, to) {
            let read_at = |c: Option<u32>| -> Option<(String, (u32, u32))> {
                let (v, at) = self.grid.shown(r, c?)?;
                let t = clean(&v.text()).to_string();
                (!t.is_empty()).then_some((t, at))
            };
            let read = |c: Column| read_at(col(c));
            let l1 = read(Column::Level1);
            let l2 = read(Column::Level2);
            // A note merged across the row from a column left of the names
            // (其他需要说明事项 | 无 …) is no indicator's name.
            let own = |cell: Option<(String, (u32, u32))>| {
                cell.filter(|(_, at)| col(Column::Name).is_none_or(|c| at.1 >= c))
            };
            let name = own(read(Column::Name));
            // One value per place: the row's value is theirs when they agree.
            let places: Vec<(&str, Option<Read>)> = head
                .regions
                .iter()
                .map(|(c, place)| (place.as_str(), read_at(Some(*c))))
                .collect();
            let value_cell = if places.is_empty() {
                own(read(Column::Value))
            } else {
                let mut given = places.iter().filter_map(|(_, v)| v.as_ref());
                let first = given.next().cloned();
                let agree = given.all(|(t, _)| Some(t) == first.as_ref().map(|(f, _)| f));
                let all = places.iter().all(|(_, v)| v.is_some());
                match first {
                    Some(first) if agree && all => Some(first),
                    Some((_, at)) => {
                        differing.push((r, at, name.clone(), places.clone()));
                        None
                    }
                    None => None,
                }
            };
            // A form's placeholder row (指标2, ……) with nothing filled in is no indicator.
            let placeholder = name.as_ref().is_some_and(|(t, _)| is_placeholder_name(t))
                && value_cell.is_none()
                && read(Column::Actual).is_none();
            let no_places = places.iter().all(|(_, v)| v.is_none());
            if placeholder || (name.is_none() && value_cell.is_none() && no_places) {
                // A row of 一级/二级 alone starts a run without an indicator of its own.
                if let Some((t, at)) = &l1 {
                    level1 = (level1_name(t), Some(*at));
                }
                if let Some((t, at)) = &l2 {
                    level2 = (squeeze(t), Some(*at));
                }
                continue;
            }
            // Unmerged runs write 一级/二级 on their first row only: carry them down,
            // with the cell they were written in.
            carry(&mut level1, &mut level2, l1.as_ref(), l2.as_ref());
            let name_a1 =
                |c: &Option<(String, (u32, u32))>| c.as_ref().map(|(_, at)| a1(at.0, at.1));
            let value_at = value_cell
                .as_ref()
                .map(|(_, at)| *at)
                .or_else(|| col(Column::Value).map(|c| (r, c)));
            let value_text = value_cell.as_ref().map_or("", |(t, _)| t.as_str());
            // 指标方向 holding ≤ or ≥ (福建's 专项 forms) is the operator.
            let direction_op = read(Column::Direction)
                .map(|(t, _)| t)
                .filter(|t| crate::value::Op::parse(t).is_some());
            let value = if col(Column::Op).is_some()
                || col(Column::Unit).is_some()
                || direction_op.is_some()
            {
                let op = read(Column::Op)
                    .or_else(|| read(Column::Nature))
                    .map(|(t, _)| t)
                    .or(direction_op)
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
                weight: col(Column::Weight).map(|c| a1(r, c)),
                actual: col(Column::Actual).map(|c| a1(r, c)),
                score: col(Column::Score).map(|c| a1(r, c)),
                deviation: col(Column::Deviation).map(|c| a1(r, c)),
            };
            let text = |c: Column| read(c).map(|(t, _)| t);
            let mut indicator = Indicator {
                level1: level1.0.clone(),
                level2: level2.0.clone(),
                name: name.map(|(t, _)| t).unwrap_or_default(),
                value,
                note: note.map(|(t, _)| t),
                nature: text(Column::Nature),
                direction: text(Column::Direction),
                weight: text(Column::Weight).and_then(|t| crate::value::parse_number(&t)),
                scoring: text(Column::Scoring),
                actual: text(Column::Actual),
                score: text(Column::Score),
                deviation: text(Column::Deviation),
                ..Indicator::new("", "", "", Value::parse(""))
            };
            indicator.cell = cell;
            indicator.cells = cells;
            for (c, label) in &head.extra {
                // A label printed again down its column (绩效指标) is no value.
                if let Some((t, _)) = read_at(Some(*c)).filter(|(t, _)| t != label) {
                    indicator.extra.insert(label.clone(), t);
                }
            }
            for (place, v) in places {
                if let Some((t, _)) = v {
                    indicator.extra.insert(place.to_string(), t);
                }
            }
            out.push(indicator);
        }
        for (_, at, name, places) in differing {
            let said: Vec<String> = places
                .iter()
                .map(|(place, v)| format!("{place} {}", v.as_ref().map_or("（空）", |(t, _)| t)))
                .collect();
            self.diagnostics.push(Diagnostic::at(
                Rule::RegionalValue,
                &self.source,
                Some(&a1(at.0, at.1)),
                format!(
                    "“{}”的指标值按区域分列且各不相同（{}），未合为一个指标值，各区域的值按其列名保留",
                    name.map(|(t, _)| t).unwrap_or_default(),
                    said.join("、")
                ),
            ));
        }
        out
    }

    /// The indicators of a grid laid across (`head.across`): one per column right of
    /// the labels, its 一级 and 二级 carried from the left where merged or left blank.
    pub(super) fn indicators_across(&mut self, head: &GridHead) -> Vec<Indicator> {
        let row_of = |c: Column| head.columns.get(&c).copied();
        let mut cols: Vec<u32> = head
            .columns
            .values()
            .flat_map(|&r| self.grid.row(r).iter().map(|(c, _)| *c))
            .filter(|&c| c > head.cols.0)
            .collect();
        cols.sort_unstable();
        cols.dedup();
        let mut out = Vec::new();
        let mut level1: Level = (String::new(), None);
        let mut level2 = level1.clone();
        for c in cols {
            let read = |role: Column| -> Option<Read> {
                let (v, at) = self.grid.shown(row_of(role)?, c)?;
                let t = clean(&v.text()).to_string();
                (!t.is_empty()).then_some((t, at))
            };
            let l1 = read(Column::Level1);
            let l2 = read(Column::Level2);
            carry(&mut level1, &mut level2, l1.as_ref(), l2.as_ref());
            let name = read(Column::Name).filter(|(_, at)| at.1 == c);
            let value_cell = read(Column::Value).filter(|(_, at)| at.1 == c);
            if name.is_none() && value_cell.is_none() {
                continue;
            }
            let value_text = value_cell.as_ref().map_or("", |(t, _)| t.as_str());
            let value = if row_of(Column::Op).is_some() || row_of(Column::Unit).is_some() {
                let op = read(Column::Op).map(|(t, _)| t).unwrap_or_default();
                let unit = read(Column::Unit).map(|(t, _)| t).unwrap_or_default();
                Value::from_parts(&op, value_text, &unit)
            } else {
                Value::parse(value_text)
            };
            let at_of = |cell: &Option<Read>| cell.as_ref().map(|(_, at)| a1(at.0, at.1));
            let cell = value_cell
                .as_ref()
                .map(|(_, at)| *at)
                .or_else(|| row_of(Column::Value).map(|r| (r, c)))
                .map(|at| a1(at.0, at.1))
                .unwrap_or_default();
            let note = read(Column::Note);
            let text = |role: Column| read(role).map(|(t, _)| t);
            let at_row = |role: Column| row_of(role).map(|r| a1(r, c));
            let mut indicator = Indicator {
                level1: level1.0.clone(),
                level2: level2.0.clone(),
                name: name.as_ref().map(|(t, _)| t.clone()).unwrap_or_default(),
                value,
                note: note.as_ref().map(|(t, _)| t.clone()),
                nature: text(Column::Nature),
                direction: text(Column::Direction),
                weight: text(Column::Weight).and_then(|t| crate::value::parse_number(&t)),
                scoring: text(Column::Scoring),
                actual: text(Column::Actual),
                score: text(Column::Score),
                deviation: text(Column::Deviation),
                ..Indicator::new("", "", "", Value::parse(""))
            };
            indicator.cells = IndicatorCells {
                level1: level1.1.map(|at| a1(at.0, at.1)),
                level2: level2.1.map(|at| a1(at.0, at.1)),
                name: at_of(&name),
                value: Some(cell.clone()),
                note: at_of(&note),
                weight: at_row(Column::Weight),
                actual: at_row(Column::Actual),
                score: at_row(Column::Score),
                deviation: at_row(Column::Deviation),
            };
            indicator.cell = cell;
            out.push(indicator);
        }
        out
    }

    /// The 一级 and 二级 columns: as the header names them, or else the columns left of
    /// the names whose cells hold the framework's labels (产出指标, 数量指标 …).
    fn level_columns(&self, head: &GridHead, from: u32, to: u32) -> (Option<u32>, Option<u32>) {
        let named = |c| head.columns.get(&c).copied();
        let (mut l1, mut l2) = (named(Column::Level1), named(Column::Level2));
        if l1.is_some() && l2.is_some() {
            return (l1, l2);
        }
        let name_col = named(Column::Name).unwrap_or(0);
        let mut hits: HashMap<u32, (usize, usize)> = HashMap::default();
        let mut key = String::new();
        for (_, cells) in self.grid.rows_between(from, to) {
            for (c, v) in cells
                .iter()
                .filter(|(c, _)| *c < name_col && *c >= head.cols.0)
            {
                let CellValue::Text(t) = v else { continue };
                key.clear();
                squeeze_into(t, &mut key);
                let entry = hits.entry(*c).or_default();
                // 产出指标(50分) counts as 产出指标; most cells hold no bracket.
                let one_key = if key.contains(['(', '（']) {
                    std::borrow::Cow::Owned(level1_name(&key))
                } else {
                    std::borrow::Cow::Borrowed(key.as_str())
                };
                if FRAMEWORK.iter().any(|(one, _)| *one == one_key) {
                    entry.0 += 1;
                } else if FRAMEWORK.iter().any(|(_, two)| two.contains(&key.as_str())) {
                    entry.1 += 1;
                }
            }
        }
        let best = |pick: fn(&(usize, usize)) -> usize, not: Option<u32>| {
            hits.iter()
                .filter(|(c, h)| pick(h) > 0 && Some(**c) != not)
                .max_by_key(|(c, h)| (pick(h), std::cmp::Reverse(**c)))
                .map(|(c, _)| *c)
        };
        if l1.is_none() {
            l1 = best(|h| h.0, l2);
        }
        if l2.is_none() {
            l2 = best(|h| h.1, l1);
        }
        (l1, l2)
    }

    /// A budget system's list: the header row names project fields beside the
    /// indicator columns; a project starts where its name column does.
    pub(super) fn list(
        &mut self,
        band: Header,
        head: &GridHead,
        top: u32,
        end: u32,
    ) -> Vec<Project> {
        let name_col = head
            .fields
            .iter()
            .find(|(_, class)| {
                matches!(
                    class,
                    Class::Field {
                        field: Field::Level2Project,
                        ..
                    }
                )
            })
            .map(|(c, _)| *c);
        let Some(name_col) = name_col else {
            return Vec::new();
        };
        // Each project's first row and the position its name is stored at.
        let mut starts: Vec<(u32, (u32, u32), String)> = Vec::new();
        for (r, _) in self.grid.rows_between(head.first_data_row, end) {
            let Some((v, at)) = self.grid.shown(r, name_col) else {
                continue;
            };
            let text = clean(&v.text()).to_string();
            // A subtotal row whose unit cell is merged across the name column names
            // no project.
            if text.is_empty() || at.1 != name_col {
                continue;
            }
            let same = starts
                .last()
                .is_some_and(|(_, last_at, last)| *last_at == at || *last == text);
            if !same {
                starts.push((r, at, text));
            }
        }
        // The department and units carried down from rows above (a unit's subtotal
        // row may name it once above its projects).
        let mut carried: HashMap<u32, (String, (u32, u32))> = HashMap::default();
        let carries = |class: &Class| {
            matches!(
                class,
                Class::Field {
                    field: Field::Department | Field::BudgetUnit | Field::Implementer,
                    ..
                }
            )
        };
        // A row naming a unit but no project (820-马踏镇部门 above its units' projects)
        // groups the projects below it: the group is the department, the project's
        // own unit its implementer.
        let mut groups: HashMap<u32, (String, (u32, u32))> = HashMap::default();
        let is_unit = |class: &Class| {
            matches!(
                class,
                Class::Field {
                    field: Field::BudgetUnit,
                    ..
                }
            )
        };
        let names_project = |r: u32| {
            self.grid
                .shown(r, name_col)
                .is_some_and(|(v, at)| at.1 == name_col && !clean(&v.text()).is_empty())
        };
        let mut projects = Vec::new();
        let mut row_iter_from = head.first_data_row;
        for (i, (first, _, _)) in starts.iter().enumerate() {
            let last = starts.get(i + 1).map_or(end, |(r, _, _)| r - 1);
            // Carried values from the rows above this project's first row.
            for (r, _) in self
                .grid
                .rows_between(row_iter_from, first.saturating_sub(1))
            {
                for (c, class) in &head.fields {
                    if carries(class)
                        && let Some((v, at)) = self.grid.shown(r, *c)
                    {
                        let t = clean(&v.text()).to_string();
                        if !t.is_empty() {
                            if is_unit(class) && at.0 == r && !names_project(r) {
                                groups.insert(*c, (t.clone(), at));
                            }
                            carried.insert(*c, (t, at));
                        }
                    }
                }
            }
            row_iter_from = *first;
            let mut h = band.clone();
            h.top = Some(*first);
            for (c, class) in &head.fields {
                let here = self.grid.shown(*first, *c).and_then(|(v, at)| {
                    let t = clean(&v.text()).to_string();
                    (!t.is_empty()).then_some((v, t, at))
                });
                match class {
                    Class::Field { field, .. } => {
                        let found = here
                            .map(|(_, t, at)| (t, at))
                            .or_else(|| carries(class).then(|| carried.get(c).cloned()).flatten());
                        if let Some((t, at)) = found {
                            if carries(class) {
                                carried.insert(*c, (t.clone(), at));
                            }
                            if *field == Field::BudgetUnit {
                                match groups.get(c) {
                                    Some(group) if group.0 != t => {
                                        h.budget_units.push(group.clone());
                                    }
                                    _ => {}
                                }
                                h.budget_units.push((t, at));
                            } else if !h.project.cells.contains_key(field.key()) {
                                h.project.cells.insert(field.key().into(), a1(at.0, at.1));
                                super::set_field(&mut h.project, *field, t, &mut self.source);
                            }
                        }
                    }
                    Class::Funds { lines, unit } => {
                        let Some((fund, _)) = lines.first() else {
                            continue;
                        };
                        if let Some((v, _, at)) = here {
                            let v = v.clone();
                            if let Some(mut a) = self.amount_of(&v, at, fund) {
                                a.unit = a.unit.or(*unit);
                                if !h.funds.iter().any(|(f, _, _)| f == fund) {
                                    h.funds.push((fund.clone(), a, at));
                                }
                            }
                        } else {
                            h.project
                                .cells
                                .entry(fund.key())
                                .or_insert_with(|| a1(*first, *c));
                        }
                    }
                    _ => {}
                }
            }
            let mut project = self.finish(h);
            project.indicators = self.indicators(head, *first, last);
            let (left, right) = self.extent(*first, last);
            let mut source = self.source.clone();
            source.range = a1_range((top.min(*first), left), (last, right));
            project.source = source;
            // Codes belong to the project they were read for.
            self.source.codes = None;
            projects.push(project);
        }
        projects
    }
}

/// An 一级 label as the framework names it: `产出\n指标` is 产出指标, and the points a
/// form prints after it (产出指标(50分), 产出指标\n(40-50)分, 成本指标(0-20)分) are not part
/// of its name.
/// Where a run's 一级 or 二级 stands: its text and the cell it was written in.
type Level = (String, Option<(u32, u32)>);

/// Carries 一级 and 二级 down a run (or across it): what a row or column writes replaces
/// them, and a new 一级 without a 二级 of its own starts with none.
fn carry(level1: &mut Level, level2: &mut Level, l1: Option<&Read>, l2: Option<&Read>) {
    if let Some((t, at)) = l1 {
        let t = level1_name(t);
        if t != level1.0 && l2.is_none() {
            *level2 = (String::new(), None);
        }
        *level1 = (t, Some(*at));
    }
    if let Some((t, at)) = l2 {
        *level2 = (squeeze(t), Some(*at));
    }
}

fn level1_name(label: &str) -> String {
    let name = squeeze(label);
    if !name.contains(['(', '（']) {
        return name;
    }
    let folded = crate::text::fold(&name);
    let Some(open) = folded.find('(') else {
        return name;
    };
    let (head, points) = folded.split_at(open);
    let is_points = points.contains('分')
        && points.chars().any(|c| c.is_ascii_digit())
        && points
            .chars()
            .all(|c| c.is_ascii_digit() || "()分-~.—–".contains(c));
    if is_points && !head.is_empty() {
        // The name as written, before its points.
        name.chars().take(head.chars().count()).collect()
    } else {
        name
    }
}

/// A cell's text as read, with where it is shown.
type Read = (String, (u32, u32));

/// 一级/二级 labels are framework names: `产出\n指标` is 产出指标.
fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    squeeze_into(s, &mut out);
    out
}

/// The names a blank form prints for rows to fill in: 指标1, 指标2, ……, …, and a
/// category's own name (质量, 时效指标) on a row left empty.
fn is_placeholder_name(name: &str) -> bool {
    let t = name.trim();
    let bare = t.strip_suffix("指标").unwrap_or(t);
    if !bare.is_empty()
        && FRAMEWORK.iter().any(|(one, twos)| {
            one.strip_suffix("指标") == Some(bare)
                || twos
                    .iter()
                    .any(|two| two.strip_suffix("指标") == Some(bare))
        })
    {
        return true;
    }
    form_prompt(name)
}

fn form_prompt(name: &str) -> bool {
    let dots = |c: char| c.is_whitespace() || "…….。·".contains(c);
    let t = name.trim();
    let rest = t.strip_prefix("指标").unwrap_or(t);
    (rest.len() < t.len() || !rest.is_empty())
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || dots(c) || "一二三四五六七八九十".contains(c))
        && (rest.len() < t.len() || rest.chars().all(dots))
}

#[cfg(test)]
mod tests {
    use super::is_placeholder_name;

    #[test]
    fn placeholder_names() {
        for t in ["指标", "指标2", "指标1", "……", "…", "指标三"] {
            assert!(is_placeholder_name(t), "{t}");
        }
        for t in ["1", "指标1工程完工率", "市民满意度", "指标值"] {
            assert!(!is_placeholder_name(t), "{t}");
        }
    }
}
