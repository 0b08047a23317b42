//! factquiz: turns a news article into a fact-check quiz, played in Telegram
//! or in a terminal, with every answer proven by a verbatim quote.
//!
//! The flow is the folder list: `facts` (article + facts, quotes verified) →
//! `quiz` (the question bank, built with a seeded rng) → `game` (pure rules)
//! → `service` (use cases, persisted through `store`) → adapters (`cli`,
//! `terminal`, Telegram).

pub mod arabic;
pub mod article;
pub mod cli;
pub mod config;
pub mod extract;
pub mod facts;
pub mod game;
pub mod i18n;
pub mod logging;
pub mod metrics;
pub mod quiz;
pub mod service;
pub mod store;
pub mod telegram;
pub mod terminal;

/// The message of a caught panic, for a log line.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}
