//! The layout definition: templates/*.toml, with the official one embedded as the
//! default so nothing needs configuring.

use std::path::Path;

use serde::Deserialize;

use crate::model::Project;

const OFFICIAL: &str = include_str!("../templates/official.toml");

/// A layout: labels, title pattern, fonts, widths and print settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub name: String,
    pub table_label: String,
    pub title: String,
    pub title_fallback: String,
    pub unit: String,
    pub fonts: Fonts,
    pub columns: Columns,
    pub print: Print,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fonts {
    pub body: String,
    pub body_size: f64,
    pub title: String,
    pub title_size: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// Widths of the six columns A–F.
    pub widths: [f64; 6],
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Print {
    pub paper: Paper,
    pub orientation: Orientation,
    pub fit_pages_wide: u16,
    pub margins: Margins,
    pub repeat_grid_header: bool,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub enum Paper {
    A4,
    A3,
}

impl Paper {
    /// The paper's number in the spreadsheet's page setup.
    pub fn code(self) -> u8 {
        match self {
            Paper::A4 => 9,
            Paper::A3 => 8,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    Portrait,
    Landscape,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Margins {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub header: f64,
    pub footer: f64,
}

/// Parts of the title given on the command line.
#[derive(Debug, Clone, Default)]
pub struct TitleParts {
    pub region: Option<String>,
    pub year: Option<u16>,
    pub table_label: Option<String>,
}

impl Default for Template {
    fn default() -> Template {
        toml::from_str(OFFICIAL).expect("the embedded template is valid")
    }
}

impl Template {
    /// Reads a template file.
    ///
    /// # Errors
    /// When the file is not a regular file or is past 1 MB, cannot be read, or does not
    /// describe a layout.
    pub fn from_file(path: &Path) -> anyhow::Result<Template> {
        let text = crate::small_file::read_to_string(path)?;
        Ok(toml::from_str(&text)?)
    }

    /// The title of a project's table: its own, unless the command line overrides
    /// the region or the year or the input has none.
    pub fn title_for(&self, p: &Project, parts: &TitleParts) -> String {
        let own = p.title.as_deref().filter(|t| !t.trim().is_empty());
        if let Some(own) = own
            && parts.region.is_none()
            && parts.year.is_none()
        {
            return own.to_string();
        }
        let region = parts
            .region
            .clone()
            .or_else(|| own.map(region_of))
            .unwrap_or_default();
        match parts.year.or(p.year) {
            Some(year) => self
                .title
                .replace("{region}", &region)
                .replace("{year}", &year.to_string()),
            None if region.is_empty() => self.title_fallback.clone(),
            None => format!("{region}{}", self.title_fallback),
        }
    }

    /// The 附表 label: the command line's, else the template's.
    pub fn label(&self, parts: &TitleParts) -> String {
        parts
            .table_label
            .clone()
            .unwrap_or_else(|| self.table_label.clone())
    }
}

/// The region of a title: what precedes its year (黔南州2024年… gives 黔南州).
pub(crate) fn region_of(title: &str) -> String {
    let chars: Vec<char> = title.chars().collect();
    for i in 0..chars.len().saturating_sub(4) {
        if chars[i..i + 4].iter().all(char::is_ascii_digit) && chars[i + 4] == '年' {
            return chars[..i].iter().collect();
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        let t = Template::default();
        assert_eq!(t.table_label, "附表7");
        let mut p = Project {
            title: Some("黔南州2024年项目支出绩效目标批复表".into()),
            year: Some(2024),
            ..Project::default()
        };
        let none = TitleParts::default();
        assert_eq!(t.title_for(&p, &none), "黔南州2024年项目支出绩效目标批复表");
        let year = TitleParts {
            year: Some(2025),
            ..TitleParts::default()
        };
        assert_eq!(t.title_for(&p, &year), "黔南州2025年项目支出绩效目标批复表");
        let region = TitleParts {
            region: Some("都匀市".into()),
            ..TitleParts::default()
        };
        assert_eq!(
            t.title_for(&p, &region),
            "都匀市2024年项目支出绩效目标批复表"
        );
        p.title = None;
        p.year = None;
        assert_eq!(t.title_for(&p, &none), "项目支出绩效目标批复表");
        assert_eq!(t.title_for(&p, &year), "2025年项目支出绩效目标批复表");
        assert_eq!(
            t.label(&TitleParts {
                table_label: Some("附表3".into()),
                ..TitleParts::default()
            }),
            "附表3"
        );
    }

    #[test]
    fn a_template_file_must_describe_a_layout() {
        assert!(toml::from_str::<Template>("name = \"x\"").is_err());
        let text = OFFICIAL.replace("paper = \"A4\"", "paper = \"A3\"");
        let t: Template = toml::from_str(&text).unwrap();
        assert_eq!(t.print.paper.code(), 8);
    }
}
