// The page: uploads workbooks one by one (a few at a time), then shows what the
// server made of them. Every text from a file is set as text, never as HTML; the only
// HTML taken from the server is the official-layout table, which it escapes.
"use strict";

const token = document.body.dataset.token;
const SPREADSHEET = /\.(xlsx|xlsm|xls|xlsb|ods|et|ett|xlt|xltx|zip)$/i;
const PARALLEL = 4;
const BATCH_FILES = 64;
const BATCH_BYTES = 8 << 20;
let session = null;
let summary = null;

const $ = (id) => document.getElementById(id);

function api(path, options = {}) {
  options.headers = Object.assign({ "X-Jixiao-Token": token }, options.headers || {});
  return fetch(path, options);
}

function link(path) {
  return path + (path.includes("?") ? "&" : "?") + "t=" + token;
}

async function newSession() {
  const r = await api("/api/sessions", { method: "POST" });
  if (!r.ok) throw new Error(await r.text());
  session = (await r.json()).id;
  $("dl-merged").href = link(`/api/sessions/${session}/download/merged.xlsx`);
  $("dl-split").href = link(`/api/sessions/${session}/download/split.zip`);
  $("dl-csv").href = link(`/api/sessions/${session}/download/extract.csv`);
  $("dl-json").href = link(`/api/sessions/${session}/download/extract.json`);
  $("dl-template").href = link("/api/template.xlsx");
}

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

// --- adding files ---------------------------------------------------------

async function filesOfEntry(entry, out) {
  if (entry.isFile) {
    const file = await new Promise((ok, fail) => entry.file(ok, fail));
    out.push({ file, name: entry.fullPath.replace(/^\//, ""), inFolder: entry.fullPath.split("/").length > 2 });
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
      if (batch.length === 0) break;
      for (const e of batch) await filesOfEntry(e, out);
    }
  }
}

async function add(items) {
  // Inside a folder only spreadsheets are taken, as a folder walk on the command line
  // does; a file chosen by itself is always tried.
  const skipped = items.filter((i) => i.inFolder && !SPREADSHEET.test(i.name));
  const files = items.filter((i) => !(i.inFolder && !SPREADSHEET.test(i.name)));
  if (files.length === 0) {
    showProgress(0, 0, skipped.length ? `文件夹中没有电子表格文件（跳过 ${skipped.length} 个其他文件）` : "没有文件");
    return;
  }
  let done = 0;
  showProgress(0, files.length, "");
  // A few files per request: a request per file costs the browser more than the reading.
  const batches = [];
  let current = [];
  let bytes = 0;
  for (const item of files) {
    if (current.length && (current.length >= BATCH_FILES || bytes + item.file.size > BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.file.size;
  }
  if (current.length) batches.push(current);
  const failures = [];
  async function worker() {
    while (batches.length) {
      const batch = batches.shift();
      const form = new FormData();
      for (const item of batch) {
        form.append("name", item.name);
        if (item.file.lastModified) form.append("modified", String(item.file.lastModified));
        form.append("file", item.file, "upload");
      }
      try {
        const r = await api(`/api/sessions/${session}/files`, { method: "POST", body: form });
        if (!r.ok) failures.push(`${batch.map((i) => i.name).join("、")}：${await r.text()}`);
      } catch (e) {
        failures.push(`${batch.map((i) => i.name).join("、")}：${e.message}`);
      }
      done += batch.length;
      showProgress(done, files.length, "");
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, batches.length) }, worker));
  let note = `已读取 ${files.length} 个文件`;
  if (skipped.length) note += `，跳过 ${skipped.length} 个非电子表格文件`;
  if (failures.length) note += `；${failures.length} 个上传失败：${failures.join("；")}`;
  showProgress(done, files.length, note);
  await refresh();
}

function showProgress(done, total, note) {
  $("progress").hidden = false;
  $("bar").max = Math.max(total, 1);
  $("bar").value = done;
  $("progress-text").textContent = note || `正在读取 ${done}/${total} 个文件…`;
}

// --- showing results --------------------------------------------------------

async function refresh() {
  const r = await api(`/api/sessions/${session}/summary`);
  if (!r.ok) {
    $("progress-text").textContent = await r.text();
    return;
  }
  summary = await r.json();
  $("results").hidden = false;
  const t = summary.total;
  const errors = summary.findings.filter((f) => f.severity === "error").length;
  const warnings = summary.findings.length - errors;
  const overview = $("overview");
  overview.textContent = "";
  const parts = [
    ["读取文件 ", summary.files, " 个，"],
    ["项目 ", t.projects, " 个，"],
    ["年度资金总额 ", t.total, " 万元；"],
    ["错误 ", errors, " 条，"],
    ["警告 ", warnings, " 条"],
  ];
  for (const [before, value, after] of parts) {
    overview.append(before);
    const s = document.createElement("strong");
    s.textContent = value;
    overview.append(s, after);
  }
  drawProjects();
  drawSuperseded();
  drawRefused();
  fillFilters();
  drawFindings();
}

function drawProjects() {
  const body = $("projects").querySelector("tbody");
  body.textContent = "";
  // 自评表 get a 总分 column, as `jixiao score` gives it.
  const scored = summary.departments.some((d) => d.projects.some((p) => p.score));
  const head = $("projects").querySelector("thead tr");
  head.querySelector(".score-head")?.remove();
  $("projects").querySelector("col.score")?.remove();
  if (scored) {
    const col = document.createElement("col");
    col.className = "score";
    $("projects").querySelector("colgroup").appendChild(col);
    const th = document.createElement("th");
    th.className = "score-head";
    th.textContent = "自评总分（等级）";
    head.appendChild(th);
  }
  for (const d of summary.departments) {
    for (const p of d.projects) {
      const tr = document.createElement("tr");
      tr.className = "project";
      tr.dataset.index = p.index;
      cell(tr, p.department ?? "（未填主管部门）");
      cell(tr, p.name ?? "（未填项目名称）");
      cell(tr, p.total ?? "", "num");
      cell(tr, p.fiscal ?? "", "num");
      cell(tr, p.non_fiscal ?? "", "num");
      cell(tr, p.other.map(([k, v]) => `${k} ${v}`).join("；"));
      cell(tr, p.indicators, "num");
      cell(tr, `${p.file}：${p.sheet}`);
      if (scored) cell(tr, p.score ? `${p.score.total}（${p.score.grade}）` : "", "num");
      tr.addEventListener("click", () => view(p));
      body.appendChild(tr);
    }
    const sub = document.createElement("tr");
    sub.className = "subtotal";
    cell(sub, d.name);
    cell(sub, `小计（${d.subtotal.projects} 个项目）`);
    cell(sub, d.subtotal.total, "num");
    cell(sub, d.subtotal.fiscal, "num");
    cell(sub, d.subtotal.non_fiscal, "num");
    for (let i = 0; i < (scored ? 4 : 3); i++) cell(sub, "");
    body.appendChild(sub);
  }
  const total = document.createElement("tr");
  total.className = "total";
  cell(total, "合计");
  cell(total, `${summary.total.projects} 个项目`);
  cell(total, summary.total.total, "num");
  cell(total, summary.total.fiscal, "num");
  cell(total, summary.total.non_fiscal, "num");
  for (let i = 0; i < (scored ? 4 : 3); i++) cell(total, "");
  body.appendChild(total);
}

function drawSuperseded() {
  const rows = summary.superseded;
  $("superseded-block").hidden = rows.length === 0;
  const body = $("superseded").querySelector("tbody");
  body.textContent = "";
  for (const p of rows) {
    const tr = document.createElement("tr");
    cell(tr, p.department);
    cell(tr, p.name);
    cell(tr, p.total, "num");
    cell(tr, `${p.file}：${p.sheet}`);
    cell(tr, p.replaced_by);
    body.appendChild(tr);
  }
}

function drawRefused() {
  $("refused-block").hidden = summary.refused.length === 0;
  const body = $("refused").querySelector("tbody");
  body.textContent = "";
  for (const f of summary.refused) {
    const tr = document.createElement("tr");
    cell(tr, f.file);
    cell(tr, f.message, "error-line");
    body.appendChild(tr);
  }
}

function fillSelect(select, values) {
  const keep = select.value;
  while (select.options.length > 1) select.remove(1);
  for (const [value, label] of values) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }
  select.value = values.some(([v]) => v === keep) ? keep : "";
}

function fillFilters() {
  const rules = new Map();
  const depts = new Set();
  for (const f of summary.findings) {
    rules.set(f.rule, f.rule_summary);
    if (f.department) depts.add(f.department);
  }
  fillSelect($("f-rule"), [...rules].map(([id, s]) => [id, `${s}（${id}）`]));
  fillSelect($("f-dept"), [...depts].map((d) => [d, d]));
}

function drawFindings() {
  const rule = $("f-rule").value;
  const severity = $("f-severity").value;
  const dept = $("f-dept").value;
  const shown = summary.findings.filter(
    (f) => (!rule || f.rule === rule) && (!severity || f.severity === severity) && (!dept || f.department === dept),
  );
  $("findings-count").textContent = `（${shown.length} / ${summary.findings.length} 条）`;
  const body = $("findings").querySelector("tbody");
  body.textContent = "";
  for (const f of shown) {
    const tr = document.createElement("tr");
    cell(tr, f.file);
    cell(tr, f.sheet);
    cell(tr, f.cell);
    cell(tr, f.severity === "error" ? "错误" : "警告", `severity-${f.severity}`);
    cell(tr, f.rule);
    cell(tr, f.message);
    body.appendChild(tr);
  }
}

async function view(p) {
  const r = await api(`/api/sessions/${session}/projects/${p.index}`);
  $("view-title").textContent = `${p.department ?? ""} · ${p.name ?? ""}（拆分时写出的规范格式）`;
  // The server draws the table from the workbook `split` writes, every text escaped.
  $("view-body").innerHTML = r.ok ? await r.text() : "";
  if (!r.ok) $("view-body").textContent = await r.text();
  $("view").showModal();
}

// --- wiring -------------------------------------------------------------------

const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", async (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const items = [];
  const entries = [...e.dataTransfer.items].map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null));
  if (entries.every((x) => x)) {
    for (const entry of entries) await filesOfEntry(entry, items);
  } else {
    for (const file of e.dataTransfer.files) items.push({ file, name: file.name, inFolder: false });
  }
  await add(items);
});
$("pick-files").addEventListener("change", async (e) => {
  await add([...e.target.files].map((file) => ({ file, name: file.name, inFolder: false })));
  e.target.value = "";
});
$("pick-folder").addEventListener("change", async (e) => {
  await add([...e.target.files].map((file) => ({ file, name: file.webkitRelativePath || file.name, inFolder: true })));
  e.target.value = "";
});
for (const id of ["f-rule", "f-severity", "f-dept"]) $(id).addEventListener("change", drawFindings);
$("view-close").addEventListener("click", () => $("view").close());
$("clear").addEventListener("click", async () => {
  await newSession();
  $("results").hidden = true;
  $("progress").hidden = true;
});
$("quit").addEventListener("click", async () => {
  await api("/api/quit", { method: "POST" });
  document.querySelector("main").replaceChildren($("bye"));
  $("bye").hidden = false;
});

newSession().catch((e) => {
  $("progress").hidden = false;
  $("progress-text").textContent = `无法连接 jixiao：${e.message}`;
});
