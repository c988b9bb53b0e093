"""Reads a workbook with openpyxl, an independent reader, and prints what it sees as
JSON: sheet names, merged ranges, every cell's value (cached values for formulas) and
every formula, solid fills and struck-through cells; sheet states, protection, the
cells left unlocked, data validations and defined names; every hyperlink and note
(comment). The integration tests compare this with what jixiao meant to write."""

import json
import sys

import openpyxl

path = sys.argv[1]
values = openpyxl.load_workbook(path, data_only=True)
formulas = openpyxl.load_workbook(path, data_only=False)
out = {"sheets": values.sheetnames, "merged": {}, "cells": {}, "formulas": {}, "heights": {}, "filters": {},
       "fills": {}, "struck": {}, "states": {}, "protected": {}, "unlocked": {}, "validations": {},
       "links": {}, "comments": {},
       "names": {name: d.attr_text for name, d in values.defined_names.items()}}
for ws in values.worksheets:
    out["filters"][ws.title] = ws.auto_filter.ref
    out["merged"][ws.title] = sorted(str(r) for r in ws.merged_cells.ranges)
    out["heights"][ws.title] = {
        str(r): d.height for r, d in ws.row_dimensions.items() if d.height is not None
    }
    out["cells"][ws.title] = {
        c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None
    }
    out["fills"][ws.title] = {
        c.coordinate: c.fill.fgColor.rgb[-6:]
        for row in ws.iter_rows()
        for c in row
        if c.fill is not None and c.fill.fill_type == "solid" and isinstance(c.fill.fgColor.rgb, str)
    }
    out["states"][ws.title] = ws.sheet_state
    out["protected"][ws.title] = bool(ws.protection.sheet)
    out["unlocked"][ws.title] = sorted(
        c.coordinate for row in ws.iter_rows() for c in row if c.protection is not None and not c.protection.locked
    )
    out["validations"][ws.title] = {
        str(v.sqref): [v.type, v.formula1] for v in ws.data_validations.dataValidation
    }
    out["struck"][ws.title] = sorted(
        c.coordinate for row in ws.iter_rows() for c in row if c.font is not None and c.font.strike
    )
    out["links"][ws.title] = {
        c.coordinate: c.hyperlink.location or c.hyperlink.target
        for row in ws.iter_rows()
        for c in row
        if c.hyperlink
    }
    out["comments"][ws.title] = {
        c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment
    }
for ws in formulas.worksheets:
    out["formulas"][ws.title] = {
        c.coordinate: c.value
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    }
json.dump(out, sys.stdout, ensure_ascii=False, default=str)
