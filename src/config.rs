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
