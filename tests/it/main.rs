//! The integration test binary: the question bank, the command line, and
//! (as they come) storage, the terminal quiz and the Telegram bot against a
//! Bot API server on loopback.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "the counts, ids and times the tests make are small and positive"
)]

mod bank;
mod bot;
mod bot_binary;
mod botapi;
mod catalogue;
mod cli_questions;
mod crash;
mod delivery;
mod extract;
mod extract_dev;
mod first_hour;
mod group;
mod helpers;
mod inline;
mod instances;
mod process;
mod schedule;
mod storage;
mod terminal;
mod webhook;
