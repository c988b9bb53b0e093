//! Text normalisation for matching labels and parsing numbers, and A1 cell names.
//!
//! Matching goes through Unicode NFKC plus a small table for what NFKC leaves alone
//! (≦ ≧ and the dashes). Content is never rewritten: these functions build keys.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Folds `s` for parsing: NFKC (full-width digits, ＝ ＜ ＞ ： （ become ASCII), then
/// ≦ ≧ to ≤ ≥ and every dash to `-`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out, |_| true);
    out
}

/// A label key: folded, with every whitespace removed (`主 管 部 门` and
/// `一级项目\n名称` match their labels), every `*` (a required-field mark) and a
/// trailing colon dropped.
pub fn label_key(s: &str) -> String {
    let mut k = String::with_capacity(s.len());
    // `*` marks a required field (一级指标*, *项目名称), wherever a form puts it.
    fold_into(s, &mut k, |c| !c.is_whitespace() && c != '*');
    while k.ends_with(':') {
        k.pop();
    }
    k
}

fn fold_char(c: char) -> char {
    match c {
        '≦' => '≤',
        // ═ (a box-drawing double line) is typed for ＝ in some budget systems.
        '═' => '=',
        '≧' => '≥',
        '—' | '–' | '―' | '‐' | '‑' | '−' => '-',
        c => c,
    }
}

/// Pushes the folded characters of `s` that `keep` accepts onto `out`.
fn fold_into(s: &str, out: &mut String, keep: impl Fn(char) -> bool) {
    // Most text is Chinese with full-width punctuation and digits: NFKC of a full-width
    // form (U+FF01–FF5E) is its ASCII twin and of U+3000 a space, one character each,
    // so such text folds character by character without the normaliser.
    let direct = s.chars().all(|c| surely_nfkc(c) || full_width(c).is_some())
        || is_nfkc_quick(s.chars()) == IsNormalized::Yes;
    if direct {
        out.extend(
            s.chars()
                .map(|c| fold_char(full_width(c).unwrap_or(c)))
                .filter(|c| keep(*c)),
        );
    } else {
        out.extend(s.nfkc().map(fold_char).filter(|c| keep(*c)));
    }
}

/// The NFKC form of a full-width ASCII variant or the ideographic space.
fn full_width(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// Characters that NFKC leaves alone, decided without a table lookup: ASCII, the CJK
/// unified ideographs, and the punctuation Chinese text keeps (、。“”‘’《》【】).
pub(crate) fn surely_nfkc(c: char) -> bool {
    c.is_ascii()
        || ('\u{4E00}'..='\u{9FFF}').contains(&c)
        || matches!(
            c,
            '、' | '。' | '“' | '”' | '‘' | '’' | '《' | '》' | '【' | '】' | '·' | '≤' | '≥'
        )
}

/// Trims the whitespace Excel users leave around text, including the ideographic space.
pub fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
}

/// The A1 name of a zero-based (row, column) position: (6, 2) is `C7`.
pub fn a1(row: u32, col: u32) -> String {
    // Every table cell's name is made here: letters and digits written straight into
    // one small string, not through the formatter.
    let mut name = String::with_capacity(12);
    push_column(&mut name, col);
    let mut digits = [0u8; 10];
    let mut n = row as u64 + 1;
    let mut at = digits.len();
    while n > 0 {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    name.extend(digits[at..].iter().map(|&d| d as char));
    name
}

/// The letters of a zero-based column: 0 is `A`, 26 is `AA`.
pub fn column_name(col: u32) -> String {
    let mut name = String::with_capacity(4);
    push_column(&mut name, col);
    name
}

fn push_column(name: &mut String, col: u32) {
    let mut n = col as u64 + 1;
    let mut letters = [0u8; 8];
    let mut at = letters.len();
    while n > 0 {
        at -= 1;
        letters[at] = b'A' + ((n - 1) % 26) as u8;
        n = (n - 1) / 26;
    }
    name.extend(letters[at..].iter().map(|&b| b as char));
}

/// The zero-based (row, column) of an A1 name: `C7` is (6, 2); `$C$7` too.
pub fn parse_a1(name: &str) -> Option<(u32, u32)> {
    let name = name.trim().replace('$', "");
    let split = name.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = name.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1))
        - 1;
    let row: u32 = digits.parse().ok()?;
    (row >= 1).then(|| (row - 1, col))
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
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
        assert_eq!(a1(9, 701), "ZZ10");
        // The largest a cell index can be: every digit and letter kept.
        assert_eq!(a1(u32::MAX, 0), "A4294967296");
        assert_eq!(column_name(u32::MAX), "MWLQKWV");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
        assert_eq!(a1_range((0, 0), (29, 5)), "A1:F30");
        assert_eq!(parse_a1("C7"), Some((6, 2)));
        assert_eq!(parse_a1("$XFD$1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_a1("A0"), None);
        assert_eq!(parse_a1("7"), None);
    }

    #[test]
    fn folding() {
        assert_eq!(fold("２４．０２"), "24.02");
        assert_eq!(fold("＝１次"), "=1次");
        assert_eq!(fold("≦5"), "≤5");
        assert_eq!(fold("—"), "-");
        assert_eq!(fold("（万元）：　≤５％"), "(万元): ≤5%");
        // Text the direct path does not cover still goes through NFKC.
        assert_eq!(fold("㎡"), "m2");
        assert_eq!(fold("①"), "1");
        assert_eq!(label_key("主 管 部 门："), "主管部门");
        assert_eq!(label_key("一级项目\n名称"), "一级项目名称");
        assert_eq!(label_key("*项目名称"), "项目名称");
        assert_eq!(label_key("资金情况（万元）"), "资金情况(万元)");
    }
}
