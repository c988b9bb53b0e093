//! The labels of a table, with the synonyms seen in real submissions (domain.md §4),
//! and the classification of one cell's text.

use rust_decimal::Decimal;

use crate::text::{clean, fold, label_key};
use crate::value::leading_number;

/// A text field of the header block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Level1Project,
    Level2Project,
    Department,
    Implementer,
    Goal,
}

impl Field {
    /// The field's name in the model and in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Field::Level1Project => "level1_project",
            Field::Level2Project => "level2_project",
            Field::Department => "department",
            Field::Implementer => "implementer",
            Field::Goal => "goal",
        }
    }
}

const FIELDS: &[(Field, &[&str])] = &[
    (
        Field::Level1Project,
        &["一级项目名称", "一级项目", "项目类别", "项目类型"],
    ),
    (
        Field::Level2Project,
        &["二级项目名称", "二级项目", "项目名称", "具体项目名称"],
    ),
    (
        Field::Department,
        &["主管部门", "主管部门及代码", "主管部门名称", "主管单位"],
    ),
    (
        Field::Implementer,
        &[
            "实施单位",
            "项目实施单位",
            "项目单位",
            "预算单位",
            "实施单位名称",
        ],
    ),
    (
        Field::Goal,
        &[
            "年度总体目标",
            "年度目标",
            "年度绩效目标",
            "总体目标",
            "绩效目标",
            "年度总体绩效目标",
        ],
    ),
];

/// A line of the 资金情况 block.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fund {
    Total,
    Fiscal,
    NonFiscal,
    /// Another source, by its label as written in the synonym table (其他资金, 上年结转 …).
    Other(&'static str),
}

impl Fund {
    pub fn key(&self) -> String {
        match self {
            Fund::Total => "funds.total".into(),
            Fund::Fiscal => "funds.fiscal".into(),
            Fund::NonFiscal => "funds.non_fiscal".into(),
            Fund::Other(label) => format!("funds.other.{label}"),
        }
    }
}

/// Longest first, so 非财政拨款 is not read as 财政拨款 and 年度资金总额 not as 资金总额.
const FUNDS: &[(&str, Fund)] = &[
    ("年度资金申请总额", Fund::Total),
    ("年度资金总额", Fund::Total),
    ("资金总额", Fund::Total),
    ("项目预算", Fund::Total),
    ("预算金额", Fund::Total),
    ("非财政拨款", Fund::NonFiscal),
    ("当年财政拨款", Fund::Fiscal),
    ("本年财政拨款", Fund::Fiscal),
    ("财政拨款", Fund::Fiscal),
    ("财政资金", Fund::Fiscal),
    ("上年结转资金", Fund::Other("上年结转")),
    ("上年结转", Fund::Other("上年结转")),
    ("其他资金", Fund::Other("其他资金")),
    ("自有资金", Fund::Other("自有资金")),
    ("自筹资金", Fund::Other("自筹资金")),
    ("单位资金", Fund::Other("单位资金")),
    ("事业收入", Fund::Other("事业收入")),
];

const FUNDS_BLOCK: &[&str] = &["资金情况", "项目资金", "资金来源", "资金投入情况"];

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

/// A column of the indicator grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Level1,
    Level2,
    Name,
    Value,
    Op,
    Nature,
    Unit,
    Note,
    Direction,
    Weight,
    Scoring,
}

const COLUMNS: &[(Column, &[&str])] = &[
    (
        Column::Level1,
        &[
            "一级指标",
            "一级绩效指标",
            "一级绩效指标名称",
            "一级指标名称",
        ],
    ),
    (
        Column::Level2,
        &[
            "二级指标",
            "二级绩效指标",
            "二级绩效指标名称",
            "二级指标名称",
        ],
    ),
    (
        Column::Name,
        &[
            "三级指标",
            "三级指标名称",
            "三级绩效指标",
            "三级绩效指标名称",
            "指标名称",
            "具体指标",
            "指标内容",
        ],
    ),
    (
        Column::Value,
        &[
            "指标值",
            "年度指标值",
            "目标值",
            "年度目标值",
            "当年预期实现值",
            "预期目标值",
        ],
    ),
    (Column::Op, &["指标值符号", "计算符号", "运算符号", "符号"]),
    (Column::Nature, &["指标性质"]),
    (Column::Unit, &["计量单位", "度量单位", "单位"]),
    (Column::Note, &["说明", "备注", "指标解释", "指标说明"]),
    (Column::Direction, &["指标方向"]),
    (Column::Weight, &["权重", "分值", "权重(%)", "分值(分)"]),
    (
        Column::Scoring,
        &["评分标准", "评(扣)分标准", "评分规则", "扣分标准"],
    ),
];

/// The unit money is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Wan,
    Yuan,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Wan => "万元",
            Unit::Yuan => "元",
        }
    }

    fn parse(s: &str) -> Option<Unit> {
        match s {
            "万元" => Some(Unit::Wan),
            "元" => Some(Unit::Yuan),
            _ => None,
        }
    }

    /// `(万元)` or `(元)` at the end of a folded key: the key without it, and the unit.
    fn strip_suffix(key: &str) -> (&str, Option<Unit>) {
        for (suffix, unit) in [("(万元)", Unit::Wan), ("(元)", Unit::Yuan)] {
            if let Some(k) = key.strip_suffix(suffix) {
                return (k, Some(unit));
            }
        }
        (key, None)
    }
}

/// An amount as written: a number and, when stated beside it, its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    pub number: Decimal,
    pub unit: Option<Unit>,
}

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
    if !may_be_label(text) {
        return (None, None);
    }
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

/// A quick, exact test that a cell cannot be a label, before folding it: every label
/// starts with one of a few characters (or, for a title, contains 绩效), and text that
/// NFKC leaves alone keeps its first character under folding.
fn may_be_label(text: &str) -> bool {
    static STARTS: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    let starts = STARTS.get_or_init(|| {
        let mut labels: Vec<&str> = Vec::new();
        labels.extend(FIELDS.iter().flat_map(|(_, l)| l.iter().copied()));
        labels.extend(FUNDS.iter().map(|(l, _)| *l));
        labels.extend(FUNDS_BLOCK.iter().copied());
        labels.extend(FOOTERS.iter().copied());
        labels.extend(COLUMNS.iter().flat_map(|(_, l)| l.iter().copied()));
        // 其中：…, 单位：/金额单位：, 附表/附件, 注：/说明：/备注：/填报说明.
        labels.extend([
            "其中",
            "单位",
            "金额单位",
            "附表",
            "附件",
            "注",
            "说明",
            "备注",
            "填报说明",
        ]);
        let mut chars: Vec<char> = labels.iter().filter_map(|l| l.chars().next()).collect();
        chars.sort_unstable();
        chars.dedup();
        chars
    });
    if !text.chars().all(crate::text::surely_nfkc) {
        return true;
    }
    let first = text.chars().find(|c| !c.is_whitespace() && *c != '*');
    first.is_some_and(|c| starts.binary_search(&c).is_ok()) || text.contains("绩效")
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
    if let Some((field, _)) = FIELDS
        .iter()
        .find(|(_, labels)| labels.contains(&head_bare))
    {
        return Some(Class::Field {
            field: *field,
            inline: inline_value(text),
        });
    }
    if let Some(rest) = key
        .strip_prefix("单位:")
        .or_else(|| key.strip_prefix("金额单位:"))
    {
        return Unit::parse(rest).map(Class::UnitLine);
    }
    if is_attachment(key) {
        return Some(Class::Attachment);
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
    None
}

fn column_key(key: &str) -> Option<Column> {
    COLUMNS
        .iter()
        .find(|(_, labels)| labels.contains(&key))
        .map(|(c, _)| *c)
}

/// The value after the first colon of a `label：value` cell, exactly as written.
fn inline_value(text: &str) -> Option<String> {
    let at = text.find(['：', ':'])?;
    let colon_len = text[at..].chars().next().map_or(1, char::len_utf8);
    let rest = clean(&text[at + colon_len..]);
    (!rest.is_empty()).then(|| rest.to_string())
}

fn is_attachment(key: &str) -> bool {
    ["附表", "附件"].iter().any(|p| {
        key.strip_prefix(p).is_some_and(|rest| {
            rest.len() <= 4 && rest.chars().all(|c| c.is_ascii_digit() || c == '-')
        })
    })
}

fn is_title(key: &str) -> bool {
    key.chars().count() <= 80
        && key.contains("绩效")
        && (key.ends_with('表') || key.ends_with("表)"))
        && ["目标", "自评", "监控", "评价"]
            .iter()
            .any(|w| key.contains(w))
}

/// Reads 资金情况 lines from folded text: `年度资金总额:24.02万元;其中:财政拨款24.02万元,
/// 非财政拨款0万元` gives three, `年度资金总额:` one without an amount.
fn scan_funds(key: &str) -> Vec<(Fund, Option<Amount>)> {
    let mut out = Vec::new();
    let mut rest = key;
    while !rest.is_empty() {
        let Some((label, fund)) = FUNDS.iter().find(|(label, _)| rest.starts_with(label)) else {
            let skip = rest.chars().next().map_or(1, char::len_utf8);
            rest = &rest[skip..];
            continue;
        };
        rest = &rest[label.len()..];
        let (_, unit) = Unit::strip_suffix(rest.split(':').next().unwrap_or(""));
        if let Some(after) = rest
            .strip_prefix("(万元)")
            .or_else(|| rest.strip_prefix("(元)"))
        {
            rest = after;
        }
        rest = rest.trim_start_matches([':', '为']);
        let amount = leading_number(rest).map(|(number, used)| {
            rest = &rest[used..];
            let stated = if let Some(after) = rest.strip_prefix("万元") {
                rest = after;
                Some(Unit::Wan)
            } else if let Some(after) = rest.strip_prefix('元') {
                rest = after;
                Some(Unit::Yuan)
            } else {
                unit
            };
            Amount {
                number,
                unit: stated,
            }
        });
        out.push((fund.clone(), amount));
    }
    out
}

/// Reads an amount standing alone in a cell: `24.02`, `２４．０２`, `240200元`.
pub fn amount(text: &str) -> Option<Amount> {
    let f: String = fold(text).chars().filter(|c| !c.is_whitespace()).collect();
    let (number, used) = leading_number(&f)?;
    let unit = match &f[used..] {
        "" => None,
        rest => Some(Unit::parse(rest)?),
    };
    Some(Amount { number, unit })
}

/// The budget year in a title: 黔南州2024年… gives 2024.
pub fn year_in(title: &str) -> Option<u16> {
    let f = fold(title);
    let chars: Vec<char> = f.chars().collect();
    chars.windows(5).find_map(|w| {
        let digits: String = w[..4].iter().collect();
        (w[4] == '年' && w[..4].iter().all(char::is_ascii_digit))
            .then(|| digits.parse::<u16>().ok())
            .flatten()
            .filter(|y| (1990..=2100).contains(y))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
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
            ("预算单位", Field::Implementer),
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
    }
}
