//! The bot's commands: one enum whose doc comments are the (Arabic) help and
//! the command menu, with the English menu beside it.

use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

use crate::i18n::Lang;

/// الأوامر:
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    /// ترحيب وقائمة الأوامر
    Start,
    /// اختبار جديد: /quiz أو /quiz 10 (من 1 إلى 20 سؤالاً)
    Quiz(String),
    /// نقاطك وإجاباتك ودقتك وترتيبك
    Me,
    /// أفضل عشرة لاعبين وترتيبك بينهم
    Top,
    /// إيقاف الاختبار الجاري
    Stop,
    /// هذه المساعدة
    Help,
    /// لغة الواجهة: /lang ar أو /lang en
    Lang(String),
}

/// The English menu, in the enum's order.
const ENGLISH: [(&str, &str); 7] = [
    ("start", "Welcome and the list of commands"),
    ("quiz", "A new quiz: /quiz or /quiz 10 (1 to 20 questions)"),
    ("me", "Your points, answers, accuracy and rank"),
    ("top", "The top ten players and your rank"),
    ("stop", "Stop the running quiz"),
    ("help", "This help"),
    ("lang", "Interface language: /lang ar or /lang en"),
];

/// The command menu in a language, for `setMyCommands`.
pub fn menu(lang: Lang) -> Vec<BotCommand> {
    match lang {
        // teloxide writes "/start"; the Bot API's form is "start".
        Lang::Ar => Command::bot_commands()
            .into_iter()
            .map(|c| BotCommand::new(c.command.trim_start_matches('/'), c.description))
            .collect(),
        Lang::En => ENGLISH
            .iter()
            .map(|(c, d)| BotCommand::new(*c, *d))
            .collect(),
    }
}

/// The help text in a language: one line per command.
pub fn help(lang: Lang) -> String {
    match lang {
        Lang::Ar => Command::descriptions().to_string(),
        Lang::En => {
            let lines: Vec<String> = ENGLISH.iter().map(|(c, d)| format!("/{c} — {d}")).collect();
            format!("Commands:\n{}", lines.join("\n"))
        }
    }
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
    }
}
