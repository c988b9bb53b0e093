//! The indicators of one project on both sides: matched by name after folding, the
//! rest by similarity of name (within the same 二级指标, helped by an equal value), so
//! a renamed indicator is one change, not a removal and an addition.

use super::{Change, Kind, Place, base, name_similarity};
use crate::model::{Indicator, Project};
use crate::season::key;
use crate::value::Value;

/// Whether two 指标值 say the same: the same operator, number and unit, or the same
/// text after folding (`＝100%` is `=100%`; `≥100%` is not).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a.number, b.number) {
        (Some(x), Some(y)) => {
            a.op == b.op
                && x == y
                && key(a.unit.as_deref().unwrap_or_default())
                    == key(b.unit.as_deref().unwrap_or_default())
        }
        _ => key(&a.text) == key(&b.text),
    }
}

fn level(i: &Indicator) -> String {
    format!("{}/{}", i.level1, i.level2)
}

/// For each of NEW's indicators, its OLD one.
fn pair(old: &[Indicator], new: &[Indicator]) -> Vec<Option<usize>> {
    let ok: Vec<(String, String)> = old.iter().map(|i| (key(&i.name), key(&i.level2))).collect();
    let nk: Vec<(String, String)> = new.iter().map(|i| (key(&i.name), key(&i.level2))).collect();
    let mut paired = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    // The same name under the same 二级, then the same name anywhere.
    for same_level in [true, false] {
        for (n, (name, l2)) in nk.iter().enumerate() {
            if paired[n].is_some() {
                continue;
            }
            let found = (0..old.len())
                .find(|&o| !taken[o] && ok[o].0 == *name && (!same_level || ok[o].1 == *l2));
            if let Some(o) = found {
                paired[n] = Some(o);
                taken[o] = true;
            }
        }
    }
    // The rest: alike names under the same 二级 (an equal value allows a looser name).
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (n, (name, l2)) in nk.iter().enumerate() {
        if paired[n].is_some() {
            continue;
        }
        for (o, (oname, ol2)) in ok.iter().enumerate() {
            if taken[o] || ol2 != l2 {
                continue;
            }
            let s = name_similarity(name, oname);
            let same = same_value(&old[o].value, &new[n].value);
            if s >= 0.6 || (same && s >= 0.4) {
                pairs.push((s + if same { 0.2 } else { 0.0 }, n, o));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, n, o) in pairs {
        if paired[n].is_none() && !taken[o] {
            paired[n] = Some(o);
            taken[o] = true;
        }
    }
    paired
}

/// The indicator changes of a project on both sides: NEW's indicators in order, then
/// those removed, in OLD's order.
pub(super) fn compare(q: &Project, p: &Project) -> Vec<Change> {
    let paired = pair(&q.indicators, &p.indicators);
    let mut out = Vec::new();
    let place = |p: &Project, cell: &Option<String>, fallback: &str| {
        Some(Place::of(
            p,
            cell.as_deref()
                .or((!fallback.is_empty()).then_some(fallback)),
        ))
    };
    let mut seen = vec![false; q.indicators.len()];
    for (n, i) in p.indicators.iter().enumerate() {
        let mut c = base(Kind::Changed, "indicator", p);
        c.indicator = Some(i.name.clone());
        let Some(o) = paired[n] else {
            c.kind = Kind::Added;
            c.new = Some(i.value.text.clone());
            c.new_place = place(p, &i.cells.name, &i.cell);
            c.message = format!(
                "“{}”的指标“{}” {}（{}）",
                c.project,
                i.name,
                i.value.text,
                level(i)
            );
            out.push(c);
            continue;
        };
        seen[o] = true;
        let j = &q.indicators[o];
        if key(&j.name) != key(&i.name) {
            let mut r = c.clone();
            r.kind = Kind::Renamed;
            r.target = "indicator.name".into();
            r.old = Some(j.name.clone());
            r.new = Some(i.name.clone());
            r.old_place = place(q, &j.cells.name, &j.cell);
            r.new_place = place(p, &i.cells.name, &i.cell);
            r.message = format!("“{}”的指标“{}” → “{}”", r.project, j.name, i.name);
            out.push(r);
        }
        if key(&level(j)) != key(&level(i)) {
            let mut r = c.clone();
            r.target = "indicator.level".into();
            r.old = Some(level(j));
            r.new = Some(level(i));
            r.old_place = place(q, &j.cells.level2, &j.cell);
            r.new_place = place(p, &i.cells.level2, &i.cell);
            r.message = format!(
                "“{}”的指标“{}”：{} → {}",
                r.project,
                i.name,
                level(j),
                level(i)
            );
            out.push(r);
        }
        if !same_value(&j.value, &i.value) {
            c.target = "indicator.value".into();
            c.old = Some(j.value.text.clone());
            c.new = Some(i.value.text.clone());
            c.old_place = place(q, &j.cells.value, &j.cell);
            c.new_place = place(p, &i.cells.value, &i.cell);
            c.message = format!(
                "“{}”的指标“{}”：{} → {}",
                c.project, i.name, j.value.text, i.value.text
            );
            out.push(c);
        }
    }
    for (o, j) in q.indicators.iter().enumerate() {
        if seen[o] {
            continue;
        }
        let mut c = base(Kind::Removed, "indicator", p);
        c.indicator = Some(j.name.clone());
        c.old = Some(j.value.text.clone());
        c.old_place = place(q, &j.cells.name, &j.cell);
        c.message = format!(
            "“{}”的指标“{}” {}（{}）",
            c.project,
            j.name,
            j.value.text,
            level(j)
        );
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(l2: &str, name: &str, value: &str) -> Indicator {
        Indicator::new("产出指标", l2, name, Value::parse(value))
    }

    #[test]
    fn values_compare_as_they_read() {
        assert!(same_value(
            &Value::parse("＝100%"),
            &Value::parse("=100.0%")
        ));
        assert!(!same_value(&Value::parse("＝100%"), &Value::parse("≥100%")));
        assert!(same_value(
            &Value::parse("有所提高"),
            &Value::parse(" 有所提高")
        ));
    }

    #[test]
    fn renamed_moved_and_repeated_names() {
        let old = [
            ind("质量指标", "创建合格率", "＝100%"),
            ind("数量指标", "培训人次", "≥300人次"),
            ind("数量指标", "培训人次", "≥20人次"),
            ind("时效指标", "完成时限", "＝2024年"),
        ];
        let new = [
            ind("数量指标", "培训人次", "≥300人次"),
            ind("质量指标", "党支部创建合格率", "＝100%"),
            ind("数量指标", "培训人次", "≥25人次"),
            ind("质量指标", "完成时限", "＝2025年"),
        ];
        assert_eq!(pair(&old, &new), [Some(1), Some(0), Some(2), Some(3)]);
    }
}
