//! `jixiao serve`: a page on the local machine for people who do not use a terminal.
//!
//! A thin layer over the library: uploads are read by [`crate::extract_found`], merged by
//! [`crate::batch::merge`] and written by [`crate::write`], as on the command line, so a
//! workbook downloaded from the page is byte for byte the one the command writes.
//!
//! Bound to the loopback address with a random port and a random per-launch token that
//! every request must carry; a request whose `Host` is not the address the server was
//! started on is refused (no DNS rebinding). Uploads are read from memory as they arrive
//! and never written to disk; the merged workbook's sheets stream through the page's own
//! temporary folder (unlinked files), removed when the server stops; the server never
//! opens a path the browser names.

mod session;
mod view;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::read::Limits;

pub(crate) use session::Sessions;

/// Why the page's server could not start or stopped short.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address is taken, or not one this machine has.
    #[error("无法在 {addr} 上启动服务")]
    Bind {
        /// The address asked for (127.0.0.1 on any free port by default).
        addr: SocketAddr,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The runtime, the random token or the connection loop failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// How the server is started.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen; `None`: 127.0.0.1 on a free port.
    pub listen: Option<SocketAddr>,
    /// Open the default browser on the page.
    pub open: bool,
    /// The bounds each uploaded workbook is read within, as the command line sets them.
    pub limits: Limits,
}

/// What every handler shares.
pub(crate) struct App {
    token: String,
    /// `Host` header values accepted; `None`: any (listening on all interfaces).
    hosts: Option<Vec<String>>,
    pub(crate) sessions: Sessions,
    pub(crate) limits: Limits,
    /// Uploads being read at once: as many as the machine has cores.
    pub(crate) readers: Arc<tokio::sync::Semaphore>,
    quit: tokio::sync::Notify,
    /// The page's own temporary folder: the merged workbook's sheets stream through
    /// it; removed with everything in it when the server stops.
    pub(crate) scratch: tempfile::TempDir,
}

/// A random token of 128 bits, as 32 hex digits.
fn random_hex(bytes: usize) -> std::io::Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(std::io::Error::other)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Runs the server until Ctrl-C or the page's 退出 button; `started` receives the
/// page's address (with its token) once the server listens.
///
/// # Errors
/// [`ServeError::Bind`] when the address cannot be bound; [`ServeError::Io`] when the
/// runtime cannot start, no random token can be had, or serving fails.
pub fn run(options: &Options, started: impl FnOnce(&str)) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(options, started))
}

async fn serve(options: &Options, started: impl FnOnce(&str)) -> Result<(), ServeError> {
    let requested = options
        .listen
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
    let listener = tokio::net::TcpListener::bind(requested)
        .await
        .map_err(|source| ServeError::Bind {
            addr: requested,
            source,
        })?;
    let addr = listener.local_addr()?;
    let hosts = if addr.ip().is_unspecified() {
        None
    } else {
        let port = addr.port();
        let mut hosts = vec![format!("{addr}")];
        if addr.ip().is_loopback() {
            hosts.extend([
                format!("127.0.0.1:{port}"),
                format!("localhost:{port}"),
                format!("[::1]:{port}"),
            ]);
        }
        Some(hosts)
    };
    let token = random_hex(16)?;
    let app = Arc::new(App {
        token: token.clone(),
        hosts,
        sessions: Sessions::new(),
        readers: Arc::new(tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, usize::from),
        )),
        limits: options.limits,
        quit: tokio::sync::Notify::new(),
        scratch: tempfile::Builder::new().prefix("jixiao-page-").tempdir()?,
    });
    let shown = if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    };
    let url = format!("http://{shown}/?t={token}");
    started(&url);
    let router = router(app.clone());
    let quit = app.clone();
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {},
                () = quit.quit.notified() => {},
            }
        })
        .await?;
    // The sessions (and what their uploads gave) go with `app`.
    drop(app);
    Ok(())
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/app.js", get(script))
        .route("/app.css", get(style))
        .route("/api/template.xlsx", get(session::template))
        .route("/api/sessions", post(session::create))
        // Uploads are streamed to disk and each file is held to the file limit there,
        // with the reader's words; a limit on the whole request would refuse a batch
        // before anyone could say which file was too large.
        .route(
            "/api/sessions/{id}/files",
            post(session::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/api/sessions/{id}/summary", get(session::summary))
        .route(
            "/api/sessions/{id}/projects/{n}",
            get(session::project_view),
        )
        .route("/api/sessions/{id}/download/{what}", get(session::download))
        .route("/api/quit", post(quit))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// Refuses a request from a foreign `Host` or without the launch token, and marks
/// every answer as private to this page.
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if let Some(hosts) = &app.hosts
        && !hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    {
        return refuse(
            StatusCode::FORBIDDEN,
            "拒绝访问：请求的主机名不是本机地址（Host 头不符）",
        );
    }
    let from_header = req
        .headers()
        .get("x-jixiao-token")
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let from_query = req.uri().query().and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("t=").map(str::to_string))
    });
    let given = from_header.or(from_query).unwrap_or_default();
    if !same(given.as_bytes(), app.token.as_bytes()) {
        return refuse(
            StatusCode::FORBIDDEN,
            "拒绝访问：缺少或错误的访问令牌，请使用 jixiao serve 打印的完整地址",
        );
    }
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'",
        ),
    );
    response
}

/// Compares in time independent of where the two differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) fn refuse(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_string(),
    )
        .into_response()
}

const PAGE: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/app.css");

/// The page, with the token its own requests carry (scripts and links cannot send a
/// header; the token is hex, nothing to escape).
async fn page(State(app): State<Arc<App>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        PAGE.replace("{{TOKEN}}", &app.token),
    )
        .into_response()
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

async fn quit(State(app): State<Arc<App>>) -> Response {
    app.quit.notify_one();
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "已退出",
    )
        .into_response()
}
