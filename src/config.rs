//! `.plainly.yaml`: found by walking up from the current directory (or named
//! with `--config`), merged with the defaults in one place. Unknown keys are
//! errors with their line. Paths and globs in it are relative to its folder.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use indexmap::IndexMap;
use serde::Deserialize;

use crate::diagnostic::SourceError;
use crate::finding::FailOn;

/// The config file name looked for.
pub const FILE_NAME: &str = ".plainly.yaml";

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    phrasebooks: Vec<String>,
    #[serde(default)]
    default_phrasebooks: Option<bool>,
    #[serde(default)]
    roles: Option<Vec<String>>,
    #[serde(default)]
    audiences: IndexMap<String, Vec<String>>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    fail_on: Option<FailOn>,
    #[serde(default)]
    languages: IndexMap<String, String>,
    #[serde(default)]
    ignore_terms: IndexMap<String, Vec<String>>,
    #[serde(default)]
    rules: IndexMap<String, RuleLevel>,
    #[serde(default)]
    csv: Option<CsvConfig>,
}

/// A rule switched off, or set to a severity (`rules:` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Off,
    Info,
    Warning,
    Error,
}

/// `csv:` in the config.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CsvConfig {
    /// Header names (case-insensitive) of the columns to check.
    #[serde(default)]
    pub columns: Vec<String>,
}

/// The effective configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The config file, if one was found.
    pub path: Option<PathBuf>,
    /// Folder that relative paths and globs are resolved against.
    pub root: PathBuf,
    pub phrasebooks: Vec<PathBuf>,
    pub default_phrasebooks: bool,
    pub roles: Option<Vec<String>>,
    audiences: Vec<(GlobSet, Vec<String>)>,
    exclude: Option<GlobSet>,
    pub fail_on: Option<FailOn>,
    languages: Vec<(GlobSet, String)>,
    ignore_terms: Vec<(GlobSet, Vec<String>)>,
    /// Roles named in `audiences`, for validation against loaded phrasebooks.
    pub audience_roles: Vec<String>,
    /// Rule switches by rule id.
    pub rules: IndexMap<String, RuleLevel>,
    /// CSV columns to check, when configured.
    pub csv_columns: Option<Vec<String>>,
    /// The working folder when the config was loaded: relative file paths
    /// are made absolute against it without a system call per file.
    cwd: PathBuf,
}

impl Config {
    /// The defaults, as when no config file exists.
    pub fn defaults(root: PathBuf) -> Self {
        Config {
            root,
            default_phrasebooks: true,
            cwd: std::env::current_dir().unwrap_or_default(),
            ..Default::default()
        }
    }

    /// Finds `.plainly.yaml` in `start` or a parent folder.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = std::path::absolute(start).ok()?;
        start
            .ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file())
    }

    /// Loads a config file.
    pub fn load(path: &Path) -> Result<Config, SourceError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            SourceError::file(
                &name,
                format!("cannot read config: {e}"),
                "check the path given with --config, or pass --no-config",
            )
        })?;
        Self::parse(&text, &name, path)
    }

    /// Parses config text; `path` locates relative paths.
    pub fn parse(text: &str, name: &str, path: &Path) -> Result<Config, SourceError> {
        let raw: RawConfig = if text.trim().is_empty() {
            RawConfig::default()
        } else {
            crate::yaml::from_str(text, name)?
        };
        let root = std::path::absolute(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("."));
        let glob_err = |g: &str, e: globset::Error| {
            SourceError::file(
                name,
                format!("bad glob `{g}`: {e}"),
                "write globs like `docs/**` or `invoices/*.xml`",
            )
        };
        let set = |globs: &[&str]| -> Result<GlobSet, SourceError> {
            let mut b = GlobSetBuilder::new();
            for g in globs {
                b.add(glob(g).map_err(|e| glob_err(g, e))?);
                // `drafts/**` also means the folder itself and `drafts` alone.
                let trimmed = g.trim_end_matches("/**");
                if trimmed != *g {
                    b.add(glob(trimmed).map_err(|e| glob_err(g, e))?);
                }
            }
            b.build().map_err(|e| glob_err(&globs.join(", "), e))
        };
        let mut audiences = Vec::new();
        let mut audience_roles = Vec::new();
        for (g, roles) in &raw.audiences {
            audiences.push((set(&[g])?, roles.clone()));
            audience_roles.extend(roles.iter().cloned());
        }
        let exclude = if raw.exclude.is_empty() {
            None
        } else {
            Some(set(&raw
                .exclude
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>())?)
        };
        let mut languages = Vec::new();
        for (g, lang) in &raw.languages {
            languages.push((set(&[g])?, lang.clone()));
        }
        let mut ignore_terms = Vec::new();
        for (g, terms) in &raw.ignore_terms {
            ignore_terms.push((
                set(&[g])?,
                terms.iter().map(|t| crate::matcher::normalize(t)).collect(),
            ));
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            phrasebooks: raw.phrasebooks.iter().map(|p| root.join(p)).collect(),
            default_phrasebooks: raw.default_phrasebooks.unwrap_or(true),
            roles: raw.roles,
            audiences,
            exclude,
            fail_on: raw.fail_on,
            languages,
            ignore_terms,
            audience_roles,
            rules: raw.rules,
            csv_columns: raw.csv.map(|c| c.columns),
            root,
            cwd: std::env::current_dir().unwrap_or_default(),
        })
    }

    /// `path` made absolute against the working folder, without touching the
    /// disk.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        let joined = self.cwd.join(path);
        std::path::absolute(&joined).unwrap_or(joined)
    }

    /// `file` relative to the config folder, for glob matching.
    fn relative(&self, file: &Path) -> PathBuf {
        let abs = self.absolute(file);
        abs.strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or(abs)
    }

    /// The roles of the first `audiences` glob matching `file`.
    pub fn audience_for(&self, file: &Path) -> Option<&[String]> {
        if self.audiences.is_empty() {
            return None;
        }
        let rel = self.relative(file);
        self.audiences
            .iter()
            .find(|(g, _)| g.is_match(&rel))
            .map(|(_, r)| r.as_slice())
    }

    /// The language of the first `languages` glob matching `file`.
    pub fn language_for(&self, file: &Path) -> Option<&str> {
        if self.languages.is_empty() {
            return None;
        }
        let rel = self.relative(file);
        self.languages
            .iter()
            .find(|(g, _)| g.is_match(&rel))
            .map(|(_, l)| l.as_str())
    }

    /// Terms not to report in `file`, normalized.
    pub fn ignored_terms(&self, file: &Path) -> Vec<String> {
        if self.ignore_terms.is_empty() {
            return Vec::new();
        }
        let rel = self.relative(file);
        self.ignore_terms
            .iter()
            .filter(|(g, _)| g.is_match(&rel))
            .flat_map(|(_, t)| t.iter().cloned())
            .collect()
    }

    /// The severity of rule `id`, given its default; `None` when switched off.
    pub fn rule_severity(
        &self,
        id: &str,
        default: crate::finding::Severity,
    ) -> Option<crate::finding::Severity> {
        use crate::finding::Severity;
        match self.rules.get(id) {
            None => Some(default),
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::Info) => Some(Severity::Info),
            Some(RuleLevel::Warning) => Some(Severity::Warning),
            Some(RuleLevel::Error) => Some(Severity::Error),
        }
    }

    /// Whether `file` is excluded.
    pub fn is_excluded(&self, file: &Path) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|g| g.is_match(self.relative(file)))
    }
}

fn glob(g: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(g)
        .literal_separator(true)
        .build()
        .or_else(|_| Glob::new(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_its_line() {
        let e = Config::parse(
            "roles: [finance]\nfail_onn: error\n",
            "c.yaml",
            Path::new("/x/c.yaml"),
        )
        .unwrap_err();
        assert_eq!(e.line, Some(2), "{e:?}");
        assert!(e.message.contains("fail_onn"));
    }

    #[test]
    fn wrong_type_names_its_line() {
        let e = Config::parse("roles: finance\n", "c.yaml", Path::new("/x/c.yaml")).unwrap_err();
        assert_eq!(e.line, Some(1), "{e:?}");
    }

    #[test]
    fn audiences_first_match_wins_and_globs_are_relative() {
        let c = Config::parse(
            "audiences:\n  \"invoices/**\": [finance, purchasing]\n  \"**\": [end-user]\nexclude: [\"drafts/**\"]\n",
            "c.yaml",
            Path::new("/repo/.plainly.yaml"),
        )
        .unwrap();
        assert_eq!(
            c.audience_for(Path::new("/repo/invoices/a/b.txt")),
            Some(&["finance".to_string(), "purchasing".to_string()][..])
        );
        assert_eq!(
            c.audience_for(Path::new("/repo/portal/x.md")),
            Some(&["end-user".to_string()][..])
        );
        assert!(c.is_excluded(Path::new("/repo/drafts/x.md")));
        assert!(!c.is_excluded(Path::new("/repo/docs/drafts.md")));
    }
}
