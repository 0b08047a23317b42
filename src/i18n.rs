//! Interface strings in Arabic and English. Questions, options and quotes are
//! always in the article's language; only the words around them change.

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Ar,
    En,
}

impl Lang {
    /// The language of a Telegram `language_code` or a stored code: English
    /// for `en` and `en-*`, Arabic otherwise.
    pub fn from_code(code: &str) -> Lang {
        let code = code.trim().to_ascii_lowercase();
        if code == "en" || code.starts_with("en-") || code.starts_with("en_") {
            Lang::En
        } else {
            Lang::Ar
        }
    }

    /// Parses a `/lang` argument: `ar` or `en` (also «عربي», «english»).
    pub fn parse(arg: &str) -> Option<Lang> {
        match arg.trim().to_lowercase().as_str() {
            "ar" | "arabic" | "عربي" | "العربية" => Some(Lang::Ar),
            "en" | "english" | "إنجليزي" | "الإنجليزية" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }

    pub fn is_en(self) -> bool {
        self == Lang::En
    }

    /// Picks the Arabic or the English text.
    pub fn pick<'a>(self, ar: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ar => ar,
            Lang::En => en,
        }
    }

    // ── the quiz ───────────────────────────────────────────────────────────

    /// "Question 2 of 5".
    pub fn question_of(self, n: i64, total: i64) -> String {
        match self {
            Lang::Ar => format!("السؤال {n} من {total}"),
            Lang::En => format!("Question {n} of {total}"),
        }
    }

    /// The verdict line of a right answer.
    pub fn right(self, points: i64) -> String {
        match self {
            Lang::Ar => format!("✅ إجابة صحيحة! +{points} نقطة"),
            Lang::En => format!("✅ Right! +{points} points"),
        }
    }

    /// The verdict line of a wrong answer.
    pub fn wrong(self) -> &'static str {
        self.pick("❌ إجابة خاطئة.", "❌ Wrong.")
    }

    pub fn streak(self, n: u32) -> String {
        match self {
            Lang::Ar => format!("🔥 {n} إجابات صحيحة متتالية"),
            Lang::En => format!("🔥 {n} right in a row"),
        }
    }

    pub fn right_answer(self) -> &'static str {
        self.pick("الإجابة الصحيحة:", "The right answer:")
    }

    pub fn your_answer(self) -> &'static str {
        self.pick("إجابتك:", "Your answer:")
    }

    /// Where a quote comes from.
    pub fn source(self, title: &str, paragraph: usize) -> String {
        match (self, title.is_empty()) {
            (Lang::Ar, false) => format!("📖 من المقال «{title}»، الفقرة {paragraph}"),
            (Lang::Ar, true) => format!("📖 من المقال، الفقرة {paragraph}"),
            (Lang::En, false) => format!("📖 From the article “{title}”, paragraph {paragraph}"),
            (Lang::En, true) => format!("📖 From the article, paragraph {paragraph}"),
        }
    }

    /// The end of a quiz: score and rank. Counts are written as «label:
    /// value», which reads right for any number in Arabic.
    pub fn final_score(self, points: i64, correct: i64, answered: i64, total: i64) -> String {
        match self {
            Lang::Ar => format!(
                "🏁 انتهى الاختبار — النقاط: {points} · الإجابات الصحيحة: {correct} من {answered} · الأسئلة: {total}"
            ),
            Lang::En => format!(
                "🏁 Quiz over — points: {points} · right: {correct} of {answered} · questions: {total}"
            ),
        }
    }

    pub fn stopped(self) -> &'static str {
        self.pick(
            "⏹ أُوقف الاختبار، واحتُفظ بإجاباتك.",
            "⏹ Quiz stopped; your answers are kept.",
        )
    }

    pub fn rank(self, rank: i64, players: i64) -> String {
        match self {
            Lang::Ar => format!("🏆 ترتيبك العام: {rank} من {players}"),
            Lang::En => format!("🏆 Your overall rank: {rank} of {players}"),
        }
    }

    /// `/quiz n` with an n out of range.
    pub fn quiz_size_hint(self) -> &'static str {
        self.pick(
            "عدد الأسئلة من 1 إلى 20، مثلاً: /quiz 10",
            "The number of questions is 1 to 20, e.g. /quiz 10",
        )
    }

    /// The answer to anything that is not a command, in a private chat.
    pub fn hint(self) -> &'static str {
        self.pick(
            "💡 اكتب /quiz لبدء اختبار، أو /help لقائمة الأوامر.",
            "💡 Send /quiz to start a quiz, or /help for the commands.",
        )
    }

    /// The first line of `/start`.
    pub fn welcome(self) -> &'static str {
        self.pick(
            "👋 أهلاً بك في <b>factquiz</b>: اختبارات من الأخبار، وكل إجابة مثبتة باقتباس حرفي من المقال.",
            "👋 Welcome to <b>factquiz</b>: quizzes from the news, every answer proven by a verbatim quote from the article.",
        )
    }

    /// Above the first question of a quiz that replaced a running one.
    pub fn previous_quiz_stopped(self) -> &'static str {
        self.pick(
            "⏹ أوقفنا اختبارك السابق (احتُفظ بإجاباتك) وبدأنا اختباراً جديداً.",
            "⏹ Your previous quiz was stopped (answers kept); here is a new one.",
        )
    }

    /// `/stop` with no quiz running.
    pub fn no_quiz_running(self) -> &'static str {
        self.pick(
            "لا يوجد اختبار جارٍ. اكتب /quiz لتبدأ.",
            "No quiz is running. Send /quiz to start one.",
        )
    }

    /// `/lang` with something else than a language.
    pub fn lang_usage(self) -> &'static str {
        self.pick(
            "اكتب /lang ar للعربية أو /lang en للإنجليزية.",
            "Send /lang ar for Arabic or /lang en for English.",
        )
    }

    /// A press on a button that means nothing now.
    pub fn stale_button(self) -> &'static str {
        self.pick("هذا الزر لم يعد صالحاً.", "This button is no longer valid.")
    }

    /// A second press on an answered question.
    pub fn already_answered(self) -> &'static str {
        self.pick(
            "لقد أجبت عن هذا السؤال.",
            "You have answered this question.",
        )
    }

    /// A press on someone else's question.
    pub fn not_yours(self) -> &'static str {
        self.pick("هذا السؤال ليس لك.", "This question is not yours.")
    }

    /// A press on a question of a quiz that ended.
    pub fn quiz_over(self) -> &'static str {
        self.pick(
            "انتهى هذا الاختبار. اكتب /quiz لاختبار جديد.",
            "This quiz is over. Send /quiz for a new one.",
        )
    }

    /// To a user whose update could not be handled.
    pub fn apology(self) -> &'static str {
        self.pick(
            "⚠️ عذراً، حدث خطأ ولم نتمكن من إتمام طلبك. حاول مرة أخرى بعد قليل.",
            "⚠️ Sorry, something went wrong and your request was not completed. Please try again shortly.",
        )
    }

    /// The confirmation of `/lang`, in the language chosen.
    pub fn lang_set(self) -> &'static str {
        self.pick(
            "🌐 لغة الواجهة الآن: العربية.",
            "🌐 The interface is now in English.",
        )
    }

    // ── the terminal ───────────────────────────────────────────────────────

    pub fn prompt(self, options: usize) -> String {
        match self {
            Lang::Ar => format!("رقم إجابتك (1-{options}): "),
            Lang::En => format!("Your answer (1-{options}): "),
        }
    }

    pub fn not_an_option(self, options: usize) -> String {
        match self {
            Lang::Ar => format!("أدخل رقماً من 1 إلى {options}."),
            Lang::En => format!("Please type a number from 1 to {options}."),
        }
    }

    pub fn welcome_terminal(self, name: &str, total: usize) -> String {
        match self {
            Lang::Ar => {
                format!("مرحباً {name}! اختبار عن المقال، عدد الأسئلة: {total}. أجب برقم الخيار.")
            }
            Lang::En => format!(
                "Welcome, {name}! A quiz about the article, questions: {total}. Answer with the option's number."
            ),
        }
    }

    // ── leaderboards ───────────────────────────────────────────────────────

    pub fn leaderboard_title(self, chat: bool, week: bool) -> &'static str {
        match (self, chat, week) {
            (Lang::Ar, false, false) => "🏆 الترتيب العام",
            (Lang::Ar, false, true) => "🏆 ترتيب هذا الأسبوع",
            (Lang::Ar, true, false) => "🏆 ترتيب المجموعة",
            (Lang::Ar, true, true) => "🏆 ترتيب المجموعة هذا الأسبوع",
            (Lang::En, false, false) => "🏆 Overall leaderboard",
            (Lang::En, false, true) => "🏆 This week's leaderboard",
            (Lang::En, true, false) => "🏆 Group leaderboard",
            (Lang::En, true, true) => "🏆 This week in the group",
        }
    }

    pub fn points_short(self, points: i64) -> String {
        match self {
            Lang::Ar => format!("{points} نقطة"),
            Lang::En => format!("{points} pts"),
        }
    }

    pub fn empty_leaderboard(self) -> &'static str {
        self.pick("لا أحد على اللوحة بعد.", "Nobody on the board yet.")
    }

    pub fn your_place(self, rank: i64, points: i64) -> String {
        match self {
            Lang::Ar => format!("أنت: المركز {rank} ({points} نقطة)"),
            Lang::En => format!("You: #{rank} ({points} pts)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_telegram_language_codes() {
        assert_eq!(Lang::from_code("en"), Lang::En);
        assert_eq!(Lang::from_code("en-GB"), Lang::En);
        assert_eq!(Lang::from_code("ar"), Lang::Ar);
        assert_eq!(
            Lang::from_code("fr"),
            Lang::Ar,
            "Arabic first for everyone else"
        );
        assert_eq!(Lang::from_code(""), Lang::Ar);
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("عربي"), Some(Lang::Ar));
        assert_eq!(Lang::parse("de"), None);
    }
}
