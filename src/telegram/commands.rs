//! The bot's commands: parsed with teloxide's `BotCommands` into the
//! service's [`Action`]s; the menus and the help come from [`crate::i18n`].

use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

use crate::i18n::Lang;
use crate::service::Action;

/// The commands, as typed (the descriptions users read are in i18n).
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    /// Welcome and the list of commands.
    Start,
    /// A new quiz of n questions (default 5).
    Quiz(String),
    /// The player's stats.
    Me,
    /// The leaderboard.
    Top,
    /// Stop the running quiz.
    Stop,
    /// The help.
    Help,
    /// The interface language.
    Lang(String),
}

/// What a message asks: a command to the bot, or anything else.
pub fn action_of(text: Option<&str>, username: &str) -> Action {
    let Some(command) = text.and_then(|t| Command::parse(t, username).ok()) else {
        return Action::Other;
    };
    match command {
        Command::Start => Action::Start,
        Command::Help => Action::Help,
        Command::Quiz(arg) => Action::Quiz(quiz_size(&arg).ok()),
        Command::Me => Action::Me,
        Command::Top => Action::Top,
        Command::Stop => Action::Stop,
        Command::Lang(arg) => Action::Lang(Lang::parse(&arg)),
    }
}

/// The command menu in a language, for `setMyCommands`.
pub fn menu(lang: Lang) -> Vec<BotCommand> {
    lang.commands()
        .iter()
        .map(|(c, d)| BotCommand::new(*c, *d))
        .collect()
}

/// The help text in a language: one line per command.
pub fn help(lang: Lang) -> String {
    let lines: Vec<String> = lang
        .commands()
        .iter()
        .map(|(c, d)| format!("/{c} — {d}"))
        .collect();
    format!("{}\n{}", lang.commands_title(), lines.join("\n"))
}

/// Why `/quiz n` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadCount;

/// Reads the argument of `/quiz`: nothing for the default of 5, or 1-20
/// (Arabic-Indic digits too).
pub fn quiz_size(arg: &str) -> Result<u8, BadCount> {
    let arg = crate::arabic::normalize(arg.trim());
    if arg.is_empty() {
        return Ok(5);
    }
    arg.parse::<u8>()
        .ok()
        .filter(|n| (1..=20).contains(n))
        .ok_or(BadCount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_with_and_without_arguments() {
        let parse = |t: &str| Command::parse(t, "factquiz_bot").ok();
        assert_eq!(parse("/quiz"), Some(Command::Quiz(String::new())));
        assert_eq!(parse("/quiz 10"), Some(Command::Quiz("10".into())));
        assert_eq!(
            parse("/quiz@factquiz_bot 3"),
            Some(Command::Quiz("3".into()))
        );
        assert_eq!(
            parse("/quiz@FactQuiz_Bot"),
            Some(Command::Quiz(String::new())),
            "the bot name in any case"
        );
        assert!(
            parse("/quiz@other_bot").is_none(),
            "a command for another bot"
        );
        assert_eq!(parse("/lang en"), Some(Command::Lang("en".into())));
        assert_eq!(parse("/me"), Some(Command::Me));
        assert!(parse("/unknown").is_none());
        assert!(parse("hello").is_none());
    }

    #[test]
    fn reads_quiz_sizes() {
        assert_eq!(quiz_size(""), Ok(5));
        assert_eq!(quiz_size(" 12 "), Ok(12));
        assert_eq!(quiz_size("٧"), Ok(7));
        assert_eq!(quiz_size("0"), Err(BadCount));
        assert_eq!(quiz_size("21"), Err(BadCount));
        assert_eq!(quiz_size("ten"), Err(BadCount));
    }

    #[test]
    fn both_menus_list_every_command_within_telegrams_limits() {
        let ar = menu(Lang::Ar);
        let en = menu(Lang::En);
        let names = |m: &[BotCommand]| m.iter().map(|c| c.command.clone()).collect::<Vec<_>>();
        assert_eq!(names(&ar), names(&en));
        assert_eq!(
            names(&ar),
            ["start", "quiz", "me", "top", "stop", "help", "lang"]
        );
        for c in ar.iter().chain(&en) {
            assert!((1..=256).contains(&c.description.chars().count()));
        }
        assert!(help(Lang::Ar).contains("/quiz"));
        assert!(help(Lang::En).contains("/lang — Interface language"));
        let typed: Vec<String> = Command::bot_commands()
            .into_iter()
            .map(|c| c.command.trim_start_matches('/').to_owned())
            .collect();
        assert_eq!(names(&ar), typed, "every command parsed is in the menu");
    }

    #[test]
    fn messages_become_actions() {
        assert_eq!(action_of(Some("/quiz 3"), "b"), Action::Quiz(Some(3)));
        assert_eq!(action_of(Some("/quiz 30"), "b"), Action::Quiz(None));
        assert_eq!(
            action_of(Some("/lang en"), "b"),
            Action::Lang(Some(Lang::En))
        );
        assert_eq!(action_of(Some("/lang xx"), "b"), Action::Lang(None));
        assert_eq!(action_of(Some("hello"), "b"), Action::Other);
        assert_eq!(action_of(None, "b"), Action::Other);
    }
}
