//! A sheet drawn as an HTML table: merged regions as spans, every text escaped.

use std::fmt::Write as _;

use crate::read::Sheet;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// The sheet as a `<table class="official">`: one row per sheet row from the first to
/// the last, one cell per column, a merged region as one cell with its spans.
pub fn render(sheet: &Sheet) -> String {
    let grid = &sheet.grid;
    let Some(last_row) = grid.last_row() else {
        return "<p>（空白）</p>".to_string();
    };
    let last_col = grid
        .row_indices()
        .flat_map(|r| grid.row(r).iter().map(|(c, _)| *c))
        .chain(grid.merges().iter().map(|m| m.last_col))
        .max()
        .unwrap_or(0);
    let mut html = String::from("<table class=\"official\">");
    for r in 0..=last_row {
        // A row with one text only (附表7, the title, the unit line) is not part of the
        // ruled table: drawn without borders, the title centred across.
        let texts = grid.row(r).len();
        let spans_most = grid.row(r).first().is_some_and(|(c, _)| {
            grid.merge_at(r, *c)
                .is_some_and(|m| (m.last_col - m.first_col + 1) * 2 > last_col + 1)
        });
        html.push_str(match (texts, spans_most) {
            (0 | 1, true) => "<tr class=\"title\">",
            (0 | 1, false) => "<tr class=\"loose\">",
            _ => "<tr>",
        });
        for c in 0..=last_col {
            let merge = grid.merge_at(r, c);
            if let Some(m) = merge
                && (m.first_row, m.first_col) != (r, c)
            {
                continue; // covered by the region's first cell
            }
            let text = grid
                .get(r, c)
                .map(|v| v.text().into_owned())
                .unwrap_or_default();
            html.push_str("<td");
            if let Some(m) = merge {
                let rows = m.last_row - m.first_row + 1;
                let cols = m.last_col - m.first_col + 1;
                if rows > 1 {
                    let _ = write!(html, " rowspan=\"{rows}\"");
                }
                if cols > 1 {
                    let _ = write!(html, " colspan=\"{cols}\"");
                }
            }
            let _ = write!(html, ">{}</td>", escape(&text));
        }
        html.push_str("</tr>");
    }
    html.push_str("</table>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{CellValue, Grid, Rect};

    #[test]
    fn merged_regions_become_spans_and_text_is_escaped() {
        let grid = Grid::new(
            vec![
                (0, 0, CellValue::Text("标题<b>".into())),
                (1, 0, CellValue::Text("a".into())),
                (1, 1, CellValue::Text("b&c".into())),
            ],
            vec![Rect {
                first_row: 0,
                first_col: 0,
                last_row: 0,
                last_col: 1,
            }],
        );
        let html = render(&Sheet::new("s".into(), grid));
        assert_eq!(
            html,
            "<table class=\"official\"><tr class=\"title\"><td colspan=\"2\">标题&lt;b&gt;</td></tr>\
             <tr><td>a</td><td>b&amp;c</td></tr></table>"
        );
    }
}
