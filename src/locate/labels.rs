//! The labels of a table, with the synonyms seen in real submissions (domain.md §4),
//! and the classification of one cell's text. The role rules are in `roles`, the money
//! in `funds`, the words around a table (title, stage, year, choices) in `words`.

mod funds;
mod roles;
mod words;

#[cfg(test)]
use rust_decimal::Decimal;

use crate::text::{clean, label_key};

pub use funds::{Amount, Fund, FundColumn, Unit, amount, fund_column};
pub use roles::{Column, Field, government_level, looks_like_label};
pub use words::{split_code, stage_in, ticked_option, year_in};

use funds::{FUNDS, FUNDS_BLOCK, scan_funds};
use roles::{column_role, field_role, fund_role};
use words::core_of;
use words::{is_attachment, is_title, year_line};

const FOOTERS: &[&str] = &[
    "单位负责人",
    "财务负责人",
    "填表人",
    "审核人",
    "联系电话",
    "填报人",
    "经办人",
    "制表人",
    "分管领导",
    "项目负责人",
];

/// What one cell is to the locator.
#[derive(Debug, Clone, PartialEq)]
pub enum Class {
    /// A header label, with the value written after its colon in the same cell.
    Field {
        field: Field,
        inline: Option<String>,
    },
    /// One or more 资金情况 lines: a label and, when in the same cell, its amount.
    Funds {
        lines: Vec<(Fund, Option<Amount>)>,
        unit: Option<Unit>,
    },
    /// The 资金情况 label itself, with the unit its label may state.
    FundsBlock { unit: Option<Unit> },
    /// The table's title (…项目支出绩效目标批复表).
    Title,
    /// `单位：万元` above the table.
    UnitLine(Unit),
    /// `附表7` and the like.
    Attachment,
    /// `(2025年度)` under a title that names no year.
    YearLine(u16),
    /// 总分 (or 合计) closing a 自评表's grid.
    Total,
    /// 单位负责人： 填表人： … below the table, or a 注：/说明： note.
    Footer,
}

impl Class {
    /// True for the header labels whose value stands in another cell.
    pub fn is_label(&self) -> bool {
        !matches!(self, Class::Title | Class::Footer | Class::Attachment)
    }
}

/// Texts longer than this are content, unless their first characters are a label
/// followed by a colon (`年度绩效目标：目标1：…`) or a funds line.
const LONG: usize = 80;
const PREFIX: usize = 24;

/// Classifies a text cell (`None` for content) and matches it as a grid header, with
/// one folding of its text.
pub fn analyze(text: &str) -> (Option<Class>, Option<Column>) {
    if !may_be_label(text) || content_by_length(text) {
        return (None, None);
    }
    // A batch's forms repeat their labels (产出指标, 指标值, 年度资金总额 …) file after
    // file: each worker remembers what it has worked out. The answer depends on the
    // text alone, so remembering changes nothing but the time.
    type Seen = rustc_hash::FxHashMap<Box<str>, (Option<Class>, Option<Column>)>;
    thread_local! {
        static SEEN: std::cell::RefCell<Seen> = std::cell::RefCell::default();
    }
    const REMEMBERED: usize = 16_384;
    if let Some(known) = SEEN.with(|seen| seen.borrow().get(text).cloned()) {
        return known;
    }
    let answer = analyze_text(text);
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if seen.len() >= REMEMBERED {
            seen.clear();
        }
        seen.insert(text.into(), answer.clone());
    });
    answer
}

fn analyze_text(text: &str) -> (Option<Class>, Option<Column>) {
    if text.len() > 3 * 24 {
        return (classify(text), None);
    }
    let key = label_key(text);
    let column = column_key(&key);
    if key.is_empty() {
        return (None, column);
    }
    (classify_key(text, &key), column)
}

/// Longer than any label, with no `label：` at its start, no title's 绩效 and no funds
/// sentence: content (an indicator's name, a goal, a qualitative value), known without
/// folding it.
fn content_by_length(text: &str) -> bool {
    const LONGEST: usize = 20;
    const START: usize = 16;
    let mut count = 0;
    let mut start_end = text.len();
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        if count == START {
            start_end = i;
        }
        count += 1;
        if count > LONGEST {
            let start = &text[..start_end];
            return !(start.contains([':', '：'])
                || start.contains("资金")
                || start.contains("拨款")
                || text.contains("绩效"));
        }
    }
    false
}

/// A quick, exact test that a cell cannot be a label, before folding it: every label
/// starts with a Chinese character (or, for a title, contains 绩效), and text that NFKC
/// leaves alone keeps its first character under folding.
fn may_be_label(text: &str) -> bool {
    if !text.chars().all(crate::text::surely_nfkc) {
        return true;
    }
    // Numbering before a label ((一)财政拨款小计, 1、一般公共预算) is skipped, and so is
    // the months a 监控表's column reports (1-6月实际完成值).
    let first = text.chars().find(|c| {
        !c.is_whitespace()
            && !matches!(
                c,
                '*' | '(' | ')' | '（' | '）' | '、' | '.' | '0'..='9' | '-' | '~' | '－'
            )
    });
    first.is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        || text.contains("绩效")
        // (2025年度) and -1-: a year line and a page number.
        || (text.len() <= 24 && (text.contains('年') || text.trim_start().starts_with('-')))
}

/// Classifies a text cell; `None` for content.
pub fn classify(text: &str) -> Option<Class> {
    let long = text.len() > LONG * 3 && text.chars().nth(LONG).is_some();
    let key = if long {
        let end = text
            .char_indices()
            .nth(PREFIX)
            .map_or(text.len(), |(i, _)| i);
        label_key(&text[..end])
    } else {
        label_key(text)
    };
    if key.is_empty() {
        return None;
    }
    if long {
        // Only a label at the start can make a long text more than content.
        return match classify_key(text, &key)? {
            Class::Funds { .. } => classify_key(text, &label_key(text)),
            c @ (Class::Field { .. } | Class::Footer) => Some(c),
            _ => None,
        };
    }
    classify_key(text, &key)
}

fn classify_key(text: &str, key: &str) -> Option<Class> {
    // 其中：财政拨款
    let body = key
        .strip_prefix("其中:")
        .or_else(|| key.strip_prefix("其中"))
        .unwrap_or(key);
    let (head, _) = body.split_once(':').unwrap_or((body, ""));
    let (head_bare, unit) = Unit::strip_suffix(head);

    // 财政资金到位率 is an indicator, 财政资金：24 a funds line.
    let funds_line = FUNDS.iter().any(|(label, _)| {
        body.strip_prefix(label).is_some_and(|rest| {
            rest.is_empty()
                || rest.starts_with([':', '(', '为'])
                || rest.starts_with(|c: char| c.is_ascii_digit())
        })
    });
    if funds_line {
        let lines = scan_funds(body);
        if !lines.is_empty() {
            return Some(Class::Funds { lines, unit });
        }
    }
    if FUNDS_BLOCK.contains(&head_bare) {
        return Some(Class::FundsBlock { unit });
    }
    if let Some(rest) = key
        .strip_prefix("单位:")
        .or_else(|| key.strip_prefix("金额单位:"))
        && let Some(u) = Unit::parse(rest)
    {
        return Some(Class::UnitLine(u));
    }
    if is_attachment(key) {
        return Some(Class::Attachment);
    }
    if let Some(y) = year_line(key) {
        return Some(Class::YearLine(y));
    }
    if ["总分", "合计", "总计", "合计得分", "总得分"].contains(&key) {
        return Some(Class::Total);
    }
    // A page number (-1-, 第1页) ends a printed page; -3 alone is a value.
    let page = key
        .strip_prefix('-')
        .and_then(|k| k.strip_suffix('-'))
        .or_else(|| key.strip_prefix('第').and_then(|k| k.strip_suffix('页')));
    if page.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) {
        return Some(Class::Footer);
    }
    if FOOTERS.iter().any(|f| key.starts_with(f))
        || ["注:", "说明:", "备注:", "填报说明"]
            .iter()
            .any(|p| key.starts_with(p))
    {
        return Some(Class::Footer);
    }
    if is_title(key) {
        return Some(Class::Title);
    }
    let core = core_of(head_bare);
    if let Some(field) = field_role(&core) {
        // 填报单位：（盖章）    单位：万元 — a stamp's place, then the unit line.
        let unit_after = key
            .rsplit_once("单位:")
            .filter(|(before, _)| before.len() > "单位".len())
            .and_then(|(_, u)| Unit::parse(u));
        let inline = inline_value(text).filter(|v| {
            let k = label_key(v);
            !(k.starts_with("(盖章)") || k.starts_with("(公章)") || k.starts_with("单位:"))
        });
        if let (Some(u), None) = (unit_after, &inline) {
            return Some(Class::UnitLine(u));
        }
        return Some(Class::Field { field, inline });
    }
    if let Some(fund) = fund_role(&core) {
        let amount = body
            .split_once(':')
            .and_then(|(_, rest)| amount(rest).filter(|_| !rest.is_empty()));
        return Some(Class::Funds {
            lines: vec![(fund, amount)],
            unit,
        });
    }
    if is_title(key) {
        return Some(Class::Title);
    }
    None
}

fn column_key(key: &str) -> Option<Column> {
    column_role(key)
}

/// The value after the first colon of a `label：value` cell, exactly as written.
fn inline_value(text: &str) -> Option<String> {
    let at = text.find(['：', ':'])?;
    let colon_len = text[at..].chars().next().map_or(1, char::len_utf8);
    let rest = clean(&text[at + colon_len..]);
    (!rest.is_empty()).then(|| rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn codes_before_names() {
        for (text, split) in [
            ("820001-某某镇人民政府", Some(("820001", "某某镇人民政府"))),
            ("[101001]某局", Some(("101001", "某局"))),
            ("（101001）某局", Some(("101001", "某局"))),
            ("101001 某局", Some(("101001", "某局"))),
            ("101001：某局", Some(("101001", "某局"))),
            // A closing bracket that nothing opened, or punctuation after the code,
            // is part of the name.
            ("000），", None),
            ("101001）某局", None),
            ("123-，", None),
            ("12-某局", None),
            ("ABC公司", None),
        ] {
            assert_eq!(split_code(text), split, "{text}");
        }
    }

    #[test]
    fn header_labels() {
        for (text, field) in [
            ("一级项目名称", Field::Level1Project),
            ("一级项目\n名称", Field::Level1Project),
            ("项目类别", Field::Level1Project),
            ("二级项目名称", Field::Level2Project),
            ("项目名称", Field::Level2Project),
            ("主 管 部 门", Field::Department),
            ("主管部门及代码", Field::Department),
            ("预算单位", Field::BudgetUnit),
            ("项目支出名称", Field::Level2Project),
            ("项目名称（全称）", Field::Level2Project),
            ("预算部门", Field::Department),
            ("本年度绩效目标", Field::Goal),
            ("实施期绩效目标", Field::GoalPeriod),
            ("年度总体\n目标", Field::Goal),
            ("绩效目标", Field::Goal),
        ] {
            assert_eq!(
                classify(text),
                Some(Class::Field {
                    field,
                    inline: None
                }),
                "{text}"
            );
        }
        assert_eq!(
            classify("主管部门：中共黔南州直属机关工作委员会"),
            Some(Class::Field {
                field: Field::Department,
                inline: Some("中共黔南州直属机关工作委员会".into())
            })
        );
    }

    #[test]
    fn not_labels() {
        for text in [
            "有所提高",
            "目标1：扎实推进",
            "中共黔南州直属机关工作委员会",
            "24.02",
            "产出指标",
        ] {
            assert_eq!(classify(text), None, "{text}");
        }
    }

    #[test]
    fn funds_lines() {
        assert_eq!(
            classify("年度资金总额："),
            Some(Class::Funds {
                lines: vec![(Fund::Total, None)],
                unit: None
            })
        );
        assert_eq!(
            classify("  其中：财政拨款"),
            Some(Class::Funds {
                lines: vec![(Fund::Fiscal, None)],
                unit: None
            })
        );
        let Some(Class::Funds { lines, .. }) =
            classify("年度资金总额：24.02万元；其中：财政拨款24.02万元，非财政拨款0万元")
        else {
            panic!("a funds sentence")
        };
        assert_eq!(
            lines,
            vec![
                (
                    Fund::Total,
                    Some(Amount {
                        number: d("24.02"),
                        unit: Some(Unit::Wan)
                    })
                ),
                (
                    Fund::Fiscal,
                    Some(Amount {
                        number: d("24.02"),
                        unit: Some(Unit::Wan)
                    })
                ),
                (
                    Fund::NonFiscal,
                    Some(Amount {
                        number: d("0"),
                        unit: Some(Unit::Wan)
                    })
                ),
            ]
        );
        assert_eq!(
            classify("年度资金总额（元）：240200"),
            Some(Class::Funds {
                lines: vec![(
                    Fund::Total,
                    Some(Amount {
                        number: d("240200"),
                        unit: Some(Unit::Yuan)
                    })
                )],
                unit: Some(Unit::Yuan)
            })
        );
        assert_eq!(
            classify("资金情况（万元）"),
            Some(Class::FundsBlock {
                unit: Some(Unit::Wan)
            })
        );
    }

    #[test]
    fn page_numbers_and_values() {
        assert_eq!(classify("-1-"), Some(Class::Footer));
        assert_eq!(classify("第2页"), Some(Class::Footer));
        assert_eq!(classify("-3"), None);
        assert_eq!(classify("3-"), None);
    }

    #[test]
    fn ticked_options() {
        assert_eq!(
            ticked_option("1、常年性项目 □ √ 2、延续性项目 □ 3、一次性项目 □"),
            Some("常年性项目")
        );
        assert_eq!(ticked_option("新增项目□延续项目√"), Some("延续项目"));
        assert_eq!(ticked_option("1、持续性项目 □ 2、新增性项目 □"), None);
        assert_eq!(ticked_option("特定目标-原列单位事业发展"), None);
    }

    #[test]
    fn the_rest() {
        assert_eq!(classify("单位：万元"), Some(Class::UnitLine(Unit::Wan)));
        assert_eq!(classify("单位：元"), Some(Class::UnitLine(Unit::Yuan)));
        assert_eq!(classify("附表7"), Some(Class::Attachment));
        assert_eq!(
            classify("黔南州2024年项目支出绩效目标批复表"),
            Some(Class::Title)
        );
        assert_eq!(
            classify("单位负责人：  财务负责人：  填表人："),
            Some(Class::Footer)
        );
        assert_eq!(analyze("三级指标").1, Some(Column::Name));
        assert_eq!(analyze("指 标 值").1, Some(Column::Value));
        assert_eq!(analyze("计量单位"), (None, Some(Column::Unit)));
        assert_eq!(analyze("有所提高"), (None, None));
        // A 监控表's columns: the months before the label, and the ones kept as extras.
        assert_eq!(analyze("1-6月\n实际完成值").1, Some(Column::Actual));
        assert_eq!(analyze("1-7月执行情况").1, Some(Column::Actual));
        assert_eq!(analyze("完成可能性").1, None);
        assert_eq!(analyze("改进措施").1, Some(Column::Deviation));
        assert_eq!(year_in("黔南州2024年项目支出绩效目标批复表"), Some(2024));
        assert_eq!(
            amount("２４．０２"),
            Some(Amount {
                number: d("24.02"),
                unit: None
            })
        );
        assert_eq!(
            amount("240200元"),
            Some(Amount {
                number: d("240200"),
                unit: Some(Unit::Yuan)
            })
        );
        assert_eq!(amount("约24万"), None);
        assert_eq!(amount("24万元多"), None);
        assert_eq!(
            amount("854万854万(高标准农田建设400万元,示范建设295万元)"),
            Some(Amount {
                number: d("854"),
                unit: Some(Unit::Wan)
            })
        );
        assert_eq!(
            amount("1.2亿元"),
            Some(Amount {
                number: d("12000.0"),
                unit: Some(Unit::Wan)
            })
        );
    }
}
