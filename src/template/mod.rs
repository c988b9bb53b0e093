//! The layout definition: templates/*.toml, one per stage, all embedded so nothing
//! needs configuring; the official 批复表 (附表7) is the default.

pub(crate) mod form;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::Project;
pub use form::{Form, Stage};

const OFFICIAL: &str = include_str!("../../templates/official.toml");
const SHENBAO: &str = include_str!("../../templates/shenbao.toml");
const JIANKONG: &str = include_str!("../../templates/jiankong.toml");
const ZIPING: &str = include_str!("../../templates/ziping.toml");

/// Why a layout file was refused; it says which file, and the cause below it.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The file could not be read as a settings file.
    #[error("无法读取版式文件 {}", path.display())]
    Read {
        /// The layout file, as given.
        path: PathBuf,
        /// What went wrong reading it.
        #[source]
        source: crate::SettingsFileError,
    },
    /// The file's text is not a layout, or its parts do not fit together.
    #[error("无法读取版式文件 {}", path.display())]
    Invalid {
        /// The layout file, as given.
        path: PathBuf,
        /// What is wrong with its text.
        #[source]
        source: InvalidTemplate,
    },
}

/// Why a layout's text was refused.
#[derive(Debug, thiserror::Error)]
pub enum InvalidTemplate {
    /// Not valid TOML, or a key or value a layout does not have.
    #[error(transparent)]
    Toml(#[from] toml::de::Error),
    /// Valid TOML whose parts do not fit together (six widths for the 批复表, a stage's
    /// form for its grid); the message says which, for the bureau that wrote it.
    #[error("{0}")]
    Layout(String),
}

/// A layout: labels, title pattern, fonts, widths and print settings; for a stage
/// other than the 批复表, its form (header rows, 项目资金, goal and indicator grid).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub(crate) name: String,
    /// The table this layout is for; without it, the 批复表.
    #[serde(default)]
    pub stage: Option<Stage>,
    pub(crate) table_label: String,
    pub(crate) title: String,
    /// The title when no year is known (项目支出绩效目标批复表), after the region when
    /// there is one; a stage's blank form is also named after it.
    pub title_fallback: String,
    pub(crate) unit: String,
    pub(crate) fonts: Fonts,
    pub(crate) columns: Columns,
    pub(crate) print: Print,
    /// A stage's form; without it, the official layout (附表7).
    #[serde(default)]
    pub form: Option<Form>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fonts {
    pub body: String,
    pub body_size: f64,
    pub title: String,
    pub title_size: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Columns {
    /// Widths of the columns from A: six in the official layout, one more than the
    /// grid's columns in a stage's form.
    pub widths: Vec<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Print {
    pub paper: Paper,
    pub orientation: Orientation,
    pub fit_pages_wide: u16,
    pub margins: Margins,
    pub repeat_grid_header: bool,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) enum Paper {
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
pub(crate) enum Orientation {
    Portrait,
    Landscape,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Margins {
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
    /// The region the title starts with (黔南州), in place of the input's own.
    pub region: Option<String>,
    /// The budget year the title names, in place of the input's own.
    pub year: Option<u16>,
    /// The label above the title, left (附表7), in place of the layout's.
    pub table_label: Option<String>,
}

impl Default for Template {
    fn default() -> Template {
        Template::for_stage(Stage::Pifu)
    }
}

impl Template {
    /// The embedded layout of a stage: 申报 (shenbao.toml), 批复 (official.toml, the
    /// seed's 附表7), 监控 (jiankong.toml) or 自评 (ziping.toml, 财预〔2020〕10号).
    pub fn for_stage(stage: Stage) -> Template {
        let text = match stage {
            Stage::Shenbao => SHENBAO,
            Stage::Pifu => OFFICIAL,
            Stage::Jiankong => JIANKONG,
            Stage::Ziping => ZIPING,
        };
        Template::parse(text).expect("the embedded layouts are valid")
    }

    /// Reads a template file.
    ///
    /// # Errors
    /// [`TemplateError::Read`] when the file is not a regular file or is past 1 MB, or
    /// cannot be read; [`TemplateError::Invalid`] when it does not describe a layout
    /// (or its parts do not fit together).
    pub fn from_file(path: &Path) -> Result<Template, TemplateError> {
        let text =
            crate::small_file::read_to_string(path).map_err(|source| TemplateError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        Template::parse(&text).map_err(|source| TemplateError::Invalid {
            path: path.to_path_buf(),
            source,
        })
    }

    /// A layout from its TOML text.
    ///
    /// # Errors
    /// When the text does not describe a layout, or its parts do not fit together.
    pub fn parse(text: &str) -> Result<Template, InvalidTemplate> {
        let t: Template = toml::from_str(text)?;
        match &t.form {
            Some(form) => form
                .check(&t.columns.widths)
                .map_err(InvalidTemplate::Layout)?,
            None if t.columns.widths.len() != 6 => {
                return Err(InvalidTemplate::Layout(format!(
                    "批复表版式（附表7）的 [columns] widths 应有 6 个，实有 {} 个",
                    t.columns.widths.len()
                )));
            }
            None => {}
        }
        if t.form.is_none() && t.stage.is_some_and(|s| s != Stage::Pifu) {
            return Err(InvalidTemplate::Layout(format!(
                "{}表的版式需要 [form]（表头、项目资金、目标和指标表）",
                { t.stage.map_or("", Stage::name) }
            )));
        }
        Ok(t)
    }

    /// The stage this layout writes: its own, else the 批复表.
    pub fn stage(&self) -> Stage {
        self.stage.unwrap_or(Stage::Pifu)
    }

    /// The title of a project's table: its own, unless the command line overrides
    /// the region or the year or the input has none.
    ///
    /// A stage's form always takes the title its pattern gives, with the region of the
    /// input's own title: a 自评表 carried forward from a 批复表 is no 批复表.
    pub fn title_for(&self, p: &Project, parts: &TitleParts) -> String {
        let own = p.title.as_deref().filter(|t| !t.trim().is_empty());
        if let Some(own) = own
            && parts.region.is_none()
            && parts.year.is_none()
            && self.form.is_none()
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
        assert!(Template::parse("name = \"x\"").is_err());
        let text = OFFICIAL.replace("paper = \"A4\"", "paper = \"A3\"");
        let t = Template::parse(&text).unwrap();
        assert_eq!(t.print.paper.code(), 8);
        // The official layout has six columns; a seventh width is a mistake said so.
        let seven = OFFICIAL.replace("18.0]", "18.0, 9.0]");
        let e = Template::parse(&seven).unwrap_err().to_string();
        assert!(e.contains("应有 6 个"), "{e}");
        // An unknown key is refused, in the form as at the top.
        let typo = ZIPING.replace("[form.grid]", "[form.grid]\nrows = 3");
        assert!(Template::parse(&typo).is_err());
    }

    #[test]
    fn every_stage_has_its_layout() {
        for stage in [Stage::Shenbao, Stage::Pifu, Stage::Jiankong, Stage::Ziping] {
            let t = Template::for_stage(stage);
            assert_eq!(t.stage(), stage);
            assert_eq!(t.form.is_some(), stage != Stage::Pifu);
        }
        let t = Template::for_stage(Stage::Ziping);
        let p = Project {
            title: Some("黔南州2024年项目支出绩效目标批复表".into()),
            year: Some(2024),
            ..Project::default()
        };
        // Carried forward, a 批复表 gets the 自评表's title, in its own region and year.
        assert_eq!(
            t.title_for(&p, &TitleParts::default()),
            "黔南州2024年度项目支出绩效自评表"
        );
        // A grid without the widths it needs is refused, in Chinese.
        let narrow = ZIPING.replacen("widths = [", "widths = [3.0, ", 1);
        let e = Template::parse(&narrow).unwrap_err().to_string();
        assert!(e.contains("widths 应有"), "{e}");
    }
}
