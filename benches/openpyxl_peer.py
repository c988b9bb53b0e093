"""The do-it-yourself peer: what a finance bureau's own openpyxl script does today.

Loads every .xlsx under a directory with its merged cells (a full load: read-only mode
does not see merges), finds the header labels and the indicator grid, and extracts the
same fields as `jixiao extract`, printing JSON. It is a fair script, not a strawman:
it handles merged cells, label：value cells and several tables per sheet."""

import json
import os
import re
import sys

import openpyxl

FIELDS = {
    "一级项目名称": "level1_project", "项目类别": "level1_project",
    "二级项目名称": "level2_project", "项目名称": "level2_project",
    "主管部门": "department", "实施单位": "implementer", "预算单位": "implementer",
    "年度资金总额": "total", "其中：财政拨款": "fiscal", "财政拨款": "fiscal", "非财政拨款": "non_fiscal",
    "年度总体目标": "goal", "年度绩效目标": "goal",
}
COLUMNS = {"一级指标": "level1", "二级指标": "level2", "三级指标": "name", "指标值": "value",
           "指标值符号": "op", "计量单位": "unit", "说明": "note", "备注": "note"}


def key(v):
    return re.sub(r"\s+", "", str(v)).rstrip("：:") if v is not None else ""


def tables(ws):
    merged = {}
    for rng in ws.merged_cells.ranges:
        top = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = top
    grid = {}
    for row in ws.iter_rows():
        for cell in row:
            v = cell.value if cell.value is not None else merged.get((cell.row, cell.column))
            if v is not None:
                grid[(cell.row, cell.column)] = v
    rows = sorted({r for r, _ in grid})
    out, project, cols = [], {}, None
    for r in rows:
        cells = sorted((c, grid[(r, c)]) for rr, c in grid if rr == r)
        keys = [key(v) for _, v in cells]
        if "三级指标" in keys and "指标值" in keys:
            cols = {COLUMNS[k]: c for (c, _), k in zip(cells, keys) if k in COLUMNS}
            project["indicators"] = []
            out.append(project)
            continue
        labels = [(i, k.split("：")[0].split(":")[0]) for i, k in enumerate(keys)]
        if any(l in FIELDS for _, l in labels) and cols is not None:
            project, cols = {}, None
        if cols is None:
            for i, label in labels:
                if label in FIELDS:
                    text = str(cells[i][1])
                    if "：" in text and len(text.split("：", 1)[1].strip()) > 0:
                        project[FIELDS[label]] = text.split("：", 1)[1].strip()
                    elif i + 1 < len(cells):
                        project[FIELDS[label]] = cells[i + 1][1]
            continue
        ind = {k: grid.get((r, c)) for k, c in cols.items()}
        if ind.get("name") or ind.get("value"):
            project["indicators"].append(ind)
    return out


def main(root):
    projects = []
    for dirpath, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            if name.endswith(".xlsx"):
                wb = openpyxl.load_workbook(os.path.join(dirpath, name))
                for ws in wb.worksheets:
                    projects.extend(tables(ws))
    json.dump({"projects": projects}, sys.stdout, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main(sys.argv[1])
