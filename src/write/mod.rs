//! Model → workbooks with rust_xlsxwriter: the official layout (附表7), the roll-up,
//! the blank form; sheet and file names that every program and file system accepts.

pub mod budget;
pub mod diff;
pub mod feedback;
pub mod form;
pub mod formula;
pub mod links;
pub mod official;
pub mod rollup;
pub mod scores;
pub mod stage;

use std::borrow::Cow;
use std::collections::HashSet;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

use crate::aggregate;
use crate::model::{Diagnostic, Project};
use crate::shelf::{Held, Tables};
use crate::versions::Superseded;
pub use official::Layout;

/// A new workbook whose document properties are fixed, so the same input gives
/// byte-identical output (rust_xlsxwriter stamps the current time otherwise).
pub fn new_workbook() -> Workbook {
    output_workbook(None)
}

pub use crate::read::OUTPUT_PROPERTY;

/// A new workbook; `kind` (merge, split) marks it as jixiao's own output.
fn output_workbook(kind: Option<&str>) -> Workbook {
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(2024, 1, 1).expect("a valid date");
    let mut props = DocProperties::new()
        .set_author("jixiao")
        .set_creation_datetime(&when);
    if let Some(kind) = kind {
        props = props.set_custom_property(OUTPUT_PROPERTY, kind);
    }
    wb.set_properties(&props);
    wb
}

/// The consolidated workbook: 汇总, one sheet per 主管部门 with its projects in the
/// official layout (a page break between them), and 问题清单. `superseded` (versions of
/// a project another replaced) are listed on 汇总, greyed and not summed; with the
/// expected departments, a 报送情况 sheet says who has submitted; with the budget, a
/// 预算对比 sheet sets each project's budget beside its table.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell or a sheet.
pub fn merged_workbook(
    projects: &[Project],
    superseded: &[Superseded],
    prefer: crate::versions::Prefer,
    diagnostics: &[Diagnostic],
    submissions: Option<&[crate::season::Submission]>,
    budget: Option<&crate::budget::Reconciliation>,
    l: &Layout<'_>,
) -> Result<Vec<u8>, XlsxError> {
    let (mut wb, _) = merged_book(
        projects,
        superseded,
        prefer,
        diagnostics,
        submissions,
        budget,
        l,
        &Held,
        MAX_ROWS,
    )?;
    wb.save_to_buffer()
}

/// Excel's rows on a sheet.
pub const MAX_ROWS: u32 = 1_048_576;

/// A sheet that a long list continued on past the row limit: the sheet it continues,
/// the continuation's name, and the first thing (a project) it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Continued {
    /// The sheet that reached the limit.
    pub from: String,
    /// The sheet the list goes on on.
    pub sheet: String,
    /// What the continuation starts with, as the user is told (第 N 个项目).
    pub first: String,
}

impl Continued {
    /// What the user is told.
    pub fn describe(&self, max_rows: u32) -> String {
        format!(
            "工作表“{}”超过 Excel 每个工作表 {} 行的上限，自{}起续写在工作表“{}”",
            self.from,
            grouped(max_rows),
            self.first,
            self.sheet
        )
    }
}

/// `n` with its thousands grouped: 1,048,576.
fn grouped(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// [`merged_workbook`] with sheets of at most `max_rows` rows: a department's tables
/// (or the 汇总's rows) that would pass it continue on a new sheet, named after it
/// with “（续）”, and each such continuation is returned. Tests pass a small limit.
/// `projects` and `superseded` may be heads whose indicators `tables` holds (a
/// province's batch, set aside on disk): each table is made whole as it is written.
/// The workbook is returned unsaved, so that a province's batch can be saved straight
/// to its file (`Workbook::save_to_writer`) rather than built whole in memory first.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell or a sheet, one table alone is taller than a
/// sheet, or a table set aside cannot be read back.
#[allow(clippy::too_many_arguments)]
#[doc(hidden)]
pub fn merged_book<'p>(
    projects: impl Into<Cow<'p, [Project]>>,
    superseded: &[Superseded],
    prefer: crate::versions::Prefer,
    diagnostics: &[Diagnostic],
    submissions: Option<&[crate::season::Submission]>,
    budget: Option<&crate::budget::Reconciliation>,
    l: &Layout<'_>,
    tables: &dyn Tables,
    max_rows: u32,
) -> Result<(Workbook, Vec<Continued>), XlsxError> {
    let mut projects: Cow<'p, [Project]> = projects.into();
    let mut superseded = Cow::Borrowed(superseded);
    // The heads' texts fitted to Excel's cells (a table's own, as it is made whole).
    if projects.iter().any(needs_fit) || superseded.iter().any(|s| needs_fit(&s.project)) {
        projects = Cow::Owned(projects.iter().map(fit_project).collect());
        superseded = Cow::Owned(
            superseded
                .iter()
                .map(|s| Superseded {
                    project: fit_project(&s.project),
                    by: s.by.clone(),
                })
                .collect(),
        );
    }
    let superseded: &[Superseded] = &superseded;
    let mut wb = output_workbook(Some("merge"));
    if let Some(dir) = &l.temp_dir {
        wb.set_tempdir(dir)?;
    }
    let mut names = SheetNames::default();
    let mut continued = rollup::write_rollup(
        &mut wb, &mut names, l.template, &projects, superseded, prefer, tables, max_rows,
    )?;
    if scores::has_self_evaluations(&projects) {
        let ws = wb.add_worksheet().set_name(names.unique("自评得分"))?;
        scores::write_scores(ws, l.template, &projects, tables)?;
    }
    if let Some(subs) = submissions {
        let ws = wb.add_worksheet().set_name(names.unique("报送情况"))?;
        rollup::write_submissions(ws, l.template, subs)?;
    }
    if let Some(r) = budget {
        let ws = wb.add_worksheet().set_name(names.unique("预算对比"))?;
        budget::write_budget(ws, l.template, r)?;
    }
    let mut links = links::Links::default();
    let named: HashSet<(&str, &str, &str)> = diagnostics
        .iter()
        .filter_map(|d| Some((d.file.as_str(), d.sheet.as_deref()?, d.cell.as_deref()?)))
        .collect();
    // Only the sheets a finding names with a cell are looked up by 问题清单.
    let named_sheets: HashSet<(&str, &str)> = named.iter().map(|&(f, s, _)| (f, s)).collect();
    let mut streamed = 1;
    // Each department's projects, by their place in the batch, in the order of
    // aggregate::group_by: the department sheets are the last to read a project, so
    // an owned batch lets each go once its sheet is written.
    let mut departments: indexmap::IndexMap<String, Vec<usize>> = indexmap::IndexMap::new();
    for (i, p) in projects.iter().enumerate() {
        departments
            .entry(aggregate::department_of(p))
            .or_default()
            .push(i);
    }
    for (dept, indices) in departments {
        let first = names.unique(&dept);
        let mut name = first.clone();
        let mut start = 0;
        let mut part = 1;
        while start < indices.len() {
            let group: Vec<&Project> = indices[start..].iter().map(|&i| &projects[i]).collect();
            // The official layout is written row by row, so a department's sheet
            // streams to a temporary file (a stage's layout is not: it is kept).
            let ws = if streams(l) && streamed < MAX_STREAMED_SHEETS {
                streamed += 1;
                wb.add_worksheet_with_constant_memory()?
            } else {
                wb.add_worksheet()
            };
            let ws = ws.set_name(&name)?;
            let placed = write_stacked(ws, l, &group, tables, max_rows)?;
            let count = placed.len();
            // Only the cells a finding names are kept, to link the finding to.
            for (p, placed) in group.iter().zip(placed) {
                let file = p.source.file.as_str();
                let sheet = p.source.sheet.as_str();
                if named_sheets.contains(&(file, sheet)) {
                    let kept = placed.only(|cell| named.contains(&(file, sheet, cell)));
                    links.add(&p.source, &name, kept);
                }
            }
            drop(group);
            if let Cow::Owned(batch) = &mut projects {
                for &i in &indices[start..start + count] {
                    batch[i] = Project::default();
                }
            }
            start += count;
            if start < indices.len() {
                part += 1;
                let next = names.continued(&dept, part);
                continued.push(Continued {
                    from: name,
                    sheet: next.clone(),
                    first: format!("第 {} 个项目", start + 1),
                });
                name = next;
            }
        }
    }
    // 问题清单 too goes on on new sheets past the row limit, its header on each.
    let per_sheet = (max_rows.max(2) - 1) as usize;
    let mut name = names.unique("问题清单");
    let mut part = 1;
    let mut chunks = diagnostics.chunks(per_sheet).peekable();
    let mut written = 0;
    loop {
        let chunk = chunks.next().unwrap_or(&[]);
        let ws = wb.add_worksheet().set_name(&name)?;
        rollup::write_issues(ws, l.template, chunk, written, &links)?;
        written += chunk.len();
        if chunks.peek().is_none() {
            break;
        }
        part += 1;
        let next = names.continued("问题清单", part);
        continued.push(Continued {
            from: name,
            sheet: next.clone(),
            first: format!("第 {} 条问题", written + 1),
        });
        name = next;
    }
    Ok((wb, continued))
}

/// At most this many sheets of a merged workbook stream to temporary files (each
/// holds one open until the workbook is saved); the rest are kept in memory.
const MAX_STREAMED_SHEETS: usize = 256;

/// True when `l` writes its tables row by row, as a sheet in constant-memory mode
/// takes them: the official layout does, a stage's does not.
fn streams(l: &Layout<'_>) -> bool {
    l.template.form.is_none()
}

/// A workbook of one project in the layout of `l` (the official one, or a stage's).
///
/// # Errors
/// When rust_xlsxwriter refuses a cell.
pub fn project_workbook(p: &Project, l: &Layout<'_>) -> Result<Vec<u8>, XlsxError> {
    if needs_fit(p) {
        return project_workbook(&fit_project(p), l);
    }
    let mut wb = output_workbook(Some("split"));
    let mut names = SheetNames::default();
    let ws = wb
        .add_worksheet()
        .set_name(names.unique(p.level2_project.as_deref().unwrap_or("绩效目标表")))?;
    write_stacked(ws, l, &[p], &Held, MAX_ROWS)?;
    wb.save_to_buffer()
}

/// A project carried forward into the 自评表 or 监控表 of `l` (a stage's layout): its
/// targets, funds and 分值 filled in, formulas for 执行率, 得分 and 总分, the rest left for
/// the department. Not marked as jixiao's own output: it comes back filled in.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell.
pub fn prefilled_workbook(
    p: &Project,
    l: &Layout<'_>,
    reverse: crate::score::Reverse,
) -> Result<Vec<u8>, XlsxError> {
    if needs_fit(p) {
        return prefilled_workbook(&fit_project(p), l, reverse);
    }
    let mut wb = new_workbook();
    let mut names = SheetNames::default();
    let ws = wb
        .add_worksheet()
        .set_name(names.unique(p.level2_project.as_deref().unwrap_or("绩效目标表")))?;
    official::set_up_sheet(ws, l.template)?;
    let written = stage::write_table(ws, l, 0, p, stage::Mode::Prefill(reverse))?;
    if l.template.print.repeat_grid_header {
        ws.set_repeat_rows(written.grid_header, written.grid_header)?;
    }
    wb.save_to_buffer()
}

/// The blank form of a stage's layout (申报表, 监控表, 自评表), one sheet named after it.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell or a validation.
pub fn stage_form(l: &Layout<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = new_workbook();
    let name = format!("{}表", l.template.stage().name());
    let ws = wb.add_worksheet().set_name(name)?;
    official::set_up_sheet(ws, l.template)?;
    let written = stage::write_table(ws, l, 0, &Project::default(), stage::Mode::Blank)?;
    if l.template.print.repeat_grid_header {
        ws.set_repeat_rows(written.grid_header, written.grid_header)?;
    }
    form::framework_lists(&mut wb)?;
    wb.save_to_buffer()
}

/// One table from `row` down in the layout `l` gives: a stage's (申报表, 监控表, 自评表)
/// when it has a form, else the official one.
///
/// # Errors
/// When rust_xlsxwriter refuses a cell.
pub(crate) fn write_table(
    ws: &mut rust_xlsxwriter::Worksheet,
    l: &Layout<'_>,
    row: u32,
    p: &Project,
) -> Result<official::Written, XlsxError> {
    if l.template.form.is_some() {
        stage::write_table(ws, l, row, p, stage::Mode::Copy)
    } else {
        official::write_project(ws, l, row, p)
    }
}

/// Projects down one sheet, each on its own printed page, as many of them as fit in
/// `max_rows` rows (at least one); where each one's source cells were written, in
/// order, one for each table written.
fn write_stacked(
    ws: &mut rust_xlsxwriter::Worksheet,
    l: &Layout<'_>,
    projects: &[&Project],
    tables: &dyn Tables,
    max_rows: u32,
) -> Result<Vec<official::Placements>, XlsxError> {
    official::set_up_sheet(ws, l.template)?;
    let mut row = 0;
    let mut breaks = Vec::new();
    let mut heads = Vec::new();
    let mut placed = Vec::with_capacity(projects.len());
    for (i, head) in projects.iter().enumerate() {
        let p = whole(tables, head)?;
        let p = p.as_ref();
        let rows = table_rows(l, p)?;
        if u64::from(row) + u64::from(rows) > u64::from(max_rows) {
            if i > 0 {
                break;
            }
            return Err(XlsxError::ParameterError(format!(
                "项目“{}”的表格有 {rows} 行，超过 Excel 每个工作表 {max_rows} 行的上限",
                p.level2_project.as_deref().unwrap_or("")
            )));
        }
        if i > 0 {
            breaks.push(row);
        }
        let written = write_table(ws, l, row, p)?;
        debug_assert_eq!(written.next, row + rows, "table_rows is the table's height");
        heads.push(written.grid_header);
        row = written.next + 1;
        placed.push(written.placements);
    }
    // Excel keeps at most 1,023 manual page breaks a sheet; past them tables still
    // stack, and print where the page ends.
    breaks.truncate(1023);
    ws.set_page_breaks(&breaks)?;
    // With one table per sheet, its grid header repeats on every printed page.
    if let [head] = heads[..]
        && l.template.print.repeat_grid_header
    {
        ws.set_repeat_rows(head, head)?;
    }
    Ok(placed)
}

/// How many rows `p`'s table takes in the layout `l`: counted for the official layout,
/// written on a scratch sheet for a stage's.
fn table_rows(l: &Layout<'_>, p: &Project) -> Result<u32, XlsxError> {
    if l.template.form.is_some() {
        let mut scratch = rust_xlsxwriter::Worksheet::new();
        return Ok(write_table(&mut scratch, l, 0, p)?.next);
    }
    Ok(official::table_rows(p))
}

/// Sheet names Excel accepts: no `[]:*?/\`, at most 31 characters, unique.
#[derive(Default)]
pub struct SheetNames {
    used: HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

impl SheetNames {
    /// `wanted` made a name Excel accepts and not yet given: forbidden characters
    /// dropped, cut to 31 characters, a number added when it is taken.
    pub fn unique(&mut self, wanted: &str) -> String {
        let clean: String = wanted
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control())
            .collect();
        let clean = clean.trim_matches(|c: char| c == '\'' || c.is_whitespace());
        // Excel counts a sheet name's length in UTF-16 units (an astral character is
        // two) and refuses a name that ends with an apostrophe.
        let fit = |s: &str, room: usize| -> String {
            prefix_within(s, room, char::len_utf16)
                .trim_end_matches('\'')
                .to_string()
        };
        let base: String = if clean.is_empty() {
            "Sheet".into()
        } else {
            fit(clean, 31)
        };
        let mut name = base.clone();
        // Collisions are numbered from where the last one for this base stopped, so
        // thousands of tables with one name stay linear.
        let next = self.next.entry(base.to_lowercase()).or_insert(2);
        while self.used.contains(&name.to_lowercase()) {
            let suffix = format!("({next})");
            name = fit(&base, 31 - suffix.len()) + &suffix;
            *next += 1;
        }
        self.used.insert(name.to_lowercase());
        name
    }

    /// The name of the `part`th sheet of `wanted` (2 and on), which a sheet past the
    /// row limit continues on: “（续）”, then “（续3）”…, the name clipped to make room.
    pub fn continued(&mut self, wanted: &str, part: usize) -> String {
        let suffix = if part <= 2 {
            "（续）".to_string()
        } else {
            format!("（续{part}）")
        };
        let clean: String = wanted
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control())
            .collect();
        let room = 31 - suffix.encode_utf16().count();
        let base = prefix_within(clean.trim(), room, char::len_utf16);
        self.unique(&format!("{base}{suffix}"))
    }
}

/// The longest prefix of `s` whose characters measure at most `limit` together.
pub(crate) fn prefix_within(s: &str, limit: usize, measure: impl Fn(char) -> usize) -> &str {
    let mut total = 0;
    for (i, c) in s.char_indices() {
        total += measure(c);
        if total > limit {
            return &s[..i];
        }
    }
    s
}

/// Excel's limit on a cell's text, in UTF-16 units.
pub(crate) const MAX_CELL_TEXT: usize = 32_767;

/// `s` as a cell can hold it: clipped to Excel's 32,767 characters.
pub(crate) fn fit_cell(s: &str) -> &str {
    prefix_within(s, MAX_CELL_TEXT, char::len_utf16)
}

/// `head` made whole from `tables`, and fitted to Excel's cells as a batch held in
/// memory is fitted before it is written: every writer of a merge takes its tables here.
pub(crate) fn whole<'a>(
    tables: &dyn Tables,
    head: &'a Project,
) -> std::io::Result<Cow<'a, Project>> {
    let p = tables.table(head)?;
    Ok(if needs_fit(&p) {
        Cow::Owned(fit_project(&p))
    } else {
        p
    })
}

/// True when some text of `p` is longer than a cell can hold.
fn needs_fit(p: &Project) -> bool {
    let long = |s: &str| s.len() > MAX_CELL_TEXT && fit_cell(s).len() < s.len();
    let opt = |o: &Option<String>| o.as_deref().is_some_and(long);
    opt(&p.title)
        || opt(&p.level1_project)
        || opt(&p.level2_project)
        || opt(&p.department)
        || opt(&p.implementer)
        || opt(&p.goal)
        || long(&p.source.file)
        || p.indicators.iter().any(|i| {
            long(&i.level1)
                || long(&i.level2)
                || long(&i.name)
                || long(&i.value.text)
                || opt(&i.note)
        })
}

/// `p` with every text clipped to what a cell holds (one hostile cell must not keep
/// the whole batch from being written).
fn fit_project(p: &Project) -> Project {
    let mut p = p.clone();
    let clip = |s: &mut String| {
        let keep = fit_cell(s).len();
        s.truncate(keep);
    };
    for o in [
        &mut p.title,
        &mut p.level1_project,
        &mut p.level2_project,
        &mut p.department,
        &mut p.implementer,
        &mut p.goal,
    ]
    .into_iter()
    .flatten()
    {
        clip(o);
    }
    clip(&mut p.source.file);
    for i in &mut p.indicators {
        clip(&mut i.level1);
        clip(&mut i.level2);
        clip(&mut i.name);
        clip(&mut i.value.text);
        if let Some(n) = i.note.as_mut() {
            clip(n);
        }
    }
    p
}

/// File names safe on every file system: no `/ \ : * ? " < > |` or control characters,
/// no formula punctuation (`= ( ) ,`, a leading `+ - @`),
/// no reserved Windows names, at most 80 characters, unique (collisions numbered).
#[derive(Default)]
pub struct FileNames {
    used: HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

const MAX_FILE_STEM: usize = 80;

impl FileNames {
    /// A unique file name `stem.ext` for `wanted`.
    pub fn unique(&mut self, wanted: &str, ext: &str) -> String {
        let clean: String = wanted
            .chars()
            .map(|c| {
                // The file system's forbidden characters, and a formula's punctuation
                // (a name like =HYPERLINK("…") must not carry it into a file name).
                if "/\\:*?\"<>|=(),".contains(c) || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let clean = clean
            .trim_matches(|c: char| c == '.' || c.is_whitespace())
            .trim_start_matches(['+', '-', '@', '_']);
        // At most 80 characters and 240 bytes: file systems count a name's bytes
        // (255), and the collision number and extension need room.
        let mut base: String = if clean.is_empty() {
            "项目".into()
        } else {
            let short: String = clean.chars().take(MAX_FILE_STEM).collect();
            prefix_within(&short, 240, char::len_utf8).to_string()
        };
        let reserved = [
            "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "LPT1", "LPT2", "LPT3",
        ];
        if reserved.iter().any(|r| {
            base.split('.')
                .next()
                .is_some_and(|s| s.eq_ignore_ascii_case(r))
        }) {
            base.insert(0, '_');
        }
        let mut name = format!("{base}.{ext}");
        let n = self.next.entry(base.to_lowercase()).or_insert(2);
        while self.used.contains(&name.to_lowercase()) {
            name = format!("{base}({n}).{ext}");
            *n += 1;
        }
        self.used.insert(name.to_lowercase());
        name
    }
}

/// The display width of text in Excel column units: CJK characters count two.
pub fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if (c as u32) < 0x2E80 { 1.1 } else { 2.0 })
        .sum()
}

/// How many lines `s` takes in a column `width` units wide, wrapped.
pub fn wrapped_lines(s: &str, width: f64) -> u32 {
    let usable = (width - 1.0).max(1.0);
    s.split('\n')
        .map(|line| ((text_width(line) / usable).ceil() as u32).max(1))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut n = SheetNames::default();
        assert_eq!(n.unique("汇总"), "汇总");
        assert_eq!(n.unique("汇总"), "汇总(2)");
        assert_eq!(n.unique("a/b:c*d?[e]"), "abcde");
        let long = "中".repeat(40);
        assert_eq!(n.unique(&long).chars().count(), 31);
        assert_eq!(n.unique(&long), format!("{}(2)", "中".repeat(28)));
        assert_eq!(n.unique("  "), "Sheet");
    }

    #[test]
    fn file_names_are_safe_and_unique() {
        let mut n = FileNames::default();
        assert_eq!(
            n.unique("机关工委-党建/宣传: \"七一\"", "xlsx"),
            "机关工委-党建_宣传_ _七一_.xlsx"
        );
        assert_eq!(
            n.unique("机关工委-党建/宣传: \"七一\"", "xlsx"),
            "机关工委-党建_宣传_ _七一_(2).xlsx"
        );
        assert_eq!(n.unique("CON", "xlsx"), "_CON.xlsx");
        assert_eq!(n.unique(&"长".repeat(200), "xlsx").chars().count(), 80 + 5);
        assert_eq!(n.unique("...", "xlsx"), "项目.xlsx");
    }
}

#[cfg(test)]
mod limits {
    use super::*;

    #[test]
    fn names_fit_what_excel_and_file_systems_accept() {
        let mut sheets = SheetNames::default();
        // 20 astral characters are 40 UTF-16 units: cut to 31 units, not 31 characters.
        let astral = "𠀀".repeat(20) + "'";
        let name = sheets.unique(&astral);
        assert!(name.encode_utf16().count() <= 31, "{name}");
        assert!(!name.ends_with('\''));
        let quoted = sheets.unique("部门名称很长很长很长很长很长很长很长很长很长很长很长'后");
        assert!(!quoted.ends_with('\'') && quoted.encode_utf16().count() <= 31);
        // Thousands of one name stay unique (and quick).
        let many: HashSet<String> = (0..3_000).map(|_| sheets.unique("汇总")).collect();
        assert_eq!(many.len(), 3_000);
        let mut files = FileNames::default();
        let long = files.unique(&"𠀀".repeat(80), "xlsx");
        assert!(long.len() <= 255, "{} bytes", long.len());
    }

    #[test]
    fn a_cell_past_excels_limit_is_clipped_not_fatal() {
        let p = Project {
            department: Some("中共黔南州直属机关工作委员会".into()),
            level2_project: Some("机关党建工作".into()),
            goal: Some("目".repeat(40_000)),
            indicators: vec![crate::model::Indicator::new(
                "产出指标",
                "数量指标",
                &"名".repeat(33_000),
                crate::value::Value::parse("＝1次"),
            )],
            ..Project::default()
        };
        let template = crate::template::Template::default();
        let parts = crate::template::TitleParts::default();
        let l = Layout::new(&template, &parts);
        let merged = merged_workbook(
            std::slice::from_ref(&p),
            &[],
            Default::default(),
            &[],
            None,
            None,
            &l,
        );
        assert!(merged.is_ok(), "{merged:?}");
        assert!(project_workbook(&p, &l).is_ok());
    }
}
