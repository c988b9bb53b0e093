//! Words a form prints around its data: the title and the stage it names, the year,
//! an 附表 label, a code before a name, a ticked choice in a printed list.

use crate::text::fold;

pub(super) fn is_attachment(key: &str) -> bool {
    ["附表", "附件"].iter().any(|p| {
        key.strip_prefix(p).is_some_and(|rest| {
            rest.len() <= 4 && rest.chars().all(|c| c.is_ascii_digit() || c == '-')
        })
    })
}

pub(super) fn is_title(key: &str) -> bool {
    // 部门预算项目绩效目标申报表(2023年度): the year may follow the name.
    let key = match key.rsplit_once('(') {
        Some((name, rest)) if rest.ends_with(')') => name,
        _ => key,
    };
    key.chars().count() <= 80
        && key.contains("绩效")
        && (key.ends_with('表') || key.ends_with("表)"))
        && ["目标", "自评", "监控", "评价"]
            .iter()
            .any(|w| key.contains(w))
}

/// Which table of the year a title names: 申报, 批复, 监控 or 自评. A plain 绩效目标表
/// is published with the approved budget, so it is a 批复表.
pub fn stage_in(title: &str) -> Option<&'static str> {
    let has = |w: &str| title.contains(w);
    if has("自评") || has("评价") {
        Some("自评")
    } else if has("监控") {
        Some("监控")
    } else if has("申报") {
        Some("申报")
    } else if has("批复") || has("目标") {
        Some("批复")
    } else {
        None
    }
}

/// A code a budget system wrote before a name: `820001-某某镇人民政府` gives
/// (`820001`, `某某镇人民政府`), `[101001]某局` gives (`101001`, `某局`).
pub fn split_code(text: &str) -> Option<(&str, &str)> {
    let t = text.trim_start_matches(['[', '【', '(', '（']);
    let opened = t.len() < text.len();
    let code_len = t
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map_or(t.len(), |(i, _)| i);
    let code = &t[..code_len];
    // A code has digits; a name alone (ABC公司) keeps its letters.
    if code.len() < 3 || code.bytes().filter(u8::is_ascii_digit).count() < 3 {
        return None;
    }
    let after = &t[code_len..];
    // A closing bracket ends a code only where one was opened: `000），` is a name.
    let closes = after.starts_with([']', '】', ')', '）']);
    if closes != opened
        || !closes && !after.starts_with(['-', '_', ' ', '\u{3000}', '－', '—', ':', '：'])
    {
        return None;
    }
    let rest = after.trim_start_matches([
        '-', '_', ' ', '\u{3000}', '－', '—', ']', '】', ')', '）', ':', '：', '.', '、',
    ]);
    // What follows must be a name, not punctuation left over.
    rest.chars()
        .next()
        .is_some_and(char::is_alphanumeric)
        .then_some((code, rest))
}

/// `(2025年度)`, `2019年度)`, `2024年`: a line that gives only the year.
pub(super) fn year_line(key: &str) -> Option<u16> {
    let k = key.trim_start_matches('(').trim_end_matches(')');
    let k = k.strip_suffix("年度").or_else(|| k.strip_suffix('年'))?;
    let y: u16 = k.parse().ok().filter(|_| k.len() == 4)?;
    (1990..=2100).contains(&y).then_some(y)
}

/// The option ticked in a printed list of choices: `1、常年性项目 □ √ 2、延续性项目 □`
/// gives 常年性项目. `None` when the text is no such list or nothing is ticked.
pub fn ticked_option(text: &str) -> Option<&str> {
    const BOX: &[char] = &['□', '☐'];
    const TICKED: &[char] = &['√', '☑', '✓', '✔', '■', '▣'];
    if !text.contains(BOX) && !text.contains(['☑', '■', '▣']) {
        return None;
    }
    let tick = text.find(TICKED)?;
    // The option is the text before the tick, back to the previous option's box.
    let before = text[..tick].trim_end().trim_end_matches(BOX).trim_end();
    let start = before.rfind(BOX).map_or(0, |i| i + '□'.len_utf8());
    let option = before[start..].trim();
    // Drop the option's number (1、, 2.) and a second tick mark.
    let option = option
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches(['、', '.', ')', '）', ' '])
        .trim_end_matches(TICKED)
        .trim();
    (!option.is_empty()).then_some(option)
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

/// A folded label without its parenthesised parts: 项目名称(全称) is 项目名称.
pub(super) fn core_of(head: &str) -> std::borrow::Cow<'_, str> {
    if !head.contains(['(', '[', '【']) {
        return std::borrow::Cow::Borrowed(head);
    }
    let mut out = String::with_capacity(head.len());
    let mut depth = 0u32;
    for c in head.chars() {
        match c {
            '(' | '[' | '【' => depth += 1,
            ')' | ']' | '】' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    std::borrow::Cow::Owned(out)
}
