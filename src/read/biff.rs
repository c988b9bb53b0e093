//! The BIFF pre-scan: what a legacy .xls would cost the parser, read from its records
//! before the parser sees them. calamine lays every sheet out as a dense rectangle, so
//! the area the cells span is measured (`extent`); it copies a shared string (SST)
//! into every cell that references it, so the text the cells would hold is counted
//! (`cell_text`), as the .xlsx text budget counts while it streams.

/// The record types read here.
const SST: u16 = 0x00FC;
const CONTINUE: u16 = 0x003C;
const BOUNDSHEET: u16 = 0x0085;
const EOF: u16 = 0x000A;
const BOF: u16 = 0x0809;
const LABELSST: u16 = 0x00FD;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;

/// Records from `at`: type and data.
fn records(biff: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let head = biff.get(at..at + 4)?;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let data = &biff[(at + 4).min(biff.len())..(at + 4 + len).min(biff.len())];
        at += 4 + len;
        Some((typ, data))
    })
}

/// The SST's data across its CONTINUE records, read as the parser reads it: a string's
/// characters may run on into the next record, which then starts with a new flag byte.
struct Chunks<'a> {
    parts: Vec<&'a [u8]>,
    part: usize,
    pos: usize,
}

impl Chunks<'_> {
    fn byte(&mut self) -> Option<u8> {
        loop {
            let part = self.parts.get(self.part)?;
            if let Some(b) = part.get(self.pos) {
                self.pos += 1;
                return Some(*b);
            }
            self.part += 1;
            self.pos = 0;
        }
    }

    fn u16(&mut self) -> Option<u64> {
        Some(u64::from(u16::from_le_bytes([self.byte()?, self.byte()?])))
    }

    fn u32(&mut self) -> Option<u64> {
        Some(u64::from(u32::from_le_bytes([
            self.byte()?,
            self.byte()?,
            self.byte()?,
            self.byte()?,
        ])))
    }

    fn skip(&mut self, mut n: u64) -> Option<()> {
        while n > 0 {
            let part = self.parts.get(self.part)?;
            let left = (part.len() - self.pos.min(part.len())) as u64;
            if left == 0 {
                self.part += 1;
                self.pos = 0;
                continue;
            }
            let step = left.min(n);
            self.pos += step as usize;
            n -= step;
        }
        Some(())
    }

    /// Skips `cch` characters, one or two bytes each as the flag says, re-reading the
    /// flag at each record boundary.
    fn chars(&mut self, mut cch: u64, mut wide: bool) -> Option<()> {
        while cch > 0 {
            let part = self.parts.get(self.part)?;
            let left = (part.len() - self.pos.min(part.len())) as u64;
            if left == 0 {
                self.part += 1;
                let next = self.parts.get(self.part)?;
                wide = next.first()? & 1 != 0;
                self.pos = 1;
                continue;
            }
            let per = if wide { 2 } else { 1 };
            let n = (left / per).min(cch).max(1);
            self.pos += (n * per) as usize;
            cch -= n;
        }
        Some(())
    }
}

/// Upper bound of the UTF-8 bytes of `cch` characters (wide: UTF-16; narrow: one byte
/// of a code page, at most two in UTF-8).
fn utf8_bound(cch: u64, wide: bool) -> u64 {
    cch * if wide { 3 } else { 2 }
}

/// The UTF-8 size bound of each string of the workbook's SST, in order.
fn shared_strings(biff: &[u8]) -> Vec<u64> {
    let mut parts = Vec::new();
    for (typ, data) in records(biff, 0).skip_while(|(t, _)| *t != SST) {
        match typ {
            SST if parts.is_empty() => parts.push(data.get(8..).unwrap_or_default()),
            CONTINUE if !parts.is_empty() => parts.push(data),
            _ => break,
        }
    }
    let mut c = Chunks {
        parts,
        part: 0,
        pos: 0,
    };
    let mut out = Vec::new();
    // Each string: cch, flags, [cRun], [cbExtRst], characters, runs, ext data.
    while let Some(cch) = c.u16() {
        let Some(flags) = c.byte() else { break };
        let runs = if flags & 0x8 != 0 { c.u16() } else { Some(0) };
        let ext = if flags & 0x4 != 0 { c.u32() } else { Some(0) };
        let (Some(runs), Some(ext)) = (runs, ext) else {
            break;
        };
        let wide = flags & 1 != 0;
        out.push(utf8_bound(cch, wide));
        if c.chars(cch, wide).is_none() || c.skip(runs * 4 + ext).is_none() {
            break;
        }
    }
    out
}

/// The text the cells of every sheet would hold once read, in bytes (an upper bound):
/// each LABELSST counts its shared string again, LABEL and RSTRING their own text.
pub(super) fn cell_text(biff: &[u8]) -> u64 {
    let strings = shared_strings(biff);
    let sheets: Vec<usize> = records(biff, 0)
        .take_while(|(typ, _)| *typ != EOF)
        .filter(|(typ, _)| *typ == BOUNDSHEET)
        .filter_map(|(_, d)| {
            d.get(0..4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        })
        .collect();
    let mut total: u64 = 0;
    for start in sheets {
        let (mut seen_bof, mut depth) = (false, 0usize);
        for (typ, d) in records(biff, start) {
            if depth > 0 {
                match typ {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                BOF if seen_bof => depth += 1,
                BOF => seen_bof = true,
                EOF => break,
                LABELSST => {
                    let index = d
                        .get(6..10)
                        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
                    let size = index.and_then(|i| strings.get(i)).copied().unwrap_or(0);
                    total = total.saturating_add(size);
                }
                LABEL | RSTRING => {
                    // row, column, xf, then the string's cch (and, in BIFF8, its flag).
                    let cch = d
                        .get(6..8)
                        .map_or(0, |b| u64::from(u16::from_le_bytes([b[0], b[1]])));
                    total = total.saturating_add(utf8_bound(cch, true));
                }
                _ => {}
            }
        }
    }
    total
}

/// What a BIFF stream's sheets would make calamine allocate: the largest area a
/// DIMENSIONS record declares (it reserves room for that) and the largest rectangle
/// the cell records span (it lays that out, cell by cell).
///
/// Sheets are walked from the positions the workbook's BOUNDSHEET records give, as
/// calamine walks them, not by reading the stream straight through.
pub(super) fn extent(biff: &[u8]) -> (u64, u64) {
    let records = |from: usize| records(biff, from);
    let u16_at = |d: &[u8], i: usize| {
        d.get(i..i + 2)
            .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |d: &[u8], i: usize| {
        d.get(i..i + 4)
            .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    let sheets: Vec<usize> = records(0)
        .take_while(|(typ, _)| *typ != EOF)
        .filter(|(typ, _)| *typ == BOUNDSHEET)
        .filter_map(|(_, d)| u32_at(d, 0).map(|p| p as usize))
        .collect();
    let (mut declared, mut spanned) = (0u64, 0u64);
    for start in sheets {
        let mut bounds: Option<(u64, u64, u64, u64)> = None;
        // As calamine does: the first BOF opens the sheet, a later one an embedded
        // substream (a chart) to skip, EOF at the top level ends the sheet.
        let (mut seen_bof, mut depth) = (false, 0usize);
        for (typ, d) in records(start) {
            if depth > 0 {
                match typ {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                BOF if seen_bof => {
                    depth += 1;
                    continue;
                }
                BOF => seen_bof = true,
                EOF => break,
                _ => {}
            }
            let cells = match typ {
                // DIMENSIONS: what calamine reserves, computed as it does (in u32,
                // wrapping: a first row past the last one wraps to billions).
                0x0200 => {
                    let u32s = |i: usize| u32_at(d, i).map(|v| v as u32);
                    let u16s = |i: usize| u16_at(d, i).map(|v| v as u32);
                    let parts = match d.len() {
                        10 => (u16s(0), u16s(2), u16s(4), u16s(6)),
                        14 | 16 => (u32s(0), u32s(4), u16s(8), u16s(10)),
                        _ => (None, None, None, None),
                    };
                    if let (Some(rf), Some(rl), Some(cf), Some(cl)) = parts {
                        let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                        let (end_r, end_c) = if rl >= 1 && cl >= 1 {
                            (rl - 1, cl - 1)
                        } else {
                            (rf, cf)
                        };
                        let rows = u64::from(end_r.wrapping_sub(rf).wrapping_add(1));
                        let cols = u64::from(end_c.wrapping_sub(cf).wrapping_add(1));
                        declared = declared.max(rows.saturating_mul(cols));
                    }
                    None
                }
                // NUMBER, LABEL, LABELSST, RK, BOOLERR, FORMULA, RSTRING: row, column.
                0x0203 | LABEL | LABELSST | 0x027E | 0x0205 | 0x0006 | RSTRING => {
                    u16_at(d, 0).zip(u16_at(d, 2)).map(|(r, c)| (r, c, c))
                }
                // MULRK: row, first column, …, last column.
                0x00BD => match (
                    u16_at(d, 0),
                    u16_at(d, 2),
                    d.len().checked_sub(2).and_then(|i| u16_at(d, i)),
                ) {
                    (Some(r), Some(c0), Some(c1)) => Some((r, c0, c1.max(c0))),
                    _ => None,
                },
                _ => None,
            };
            if let Some((r, c0, c1)) = cells {
                bounds = Some(match bounds {
                    None => (r, r, c0, c1),
                    Some((r0, r1, a, b)) => (r0.min(r), r1.max(r), a.min(c0), b.max(c1)),
                });
            }
        }
        if let Some((r0, r1, c0, c1)) = bounds {
            spanned = spanned.max((r1 - r0 + 1) * (c1 - c0 + 1));
        }
    }
    (declared, spanned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    #[test]
    fn shared_strings_are_measured_across_continue_records() {
        // Two strings: "ab" narrow, then a wide string of 4 characters split across
        // an SST and a CONTINUE record (which starts with its own flag byte).
        let mut sst = vec![0u8; 8];
        sst.extend([2, 0, 0, b'a', b'b']);
        sst.extend([4, 0, 1, 0x11, 0x51, 0x22, 0x52]);
        let mut cont = vec![1u8];
        cont.extend([0x33, 0x53, 0x44, 0x54]);
        let mut biff = record(SST, &sst);
        biff.extend(record(CONTINUE, &cont));
        biff.extend(record(EOF, &[]));
        assert_eq!(shared_strings(&biff), vec![4, 12]);
    }
}
