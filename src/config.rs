//! Settings from the environment, with the defaults of the product contract.

use std::path::PathBuf;

/// Where articles and facts live unless `FACTQUIZ_QUESTIONS` says otherwise.
pub const DEFAULT_QUESTIONS_DIR: &str = "questions";

/// The questions folder: `FACTQUIZ_QUESTIONS`, or `questions`.
pub fn questions_dir() -> PathBuf {
    std::env::var_os("FACTQUIZ_QUESTIONS")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_QUESTIONS_DIR), PathBuf::from)
}

/// The database: `DATABASE_URL`, or `factquiz.db` in the working directory.
pub fn database_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| crate::store::DEFAULT_DATABASE.to_owned())
}
