//! factquiz: turns a news article into a fact-check quiz, played in Telegram
//! or in a terminal, with every answer proven by a verbatim quote.
//!
//! The flow is the folder list: `facts` (article + facts, quotes verified) →
//! `quiz` (the question bank, built with a seeded rng) → game rules and the
//! service → adapters (the CLI, the terminal, Telegram).

pub mod arabic;
pub mod article;
pub mod cli;
pub mod config;
pub mod facts;
pub mod quiz;
