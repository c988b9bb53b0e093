//! Rules on the indicator grid: `missing-category`, `unknown-level`, `bad-value`,
//! `missing-unit`, `timeliness-year`.

use super::Finding;
use crate::framework::FRAMEWORK;
use crate::model::Project;
use crate::rule::Rule;
use crate::text::fold;
use crate::value::{Kind, Op, leading_number};

/// `missing-category`: at least one 产出, one 效益 and one 满意度 indicator.
pub(crate) fn missing_category(p: &Project) -> Vec<Finding> {
    let cell = p
        .indicators
        .first()
        .and_then(|i| i.cells.level1.as_deref())
        .or_else(|| p.cells.get("level2_project").map(String::as_str));
    ["产出", "效益", "满意度"]
        .iter()
        .filter(|cat| !p.indicators.iter().any(|i| i.level1.starts_with(*cat)))
        .map(|cat| Finding::new(Rule::MissingCategory, cell, format!("缺少{cat}指标")))
        .collect()
}

/// `unknown-level`: an 一级 or 二级 label outside the framework, with the nearest
/// valid label suggested.
pub(crate) fn unknown_level(p: &Project) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut reported: Vec<(&str, &str)> = Vec::new();
    // An unknown 一级 is said once for its cell, whatever 二级 stand under it.
    let mut unknown_level1: Vec<(&str, Option<&str>)> = Vec::new();
    for i in &p.indicators {
        if reported.contains(&(i.level1.as_str(), i.level2.as_str())) {
            continue;
        }
        match FRAMEWORK.iter().find(|(l1, _)| *l1 == i.level1) {
            None => {
                let at = (i.level1.as_str(), i.cells.level1.as_deref());
                if unknown_level1.contains(&at) {
                    continue;
                }
                unknown_level1.push(at);
                let nearest = nearest(&i.level1, FRAMEWORK.iter().map(|(l1, _)| *l1));
                let message = match OLDER_LEVEL1.iter().find(|(l1, _)| *l1 == i.level1) {
                    Some((l1, None)) => format!(
                        "一级指标“{l1}”属于旧的投入、产出、效果指标体系，不在现行指标体系内（产出、成本、效益、满意度指标）"
                    ),
                    Some((l1, Some(now))) => format!(
                        "一级指标“{l1}”属于旧的投入、产出、效果指标体系，现行指标体系为“{now}”"
                    ),
                    None => format!(
                        "一级指标“{}”不在指标体系内，是否应为“{nearest}”？",
                        i.level1
                    ),
                };
                out.push(Finding::new(
                    Rule::UnknownLevel,
                    i.cells.level1.as_deref(),
                    message,
                ));
            }
            Some((l1, l2s)) if !l2s.contains(&i.level2.as_str()) => {
                // The older framework files 成本指标 under 产出指标; accept any generation's
                // 二级 under a known 一级 only where it belongs.
                let nearest = nearest(&i.level2, l2s.iter().copied());
                let what = if i.level2.is_empty() {
                    "为空".to_string()
                } else {
                    format!("“{}”不在{l1}之下", i.level2)
                };
                out.push(Finding::new(
                    Rule::UnknownLevel,
                    i.cells.level2.as_deref().or(Some(i.cell.as_str())),
                    format!("二级指标{what}，是否应为“{nearest}”？"),
                ));
            }
            Some(_) => continue,
        }
        reported.push((i.level1.as_str(), i.level2.as_str()));
    }
    out
}

/// The 一级 of the older 投入/产出/效果 framework that departments still submit, with
/// what the current framework has in their place, where one thing does.
const OLDER_LEVEL1: &[(&str, Option<&str>)] = &[
    ("投入指标", None),
    ("过程指标", None),
    ("效果指标", Some("效益指标、满意度指标")),
];

/// The candidate closest to `s` by edit distance over characters.
fn nearest<'a>(s: &str, candidates: impl Iterator<Item = &'a str>) -> &'a str {
    candidates.min_by_key(|c| distance(s, c)).unwrap_or("")
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// `bad-value`: a 指标值 that is blank, a placeholder, or an operator without a number.
pub(crate) fn bad_value(p: &Project) -> Vec<Finding> {
    p.indicators
        .iter()
        .filter_map(|i| {
            let v = &i.value;
            let message = match v.kind() {
                Kind::Missing if v.text.is_empty() => format!("“{}”的指标值为空", i.name),
                Kind::Missing if crate::value::is_error_literal(&v.text) => {
                    format!("“{}”的指标值是公式错误值“{}”", i.name, v.text)
                }
                Kind::Missing => format!("“{}”的指标值是占位符“{}”", i.name, v.text),
                Kind::Qualitative if Op::parse_prefix(&v.text).is_some() => {
                    format!(
                        "“{}”的指标值“{}”有比较符号却没有可识别的数值",
                        i.name, v.text
                    )
                }
                _ => return None,
            };
            Some(Finding::new(Rule::BadValue, Some(&i.cell), message))
        })
        .collect()
}

/// `missing-unit`: a quantitative value without a unit (`＝4` rather than `＝4次`).
pub(crate) fn missing_unit(p: &Project) -> Vec<Finding> {
    p.indicators
        .iter()
        .filter(|i| i.value.kind() == Kind::Quantitative && i.value.unit.is_none())
        .map(|i| {
            Finding::new(
                Rule::MissingUnit,
                Some(&i.cell),
                format!("“{}”的指标值“{}”没有计量单位", i.name, i.value.text),
            )
        })
        .collect()
}

/// `timeliness-year`: a year in a 时效指标 (＝2024年, 2024年12月底前) outside the
/// table's budget year.
pub(crate) fn timeliness_year(p: &Project) -> Vec<Finding> {
    let Some(year) = p.year else {
        return Vec::new();
    };
    p.indicators
        .iter()
        .filter(|i| i.level2.contains("时效"))
        .filter_map(|i| {
            let years = years_in(&i.value.text);
            let wrong: Vec<u16> = years.into_iter().filter(|y| *y != year).collect();
            (!wrong.is_empty()).then(|| {
                let list: Vec<String> = wrong.iter().map(|y| format!("{y}年")).collect();
                Finding::new(
                    Rule::TimelinessYear,
                    Some(&i.cell),
                    format!(
                        "“{}”的指标值“{}”写的是{}，不在预算年度 {year} 年内",
                        i.name,
                        i.value.text,
                        list.join("、")
                    ),
                )
            })
        })
        .collect()
}

/// Four-digit years followed by 年 (or standing alone as the whole number).
fn years_in(text: &str) -> Vec<u16> {
    let f = fold(text);
    let mut out = Vec::new();
    let mut rest = f.as_str();
    while let Some(pos) = rest.find(|c: char| c.is_ascii_digit()) {
        rest = &rest[pos..];
        let Some((n, used)) = leading_number(rest) else {
            break;
        };
        let after = &rest[used..];
        if n.scale() == 0
            && (after.starts_with('年') || after.is_empty() || after.starts_with(['-', '.', '/']))
            && let Ok(y) = u16::try_from(n.mantissa())
            && (1990..=2100).contains(&y)
        {
            out.push(y);
        }
        rest = after;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{clean, push, rules};

    #[test]
    fn missing_category() {
        assert!(super::missing_category(&clean()).is_empty());
        let mut p = clean();
        p.indicators
            .retain(|i| i.level1 != "满意度指标" && i.level1 != "效益指标");
        let f = super::missing_category(&p);
        assert_eq!(
            f.iter().map(|f| f.message.as_str()).collect::<Vec<_>>(),
            ["缺少效益指标", "缺少满意度指标"]
        );
        assert_eq!(f[0].cell.as_deref(), Some("B11"));
    }

    #[test]
    fn unknown_level_suggests_the_nearest_label() {
        assert!(super::unknown_level(&clean()).is_empty());
        // The newer framework is accepted too.
        let mut p = clean();
        push(&mut p, "成本指标", "经济成本指标", "经费", "≤1万元");
        push(&mut p, "效益指标", "生态效益指标", "绿化", "有所改善");
        push(&mut p, "效益指标", "可持续影响指标", "长效机制", "逐步建立");
        assert!(super::unknown_level(&p).is_empty());
        let mut p = clean();
        push(&mut p, "产出", "数量指标", "a", "＝1次");
        push(&mut p, "效益指标", "社会效益", "b", "有所提高");
        push(&mut p, "效益指标", "社会效益", "c", "有所提高");
        let f = super::unknown_level(&p);
        assert_eq!(
            rules(&f),
            ["unknown-level", "unknown-level"],
            "one finding per wrong label pair"
        );
        assert!(
            f[0].message.contains("是否应为“产出指标”"),
            "{}",
            f[0].message
        );
        assert!(
            f[1].message.contains("是否应为“社会效益指标”"),
            "{}",
            f[1].message
        );
        assert_eq!(f[1].cell.as_deref(), Some("C21"));
    }

    #[test]
    fn unknown_level_names_the_older_framework_once_per_cell() {
        let mut p = clean();
        push(&mut p, "投入指标", "资金投入", "a", "≤8万元");
        push(&mut p, "投入指标", "人员投入", "b", "6人");
        push(&mut p, "效果指标", "社会效益", "c", "明显增进");
        // One 一级 merged (or carried) over its run is one cell, said once.
        let last = p.indicators.len() - 2;
        p.indicators[last].cells.level1 = p.indicators[last - 1].cells.level1.clone();
        let f = super::unknown_level(&p);
        assert_eq!(rules(&f), ["unknown-level", "unknown-level"]);
        assert!(
            f[0].message.contains("旧的投入、产出、效果指标体系"),
            "{}",
            f[0].message
        );
        assert!(
            f[1].message
                .contains("现行指标体系为“效益指标、满意度指标”"),
            "{}",
            f[1].message
        );
    }

    #[test]
    fn bad_value_and_missing_unit() {
        let p = clean();
        assert!(super::bad_value(&p).is_empty());
        assert!(super::missing_unit(&p).is_empty());
        let mut p = clean();
        push(&mut p, "产出指标", "数量指标", "a", "*");
        push(&mut p, "产出指标", "数量指标", "b", "");
        push(&mut p, "产出指标", "数量指标", "c", "≤万元");
        push(&mut p, "产出指标", "数量指标", "d", "＝4");
        let f = super::bad_value(&p);
        assert_eq!(rules(&f), ["bad-value"; 3]);
        assert_eq!(f[0].cell.as_deref(), Some("E20"));
        assert!(f[0].message.contains("占位符“*”"));
        let f = super::missing_unit(&p);
        assert_eq!(rules(&f), ["missing-unit"]);
        assert_eq!(f[0].cell.as_deref(), Some("E23"));
    }

    #[test]
    fn timeliness_year() {
        assert!(super::timeliness_year(&clean()).is_empty());
        let mut p = clean();
        push(&mut p, "产出指标", "时效指标", "验收", "2023年12月底前");
        push(&mut p, "产出指标", "时效指标", "完成时限", "＝2025年");
        push(&mut p, "产出指标", "时效指标", "按时", "2024年6月前");
        push(&mut p, "产出指标", "数量指标", "不是时效", "＝2023年");
        let f = super::timeliness_year(&p);
        assert_eq!(rules(&f), ["timeliness-year", "timeliness-year"]);
        assert!(f[0].message.contains("2023年"), "{}", f[0].message);
        // Without a budget year there is nothing to compare with.
        p.year = None;
        assert!(super::timeliness_year(&p).is_empty());
    }
}
