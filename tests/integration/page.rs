//! `jixiao serve`: the page's guard against other sites and other programs, over
//! plain HTTP, and the page itself driven in Chromium (tests/browser/page.py).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `jixiao serve --no-open` and the address it printed.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    addr: String,
    token: String,
}

impl Server {
    fn start() -> Server {
        Server::start_with(&[])
    }

    fn start_with(options: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["serve", "--no-open"])
            .args(options)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start jixiao serve");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        lines.read_line(&mut line).expect("read the address line");
        let url = line
            .split_whitespace()
            .find_map(|w| w.split("http://").nth(1))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        let (addr, token) = url.split_once("/?t=").expect("address with a token");
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = lines.read_to_string(&mut rest);
        });
        Server {
            addr: addr.to_string(),
            token: token.trim().to_string(),
            child,
        }
    }

    /// Sends one request; returns the status code and the body.
    fn request(&self, method: &str, path: &str, host: &str) -> (u16, String) {
        self.send(method, path, host, &[])
    }

    /// As `request`, with the token and this server's address, and a body.
    fn post(&self, path: &str, body: &[u8]) -> (u16, String) {
        let sep = if path.contains('?') { '&' } else { '?' };
        self.send(
            "POST",
            &format!("{path}{sep}t={}", self.token),
            &self.addr,
            body,
        )
    }

    fn get(&self, path: &str) -> (u16, String) {
        let sep = if path.contains('?') { '&' } else { '?' };
        self.send(
            "GET",
            &format!("{path}{sep}t={}", self.token),
            &self.addr,
            &[],
        )
    }

    fn session(&self) -> String {
        let (status, body) = self.post("/api/sessions", &[]);
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        v["id"].as_str().expect("id").to_string()
    }

    /// Uploads files as the page does: `multipart/form-data`, a `name` field then the
    /// `file` for each.
    fn upload(&self, session: &str, files: &[(&str, &[u8])]) -> (u16, String) {
        let boundary = "----jixiao-test-boundary";
        let mut body = Vec::new();
        for (name, bytes) in files {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n{name}\r\n\
                     --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").as_bytes());
        self.send_typed(
            "POST",
            &format!("/api/sessions/{session}/files?t={}", self.token),
            &self.addr,
            &body,
            &format!("multipart/form-data; boundary={boundary}"),
        )
    }

    fn send(&self, method: &str, path: &str, host: &str, body: &[u8]) -> (u16, String) {
        self.send_typed(method, path, host, body, "application/octet-stream")
    }

    fn send_typed(
        &self,
        method: &str,
        path: &str,
        host: &str,
        body: &[u8],
        content_type: &str,
    ) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .expect("send");
        // The server may answer before it has read a body it refuses.
        let _ = stream.write_all(body);
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).expect("read answer");
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {answer:?}"));
        let body = answer
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    fn wait(mut self, within: Duration) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            if start.elapsed() > within {
                let _ = self.child.kill();
                panic!("jixiao serve did not stop within {within:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_answers_only_with_the_token_and_the_loopback_host() {
    let server = Server::start();
    assert!(server.addr.starts_with("127.0.0.1:"), "{}", server.addr);
    let with_token = format!("/?t={}", server.token);
    let host = server.addr.clone();

    let (status, body) = server.request("GET", &with_token, &host);
    assert_eq!(status, 200);
    assert!(body.contains("汇总与检查"), "{body}");

    let (status, body) = server.request("GET", "/", &host);
    assert_eq!(status, 403, "no token: {body}");
    assert!(body.contains("令牌"), "{body}");

    let (status, _) = server.request("GET", "/?t=00000000000000000000000000000000", &host);
    assert_eq!(status, 403, "wrong token");

    // DNS rebinding: a foreign name that resolves to 127.0.0.1 still says so in Host.
    let port = host.rsplit(':').next().unwrap_or_default();
    let (status, body) = server.request("GET", &with_token, &format!("evil.example:{port}"));
    assert_eq!(status, 403, "foreign Host: {body}");
    assert!(body.contains("Host"), "{body}");

    let (status, _) = server.request(
        "GET",
        &format!("/api/sessions/x/summary?t={}", server.token),
        &format!("localhost:{port}"),
    );
    assert_eq!(
        status, 404,
        "localhost is this machine; an unknown batch is not found"
    );

    let (status, _) = server.request("POST", &format!("/api/quit?t={}", server.token), &host);
    assert_eq!(status, 200);
    assert!(server.wait(Duration::from_secs(15)).success());
}

/// Needs Python with Playwright and a Chromium (`apt-get install chromium`, or
/// `python3 -m playwright install chromium`); CI installs both. The screenshots are
/// kept in target/test-artifacts/.
#[test]
fn the_page_in_a_real_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let keep = root.join("target/test-artifacts");
    let out = Command::new("python3")
        .arg(root.join("tests/browser/page.py"))
        .arg(env!("CARGO_BIN_EXE_jixiao"))
        .arg(root.join("samples/one_per_file"))
        .arg(&keep)
        .output()
        .expect("python3 runs (the page test needs Python with Playwright)");
    assert!(
        out.status.success(),
        "the page test failed (it needs `python3 -m pip install playwright` and Chromium):\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(keep.join("page.png").exists());
}

#[test]
fn two_tabs_never_share_a_batch_and_uploads_meet_the_command_line_limits() {
    let server = Server::start_with(&["--max-file-mb", "1"]);
    let seed = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/one_per_file/机关党建工作.xlsx"),
    )
    .expect("seed workbook");
    let (a, b) = (server.session(), server.session());
    assert_ne!(a, b);
    let b_id = b.clone();
    // Past --max-file-mb: refused with the command line's words; the rest goes through.
    let big = vec![b'x'; (1 << 20) + 10];
    let (status, body) = server.upload(&a, &[("机关.xlsx", &seed), ("big.xlsx", &big)]);
    assert_eq!(status, 200, "{body}");
    let answers: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(answers[0]["projects"], 1, "{body}");
    let refused = answers[1]["refused"].as_str().unwrap_or_default();
    assert!(refused.contains("超过上限 1 MB"), "{body}");

    let (_, summary_a) = server.get(&format!("/api/sessions/{a}/summary"));
    let (_, summary_b) = server.get(&format!("/api/sessions/{b}/summary"));
    let a: serde_json::Value = serde_json::from_str(&summary_a).expect("json");
    let b: serde_json::Value = serde_json::from_str(&summary_b).expect("json");
    assert_eq!(a["total"]["total"], "24.02", "{summary_a}");
    assert_eq!(a["refused"][0]["file"], "big.xlsx", "{summary_a}");
    assert_eq!(
        b["total"]["projects"], 0,
        "the other tab's batch is empty: {summary_b}"
    );
    assert_eq!(b["files"], 0);

    // A name with a path in it is only a name, shown without its way up.
    let (status, body) = server.upload(&b_id, &[("../../报送/x.xlsx", b"not a workbook")]);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"name\":\"报送/x.xlsx\""), "{body}");
}

/// A 自评表 dropped on the page shows the 总分 and grade `jixiao score` gives it.
#[test]
fn a_self_evaluation_on_the_page_is_scored() {
    let server = Server::start();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/real/b_yunnan_yongde_2022_ziping.grid"),
    )
    .expect("grid");
    let bytes = crate::samples::xlsx(&crate::grid::parse(&text).sheets);
    let id = server.session();
    let (status, body) = server.upload(&id, &[("永德.xlsx", &bytes)]);
    assert_eq!(status, 200, "{body}");
    let (_, summary) = server.get(&format!("/api/sessions/{id}/summary"));
    let v: serde_json::Value = serde_json::from_str(&summary).expect("json");
    let p = &v["departments"][0]["projects"][0];
    // As score.rs's test works it out by hand: 10 + 8 × 10 + 9.8.
    assert_eq!(p["score"]["total"], "99.8", "{summary}");
    assert_eq!(p["score"]["grade"], "优");
}
