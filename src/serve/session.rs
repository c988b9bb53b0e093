//! One browser tab's batch: the files it uploaded, read as they arrive, and what the
//! page shows and downloads from them.
//!
//! Every answer is computed by the same library functions the commands call, over the
//! files in the order a folder walk gives them, so downloads equal the command line's.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{App, refuse};
use crate::batch::Merged;
use crate::model::{Diagnostic, Extraction, Project};
use crate::rule::Rule;
use crate::template::{Template, TitleParts};
use crate::write::Layout;

/// Batches kept at once; the oldest goes (with its files) when another tab opens past it.
const MAX_SESSIONS: usize = 64;

/// Every tab's batch. Uploads are read from memory as they arrive and only what they
/// gave is kept: no file is written anywhere.
pub struct Sessions {
    open: Mutex<Vec<(String, Arc<Mutex<Session>>)>>,
}

/// One uploaded workbook once read.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name the browser gave (a folder's relative path), as findings show it.
    pub display: String,
    pub modified: Option<SystemTime>,
    pub projects: Vec<Project>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Default)]
struct Session {
    uploads: Vec<Upload>,
}

impl Default for Sessions {
    fn default() -> Sessions {
        Sessions::new()
    }
}

impl Sessions {
    pub fn new() -> Sessions {
        Sessions {
            open: Mutex::new(Vec::new()),
        }
    }

    fn create(&self) -> std::io::Result<String> {
        let id = super::random_hex(12)?;
        let mut open = lock(&self.open);
        if open.len() >= MAX_SESSIONS {
            open.remove(0);
        }
        open.push((id.clone(), Arc::new(Mutex::new(Session::default()))));
        Ok(id)
    }

    fn get(&self, id: &str) -> Option<Arc<Mutex<Session>>> {
        lock(&self.open)
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, s)| s.clone())
    }
}

/// A poisoned lock means a handler panicked mid-update; the data is still whole
/// (every update is one push or one replace), so go on with it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Session {
    /// The uploads in the order `jixiao merge FOLDER` would read the same files: a
    /// directory walk sorts entries by name, level by level.
    fn ordered(&self) -> Vec<&Upload> {
        let mut out: Vec<&Upload> = self.uploads.iter().collect();
        out.sort_by(|a, b| PathBuf::from(&a.display).cmp(&PathBuf::from(&b.display)));
        out
    }

    fn extraction(&self) -> Extraction {
        let mut out = Extraction::default();
        for u in self.ordered() {
            out.files.push(u.display.clone());
            out.projects.extend(u.projects.iter().cloned());
            out.diagnostics.extend(u.diagnostics.iter().cloned());
        }
        out
    }

    fn merged(&self) -> Merged {
        let times: HashMap<String, SystemTime> = self
            .uploads
            .iter()
            .filter_map(|u| Some((u.display.clone(), u.modified?)))
            .collect();
        // The page always counts the newest version, as merge does by default.
        crate::batch::merge(crate::batch::check_extraction(
            self.extraction(),
            &crate::validate::Config::default(),
            crate::versions::Prefer::Newest,
            |file| crate::versions::time_of(&times, file),
        ))
    }
}

fn json_response(value: &Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        value.to_string(),
    )
        .into_response()
}

fn no_session() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "这一批文件已不在（页面打开太久或服务已重启），请刷新页面后重新添加",
    )
}

pub(super) async fn create(State(app): State<Arc<App>>) -> Response {
    match app.sessions.create() {
        Ok(id) => json_response(&json!({ "id": id })),
        Err(e) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("无法创建会话：{e}"),
        ),
    }
}

/// A name from the browser, made fit to show: forward slashes, no leading slash, no
/// empty or dot parts, bounded. It is only ever shown, never opened.
fn display_name(name: &str) -> String {
    let parts: Vec<&str> = name
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    let joined = parts.join("/");
    let bounded: String = joined.chars().take(500).collect();
    if bounded.is_empty() {
        "未命名文件".to_string()
    } else {
        bounded
    }
}

/// Receives a batch of files as `multipart/form-data`: for each file a `name` field (its
/// name, or its path inside a dropped folder), optionally a `modified` field (the
/// browser's `File.lastModified`, milliseconds since 1970: of two versions of a project
/// the newer counts), then the `file` itself. Each file is streamed to the session's
/// folder (never more than the file limit), read as the command line reads a file
/// found in a folder, and removed; the answer lists what each gave.
pub(super) async fn upload(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    mut form: axum::extract::Multipart,
) -> Response {
    let Some(session) = app.sessions.get(&id) else {
        return no_session();
    };
    // Each file is read on a blocking thread while the next one arrives; the readers
    // in flight are bounded, and so the bytes held.
    let mut reading = Vec::new();
    let mut name = None;
    let mut modified = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return refuse(StatusCode::BAD_REQUEST, &format!("上传中断：{e}")),
        };
        match field.name() {
            Some("name") => name = field.text().await.ok(),
            Some("modified") => {
                modified = field
                    .text()
                    .await
                    .ok()
                    .and_then(|t| t.trim().parse::<u64>().ok())
                    .map(|ms| SystemTime::UNIX_EPOCH + Duration::from_millis(ms));
            }
            Some("file") => {
                let display = display_name(
                    name.take()
                        .as_deref()
                        .or(field.file_name())
                        .unwrap_or_default(),
                );
                let limits = app.limits;
                let received = match receive(field, limits.max_file_bytes).await {
                    Ok(received) => received,
                    Err(e) => return refuse(StatusCode::BAD_REQUEST, &format!("上传中断：{e}")),
                };
                let Ok(permit) = app.readers.clone().acquire_owned().await else {
                    return internal();
                };
                let (session, modified) = (session.clone(), modified.take());
                reading.push(tokio::task::spawn_blocking(move || {
                    let _permit = permit;
                    keep(&session, read(display, modified, received, &limits))
                }));
            }
            _ => {}
        }
    }
    let mut answers = Vec::with_capacity(reading.len());
    for r in reading {
        match r.await {
            Ok(answer) => answers.push(answer),
            Err(_) => return internal(),
        }
    }
    json_response(&Value::Array(answers))
}

/// An uploaded file's bytes, at most `max + 1` of them, and its whole size (what is
/// past the limit is counted, not kept).
async fn receive(
    mut field: axum::extract::multipart::Field<'_>,
    max: u64,
) -> anyhow::Result<(Vec<u8>, u64)> {
    let mut bytes = Vec::new();
    let mut size: u64 = 0;
    while let Some(data) = field.chunk().await? {
        let keep = (max + 1).saturating_sub(size).min(data.len() as u64) as usize;
        bytes.extend_from_slice(&data[..keep]);
        size += data.len() as u64;
    }
    Ok((bytes, size))
}

/// Reads one uploaded file as the command line reads a file found in a folder.
fn read(
    display: String,
    modified: Option<SystemTime>,
    (bytes, size): (Vec<u8>, u64),
    limits: &crate::read::Limits,
) -> Upload {
    let (projects, diagnostics) = if size > limits.max_file_bytes {
        let e = crate::read::too_large_file(size, limits);
        (
            Vec::new(),
            vec![Diagnostic::file(
                Rule::UnreadableFile,
                &display,
                e.to_string(),
            )],
        )
    } else {
        crate::extract_found(&display, &bytes, limits)
    };
    Upload {
        display,
        modified,
        projects,
        diagnostics,
    }
}

/// Keeps an upload in its batch; answers with what it gave.
fn keep(session: &Mutex<Session>, upload: Upload) -> Value {
    let refused = upload
        .diagnostics
        .iter()
        .find(|d| is_refusal(d))
        .map(|d| d.message.clone());
    let answer = json!({
        "name": upload.display,
        "projects": upload.projects.len(),
        "refused": refused,
    });
    let mut s = lock(session);
    // The same file dropped again replaces the first.
    match s.uploads.iter_mut().find(|u| u.display == upload.display) {
        Some(old) => *old = upload,
        None => s.uploads.push(upload),
    }
    answer
}

/// A finding that means the file gave nothing: it could not be read, held no table, or
/// is jixiao's own output.
fn is_refusal(d: &Diagnostic) -> bool {
    matches!(
        d.rule,
        Rule::UnreadableFile | Rule::NoTable | Rule::OwnOutput
    )
}

fn money(d: Option<rust_decimal::Decimal>) -> Value {
    d.map_or(Value::Null, |d| {
        Value::String(crate::value::money(d).to_string())
    })
}

fn totals_json(t: &crate::aggregate::Totals) -> Value {
    json!({
        "projects": t.projects,
        "total": crate::value::money(t.total).to_string(),
        "fiscal": crate::value::money(t.fiscal).to_string(),
        "non_fiscal": crate::value::money(t.non_fiscal).to_string(),
    })
}

fn project_json(p: &Project, index: Option<usize>) -> Value {
    json!({
        "index": index,
        "department": p.department,
        "implementer": p.implementer,
        "name": p.level2_project,
        "total": money(p.funds.total),
        "fiscal": money(p.funds.fiscal),
        "non_fiscal": money(p.funds.non_fiscal),
        "other": p.funds.other.iter()
            .map(|(k, v)| json!([k, crate::value::money(*v).to_string()]))
            .collect::<Vec<_>>(),
        "indicators": p.indicators.len(),
        // A 自评表 is scored as `jixiao score` scores it.
        "score": (p.stage.as_deref() == Some("自评")).then(|| {
            let s = crate::score::score_project(p, crate::score::Reverse::default());
            json!({"total": s.total.to_string(), "grade": s.grade})
        }),
        "file": p.source.file,
        "sheet": p.source.sheet,
    })
}

/// Everything the page shows: projects by 主管部门 with 小计 and 合计 (as on 汇总),
/// the versions set aside, every finding, the files refused.
pub(super) async fn summary(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let Some(session) = app.sessions.get(&id) else {
        return no_session();
    };
    let answer = tokio::task::spawn_blocking(move || {
        let s = lock(&session);
        let merged = s.merged();
        let index: HashMap<*const Project, usize> = merged
            .projects
            .iter()
            .enumerate()
            .map(|(i, p)| (p as *const Project, i))
            .collect();
        let groups = crate::aggregate::group_by(&merged.projects, crate::aggregate::department_of);
        let departments: Vec<Value> = groups
            .iter()
            .map(|(name, projects)| {
                json!({
                    "name": name,
                    "projects": projects.iter()
                        .map(|p| project_json(p, index.get(&(*p as *const Project)).copied()))
                        .collect::<Vec<_>>(),
                    "subtotal": totals_json(&crate::aggregate::totals(projects.iter().copied())),
                })
            })
            .collect();
        // The department a finding belongs to: that of its file's first table.
        let mut department_of_file: HashMap<&str, String> = HashMap::new();
        for p in merged
            .projects
            .iter()
            .chain(merged.superseded.iter().map(|s| &s.project))
        {
            department_of_file
                .entry(p.source.file.as_str())
                .or_insert_with(|| crate::aggregate::department_of(p));
        }
        let findings: Vec<Value> = merged
            .diagnostics
            .iter()
            .map(|d| {
                json!({
                    "file": d.file,
                    "sheet": d.sheet,
                    "cell": d.cell,
                    "rule": d.rule.as_str(),
                    "rule_summary": d.rule.summary(),
                    "severity": d.severity,
                    "message": d.message,
                    "department": department_of_file.get(d.file.as_str()),
                })
            })
            .collect();
        let refused: Vec<Value> = merged
            .diagnostics
            .iter()
            .filter(|d| is_refusal(d))
            .map(|d| json!({"file": d.file, "message": d.message}))
            .collect();
        let superseded: Vec<Value> = merged
            .superseded
            .iter()
            .map(|s| {
                let mut v = project_json(&s.project, None);
                v["replaced_by"] = json!(match &s.by {
                    crate::versions::ReplacedBy::Version(w) => format!("{}:{}", w.file, w.sheet),
                    by @ crate::versions::ReplacedBy::Workbook(_) =>
                        format!("无（{}）", by.describe()),
                });
                v
            })
            .collect();
        json!({
            "files": merged.files,
            "departments": departments,
            "total": totals_json(&crate::aggregate::grand_total(&merged.projects)),
            "superseded": superseded,
            "findings": findings,
            "refused": refused,
        })
    })
    .await;
    match answer {
        Ok(v) => json_response(&v),
        Err(_) => internal(),
    }
}

fn internal() -> Response {
    refuse(
        StatusCode::INTERNAL_SERVER_ERROR,
        "内部错误（这是 jixiao 的缺陷，请将所用文件报告给开发者）",
    )
}

/// The layout with no title parts given, as the commands use it without options.
fn with_layout<T>(f: impl FnOnce(&Layout<'_>) -> T) -> T {
    let template = Template::default();
    let parts = TitleParts::default();
    f(&Layout::new(&template, &parts))
}

/// One counted project in the official layout, as HTML: the workbook `split` writes,
/// read back and drawn as a table, so the page shows exactly what will be written.
pub(super) async fn project_view(
    State(app): State<Arc<App>>,
    Path((id, n)): Path<(String, usize)>,
) -> Response {
    let Some(session) = app.sessions.get(&id) else {
        return no_session();
    };
    let html = tokio::task::spawn_blocking(move || -> Option<String> {
        let merged = lock(&session).merged();
        let p = merged.projects.get(n)?;
        let bytes = with_layout(|l| crate::write::project_workbook(p, l)).ok()?;
        let sheets = crate::read::read_bytes(&bytes).ok()?;
        Some(super::view::render(sheets.first()?))
    })
    .await;
    match html {
        Ok(Some(html)) => {
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
        }
        Ok(None) => refuse(StatusCode::NOT_FOUND, "没有这个项目"),
        Err(_) => internal(),
    }
}

/// `Content-Disposition` for a download named in Chinese (RFC 6266 / 5987).
fn attachment(name: &str, ascii: &str) -> String {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn file_response(bytes: Vec<u8>, mime: &str, name: &str, ascii: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, attachment(name, ascii)),
        ],
        bytes,
    )
        .into_response()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What one download is: a file, or why there is none.
enum Made {
    File {
        bytes: Vec<u8>,
        mime: &'static str,
        name: &'static str,
        ascii: &'static str,
    },
    Nothing(StatusCode, &'static str),
}

/// What the command line writes for the session's files: `merged.xlsx` (merge),
/// `split.zip` (split's workbooks, named as split names them), `extract.json` and
/// `extract.csv` (extract).
pub(super) async fn download(
    State(app): State<Arc<App>>,
    Path((id, what)): Path<(String, String)>,
) -> Response {
    let Some(session) = app.sessions.get(&id) else {
        return no_session();
    };
    let scratch = app.scratch.path().to_path_buf();
    let made = tokio::task::spawn_blocking(move || make(&lock(&session), &what, &scratch)).await;
    match made {
        Ok(Ok(Made::File {
            bytes,
            mime,
            name,
            ascii,
        })) => file_response(bytes, mime, name, ascii),
        Ok(Ok(Made::Nothing(status, why))) => refuse(status, why),
        Ok(Err(e)) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("生成文件失败：{e}"),
        ),
        Err(_) => internal(),
    }
}

fn make(s: &Session, what: &str, scratch: &std::path::Path) -> anyhow::Result<Made> {
    let file = |bytes, mime, name, ascii| Made::File {
        bytes,
        mime,
        name,
        ascii,
    };
    Ok(match what {
        "merged.xlsx" => {
            let m = s.merged();
            if m.projects.is_empty() {
                return Ok(Made::Nothing(
                    StatusCode::CONFLICT,
                    "未找到任何绩效目标表，没有可汇总的内容",
                ));
            }
            let (template, parts) = (Template::default(), TitleParts::default());
            let mut l = Layout::new(&template, &parts);
            l.temp_dir = Some(scratch.to_path_buf());
            let bytes = crate::write::merged_workbook(
                &m.projects,
                &m.superseded,
                m.prefer,
                &m.diagnostics,
                None,
                None,
                &l,
            )?;
            file(bytes, XLSX, "汇总.xlsx", "merged.xlsx")
        }
        "split.zip" => {
            let e = s.extraction();
            if e.projects.is_empty() {
                return Ok(Made::Nothing(
                    StatusCode::CONFLICT,
                    "未找到任何绩效目标表，没有可拆分的项目",
                ));
            }
            file(
                split_zip(&e.projects)?,
                "application/zip",
                "拆分.zip",
                "split.zip",
            )
        }
        "extract.json" => {
            let e = s.extraction();
            let mut doc = crate::report::JsonDocument::new(Vec::new())?;
            for p in &e.projects {
                doc.project(&crate::report::project_json(p)?)?;
            }
            let bytes = doc.finish(&e.diagnostics)?;
            file(bytes, "application/json", "提取.json", "extract.json")
        }
        "extract.csv" => {
            let mut bytes = Vec::new();
            crate::report::write_csv_header(&mut bytes)?;
            // File by file, as `extract --format csv` writes them.
            for u in s.ordered() {
                bytes.extend(crate::report::csv_rows(&u.projects, true)?);
            }
            file(bytes, "text/csv; charset=utf-8", "提取.csv", "extract.csv")
        }
        _ => Made::Nothing(StatusCode::NOT_FOUND, "没有这种下载"),
    })
}

/// The per-project workbooks `split` writes, under the names it gives them, in one zip
/// (stored, not recompressed: a workbook is compressed already; fixed times, so the
/// same files give the same bytes).
fn split_zip(projects: &[Project]) -> anyhow::Result<Vec<u8>> {
    use std::io::Write;
    let names = crate::batch::split_names(projects);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (p, name) in projects.iter().zip(names) {
        let bytes = with_layout(|l| crate::write::project_workbook(p, l))?;
        zip.start_file(name, options)?;
        zip.write_all(&bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The blank form `jixiao template` writes.
pub(super) async fn template() -> Response {
    match with_layout(crate::write::form::blank_form) {
        Ok(bytes) => file_response(
            bytes,
            XLSX,
            "项目支出绩效目标表（空白）.xlsx",
            "template.xlsx",
        ),
        Err(e) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("生成模板失败：{e}"),
        ),
    }
}
