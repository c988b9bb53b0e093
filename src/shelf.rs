//! Tables set aside on disk while a batch is read, so a province's merge holds each
//! table's head (names, funds, source) and not its indicators, cells or goals: they are
//! written to an unnamed temporary file as each file is checked, and read back one
//! table at a time as its sheet is written. split sets each table aside whole and
//! keeps only where it lies and the name it will be written under.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

use crate::aggregate::{RollupCounts, rollup_counts};
use crate::model::{Indicator, Project};

/// Where a writer finds a table whole from the head it holds.
pub trait Tables {
    /// `head` with what was set aside put back.
    ///
    /// # Errors
    /// When what was set aside cannot be read back.
    fn table<'a>(&self, head: &'a Project) -> io::Result<Cow<'a, Project>>;

    /// What the 汇总 counts of `head`'s indicators, without taking them back where
    /// they were counted as they were set aside.
    ///
    /// # Errors
    /// When what was set aside cannot be read back.
    fn counts(&self, head: &Project) -> io::Result<RollupCounts> {
        Ok(rollup_counts(self.table(head)?.as_ref()))
    }
}

/// Tables held whole in memory: a head is its table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Held;

impl Tables for Held {
    fn table<'a>(&self, head: &'a Project) -> io::Result<Cow<'a, Project>> {
        Ok(Cow::Borrowed(head))
    }
}

/// Indicator lists being set aside, by the table they belong to.
pub struct Shelf {
    file: BufWriter<File>,
    at: u64,
    spans: HashMap<String, (Span, RollupCounts)>,
}

impl Shelf {
    /// A shelf in a new unnamed temporary file (the system removes it when it closes).
    ///
    /// # Errors
    /// When no temporary file can be made.
    pub fn new() -> io::Result<Shelf> {
        Ok(Shelf {
            file: BufWriter::with_capacity(1 << 16, tempfile::tempfile()?),
            at: 0,
            spans: HashMap::new(),
        })
    }

    /// Takes `p`'s indicators out, as [`Shelf::pack`] wrote them (in a worker, so the
    /// encoding runs in parallel), and sets them aside under `p`'s source.
    ///
    /// # Errors
    /// When the temporary file cannot be written.
    pub fn put(&mut self, p: &Project, packed: &Packed) -> io::Result<()> {
        let span = self.append(&packed.bytes)?;
        self.spans.insert(key(p), (span, packed.counts));
        Ok(())
    }

    /// Sets aside a whole table, as [`Shelf::pack_whole`] wrote it, and says where it
    /// lies: for a batch that keeps nothing of its tables but their places (split).
    ///
    /// # Errors
    /// When the temporary file cannot be written.
    pub fn put_whole(&mut self, packed: &[u8]) -> io::Result<Span> {
        self.append(packed)
    }

    /// `p` whole, encoded for [`Shelf::put_whole`].
    pub fn pack_whole(p: &Project) -> Vec<u8> {
        encode(p)
    }

    fn append(&mut self, packed: &[u8]) -> io::Result<Span> {
        let len = u32::try_from(packed.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "一个表格过大，无法暂存"))?;
        self.file.write_all(packed)?;
        let span = Span { at: self.at, len };
        self.at += u64::from(len);
        Ok(span)
    }

    /// What of `p` only its sheet needs (its indicators, its cells, its goals) encoded
    /// for [`Shelf::put`], with what the 汇总 counts of its indicators; those are left
    /// empty in `p`, its head.
    pub fn pack(p: &mut Project) -> Packed {
        let counts = rollup_counts(p);
        let aside = Aside {
            indicators: std::mem::take(&mut p.indicators),
            cells: std::mem::take(&mut p.cells),
            goal: p.goal.take(),
            goal_period: p.goal_period.take(),
            goal_actual: p.goal_actual.take(),
        };
        Packed {
            bytes: encode(&aside),
            counts,
        }
    }

    /// The shelf done with writing, to read tables back from.
    ///
    /// # Errors
    /// When the temporary file cannot be flushed.
    pub fn sealed(self) -> io::Result<Sealed> {
        let file = self
            .file
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        Ok(Sealed {
            file: Mutex::new(file),
            spans: self.spans,
        })
    }
}

/// What a head goes without until its sheet is written.
#[derive(serde::Serialize, serde::Deserialize)]
struct Aside {
    indicators: Vec<Indicator>,
    cells: indexmap::IndexMap<String, String>,
    goal: Option<String>,
    goal_period: Option<String>,
    goal_actual: Option<String>,
}

/// What a head goes without, encoded by [`Shelf::pack`], to be set aside by
/// [`Shelf::put`].
pub struct Packed {
    bytes: Vec<u8>,
    counts: RollupCounts,
}

/// Where a table set aside whole lies on the shelf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    at: u64,
    len: u32,
}

/// A shelf to read tables back from.
pub struct Sealed {
    file: Mutex<File>,
    spans: HashMap<String, (Span, RollupCounts)>,
}

impl Sealed {
    /// The table [`Shelf::put_whole`] set aside at `span`.
    ///
    /// # Errors
    /// When it cannot be read back.
    pub fn whole(&self, span: Span) -> io::Result<Project> {
        decode(&self.read(span)?)
    }

    fn read(&self, span: Span) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; span.len as usize];
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.seek(SeekFrom::Start(span.at))?;
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    }
}

fn encode<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("tables always encode")
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> io::Result<T> {
    serde_json::from_slice(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

impl Tables for Sealed {
    fn table<'a>(&self, head: &'a Project) -> io::Result<Cow<'a, Project>> {
        let Some(&(span, _)) = self.spans.get(&key(head)) else {
            return Ok(Cow::Borrowed(head));
        };
        let aside: Aside = decode(&self.read(span)?)?;
        let mut whole = head.clone();
        whole.indicators = aside.indicators;
        whole.cells = aside.cells;
        whole.goal = aside.goal;
        whole.goal_period = aside.goal_period;
        whole.goal_actual = aside.goal_actual;
        Ok(Cow::Owned(whole))
    }

    fn counts(&self, head: &Project) -> io::Result<RollupCounts> {
        match self.spans.get(&key(head)) {
            Some(&(_, counts)) => Ok(counts),
            None => Ok(rollup_counts(head)),
        }
    }
}

/// A table's place in the batch: its file, sheet and range.
fn key(p: &Project) -> String {
    let s = &p.source;
    format!("{}\u{0}{}\u{0}{}", s.file, s.sheet, s.range)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_comes_back_as_it_was_set_aside() {
        let mut evaluated = crate::testing::clean();
        evaluated.source.sheet = "自评".into();
        evaluated.stage = Some("自评".into());
        let i = &mut evaluated.indicators[0];
        i.weight = Some(rust_decimal::Decimal::new(1050, 2));
        i.actual = Some("98%".into());
        i.score = Some("10".into());
        i.extra.insert("备注".into(), "按期完成".into());
        i.cells.weight = Some("G8".into());
        let originals = vec![crate::testing::clean(), evaluated];
        let mut shelf = Shelf::new().unwrap();
        let mut heads = Vec::new();
        for p in &originals {
            let mut head = p.clone();
            let packed = Shelf::pack(&mut head);
            assert!(head.indicators.is_empty());
            assert!(head.cells.is_empty() && head.goal.is_none());
            shelf.put(&head, &packed).unwrap();
            heads.push(head);
        }
        let sealed = shelf.sealed().unwrap();
        // Read back out of order: each table finds its own indicators.
        for (head, original) in heads.iter().zip(&originals).rev() {
            assert!(!original.indicators.is_empty());
            assert_eq!(sealed.table(head).unwrap().as_ref(), original);
            // The 汇总's counts come without reading the table back, and agree with it.
            let counts = sealed.counts(head).unwrap();
            assert_eq!(counts, rollup_counts(original));
            assert_eq!(counts[3], original.indicators.len());
            assert_eq!(Held.counts(original).unwrap(), counts);
        }
    }

    #[test]
    fn a_whole_table_comes_back_from_its_span() {
        let mut other = crate::testing::clean();
        other.level2_project = Some("另一个项目".into());
        other
            .funds
            .other
            .insert("上年结转".into(), rust_decimal::Decimal::new(125, 2));
        let tables = [crate::testing::clean(), other];
        let mut shelf = Shelf::new().unwrap();
        let spans: Vec<Span> = tables
            .iter()
            .map(|p| shelf.put_whole(&Shelf::pack_whole(p)).unwrap())
            .collect();
        let sealed = shelf.sealed().unwrap();
        for (span, table) in spans.iter().zip(&tables).rev() {
            assert_eq!(&sealed.whole(*span).unwrap(), table);
        }
    }
}
