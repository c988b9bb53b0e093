//! Text normalisation for matching labels and parsing numbers, and A1 cell names.
//!
//! Matching goes through Unicode NFKC plus a small table for what NFKC leaves alone
//! (≦ ≧ and the dashes). Content is never rewritten: these functions build keys.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Folds `s` for parsing: NFKC (full-width digits, ＝ ＜ ＞ ： （ become ASCII), then
/// ≦ ≧ to ≤ ≥ and every dash to `-`.
pub fn fold(s: &str) -> String {
    folded_chars(s).collect()
}

fn fold_char(c: char) -> char {
    match c {
        '≦' => '≤',
        '≧' => '≥',
        '—' | '–' | '―' | '‐' | '‑' | '−' => '-',
        c => c,
    }
}

/// Characters that NFKC leaves alone, decided without a table lookup: ASCII, the CJK
/// unified ideographs, and the punctuation Chinese text keeps (、。“”‘’《》【】).
fn surely_nfkc(c: char) -> bool {
    c.is_ascii()
        || ('\u{4E00}'..='\u{9FFF}').contains(&c)
        || matches!(
            c,
            '、' | '。' | '“' | '”' | '‘' | '’' | '《' | '》' | '【' | '】' | '·' | '…'
        )
}

/// The folded characters of `s`, skipping normalisation when a quick check shows the
/// text is already NFKC (most Chinese text is).
fn folded_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    let normal = s.chars().all(surely_nfkc) || is_nfkc_quick(s.chars()) == IsNormalized::Yes;
    let (quick, slow) = if normal {
        (Some(s.chars()), None)
    } else {
        (None, Some(s.nfkc()))
    };
    quick
        .into_iter()
        .flatten()
        .chain(slow.into_iter().flatten())
        .map(fold_char)
}

/// A label key: folded, with every whitespace removed (`主 管 部 门` and
/// `一级项目\n名称` match their labels), a leading `*` (required-field mark) and a
/// trailing colon dropped.
pub fn label_key(s: &str) -> String {
    let mut k: String = folded_chars(s).filter(|c| !c.is_whitespace()).collect();
    while k.starts_with('*') {
        k.remove(0);
    }
    while k.ends_with(':') {
        k.pop();
    }
    k
}

/// Trims the whitespace Excel users leave around text, including the ideographic space.
pub fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
}

/// The A1 name of a zero-based (row, column) position: (6, 2) is `C7`.
pub fn a1(row: u32, col: u32) -> String {
    let mut name = column_name(col);
    name.push_str(&(row as u64 + 1).to_string());
    name
}

/// The letters of a zero-based column: 0 is `A`, 26 is `AA`.
pub fn column_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// An A1 range such as `A1:F30`.
pub fn a1_range(first: (u32, u32), last: (u32, u32)) -> String {
    format!("{}:{}", a1(first.0, first.1), a1(last.0, last.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(6, 2), "C7");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
        assert_eq!(a1_range((0, 0), (29, 5)), "A1:F30");
    }

    #[test]
    fn folding() {
        assert_eq!(fold("２４．０２"), "24.02");
        assert_eq!(fold("＝１次"), "=1次");
        assert_eq!(fold("≦5"), "≤5");
        assert_eq!(fold("—"), "-");
        assert_eq!(label_key("主 管 部 门："), "主管部门");
        assert_eq!(label_key("一级项目\n名称"), "一级项目名称");
        assert_eq!(label_key("*项目名称"), "项目名称");
        assert_eq!(label_key("资金情况（万元）"), "资金情况(万元)");
    }
}
