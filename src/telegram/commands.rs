//! The bot's commands: parsed with teloxide's `BotCommands` into the
//! service's [`Action`]s; the menus and the help come from [`crate::i18n`].

use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

use crate::i18n::Lang;
use crate::service::schedule::ScheduleAsk;
use crate::service::{Action, DEFAULT_QUIZ, QuizAsk, TopAsk};

/// The commands, as typed (the descriptions users read are in i18n).
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    /// Welcome and the list of commands; with an article, a quiz on it.
    Start(String),
    /// A new quiz of n questions (default 5), on an article.
    Quiz(String),
    /// The published articles.
    Articles,
    /// The player's stats.
    Me,
    /// The leaderboard.
    Top(String),
    /// Stop the running quiz.
    Stop,
    /// Links that start a quiz on an article.
    Share(String),
    /// Delete everything the bot keeps of you.
    Forget,
    /// A group's daily quiz.
    Schedule(String),
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
        Command::Start(arg) => Action::Start(slug(&arg)),
        Command::Help => Action::Help,
        Command::Quiz(arg) => Action::Quiz(quiz_args(&arg)),
        Command::Articles => Action::Articles,
        Command::Me => Action::Me,
        Command::Top(arg) => Action::Top(top_args(&arg)),
        Command::Stop => Action::Stop,
        Command::Share(arg) => Action::Share(slug(&arg)),
        Command::Forget => Action::Forget,
        Command::Schedule(arg) => Action::Schedule(schedule_args(&arg)),
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

/// An article's slug as typed (`None` when empty); whether the catalogue
/// has it is the service's to say.
fn slug(arg: &str) -> Option<String> {
    let arg = arg.trim();
    (!arg.is_empty()).then(|| arg.to_lowercase())
}

/// Reads the arguments of `/quiz`: a number of questions and an article's
/// slug, either, both (in any order) or none. `None` when a number is not
/// 1-20, or when there are more than two words.
pub fn quiz_args(arg: &str) -> Option<QuizAsk> {
    let mut ask = QuizAsk {
        n: DEFAULT_QUIZ,
        article: None,
    };
    let words: Vec<&str> = arg.split_whitespace().collect();
    if words.len() > 2 {
        return None;
    }
    let mut counted = false;
    for word in words {
        let digits = crate::arabic::normalize(word);
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            if counted {
                return None;
            }
            ask.n = quiz_size(word).ok()?;
            counted = true;
        } else if ask.article.is_none() {
            ask.article = slug(word);
        } else {
            return None;
        }
    }
    Some(ask)
}

/// Reads the arguments of `/schedule`: nothing (show it), `off`,
/// `daily HH:MM` (00:00-23:59, Arabic-Indic digits too), `tz Area/City`.
pub fn schedule_args(arg: &str) -> ScheduleAsk {
    let words: Vec<&str> = arg.split_whitespace().collect();
    match words.as_slice() {
        [] => ScheduleAsk::Show,
        [off] if off.eq_ignore_ascii_case("off") => ScheduleAsk::Off,
        [daily, time] if daily.eq_ignore_ascii_case("daily") => {
            clock_time(time).map_or(ScheduleAsk::Usage, ScheduleAsk::Daily)
        }
        [tz, zone] if tz.eq_ignore_ascii_case("tz") => ScheduleAsk::Tz((*zone).to_owned()),
        _ => ScheduleAsk::Usage,
    }
}

/// `HH:MM` as minutes past midnight.
fn clock_time(text: &str) -> Option<u16> {
    let text = crate::arabic::normalize(text);
    let (h, m) = text.split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && (1..=2).contains(&text.split(':').next()?.len())).then_some(h * 60 + m)
}

/// `minutes` past midnight as `HH:MM`.
pub fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Reads the argument of `/top`: nothing, `week` (or «أسبوع»), or an
/// article's slug.
pub fn top_args(arg: &str) -> TopAsk {
    let arg = arg.trim();
    let week = crate::i18n::means_week(arg);
    TopAsk {
        week,
        article: if week { None } else { slug(arg) },
    }
}

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
            [
                "start", "quiz", "articles", "me", "top", "stop", "share", "forget", "schedule",
                "help", "lang"
            ]
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
        let ask = |n: u8, article: Option<&str>| {
            Action::Quiz(Some(QuizAsk {
                n,
                article: article.map(str::to_owned),
            }))
        };
        assert_eq!(action_of(Some("/quiz 3"), "b"), ask(3, None));
        assert_eq!(action_of(Some("/quiz"), "b"), ask(5, None));
        assert_eq!(
            action_of(Some("/quiz trump-paris 7"), "b"),
            ask(7, Some("trump-paris"))
        );
        assert_eq!(
            action_of(Some("/quiz ٧ Trump-Paris"), "b"),
            ask(7, Some("trump-paris")),
            "either order, any case, Arabic-Indic digits"
        );
        assert_eq!(action_of(Some("/quiz 30"), "b"), Action::Quiz(None));
        assert_eq!(action_of(Some("/quiz a b"), "b"), Action::Quiz(None));
        assert_eq!(action_of(Some("/quiz 3 4"), "b"), Action::Quiz(None));
        assert_eq!(action_of(Some("/start"), "b"), Action::Start(None));
        assert_eq!(
            action_of(Some("/start trump-paris"), "b"),
            Action::Start(Some("trump-paris".into()))
        );
        assert_eq!(action_of(Some("/articles"), "b"), Action::Articles);
        let schedule = |t: &str| match action_of(Some(t), "b") {
            Action::Schedule(ask) => ask,
            other => panic!("{other:?}"),
        };
        assert_eq!(schedule("/schedule"), ScheduleAsk::Show);
        assert_eq!(schedule("/schedule off"), ScheduleAsk::Off);
        assert_eq!(schedule("/schedule daily 20:00"), ScheduleAsk::Daily(1200));
        assert_eq!(schedule("/schedule daily ٠٧:٣٠"), ScheduleAsk::Daily(450));
        assert_eq!(
            schedule("/schedule tz Africa/Tunis"),
            ScheduleAsk::Tz("Africa/Tunis".into())
        );
        for bad in [
            "/schedule daily 24:00",
            "/schedule daily 7",
            "/schedule weekly 20:00",
            "/schedule daily 20:60",
        ] {
            assert_eq!(schedule(bad), ScheduleAsk::Usage, "{bad}");
        }
        assert_eq!(clock(450), "07:30");
        assert_eq!(action_of(Some("/top"), "b"), Action::Top(TopAsk::default()));
        assert_eq!(
            action_of(Some("/top week"), "b"),
            Action::Top(TopAsk {
                week: true,
                article: None
            })
        );
        assert_eq!(
            action_of(Some("/top trump-paris"), "b"),
            Action::Top(TopAsk {
                week: false,
                article: Some("trump-paris".into())
            })
        );
        assert_eq!(
            action_of(Some("/lang en"), "b"),
            Action::Lang(Some(Lang::En))
        );
        assert_eq!(action_of(Some("/lang xx"), "b"), Action::Lang(None));
        assert_eq!(action_of(Some("hello"), "b"), Action::Other);
        assert_eq!(action_of(None, "b"), Action::Other);
    }
}
