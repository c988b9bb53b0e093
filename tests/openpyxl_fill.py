"""Fills cells of a workbook with openpyxl, as a department types into a form, and
saves it under another name. The cells come as JSON on stdin: {sheet: {"F13": value}};
a number stays a number, anything else is text. openpyxl does not calculate formulas:
the ones it saves have no stored result, as after any program that does not compute."""

import json
import sys

import openpyxl

source, target = sys.argv[1], sys.argv[2]
cells = json.load(sys.stdin)
wb = openpyxl.load_workbook(source)
for sheet, values in cells.items():
    ws = wb[sheet]
    for ref, value in values.items():
        ws[ref] = value
wb.save(target)
