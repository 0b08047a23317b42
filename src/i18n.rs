//! Every sentence a user reads, in Arabic and English: the private chat,
//! the group's messages, the terminal, the command menus. Questions,
//! options and quotes are always in the article's language; only the words
//! around them change. Adapters format no words of their own (a test reads
//! their sources to keep it so).

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

    /// The code it is stored by: `ar` or `en`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }

    pub fn is_en(self) -> bool {
        self == Lang::En
    }

    /// Picks the Arabic or the English text.
    fn pick<'a>(self, ar: &'a str, en: &'a str) -> &'a str {
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

    /// Beside the option the player chose, on an answer card.
    pub fn your_choice(self) -> &'static str {
        self.pick("اختيارك", "your choice")
    }

    /// Under a quiz's final score.
    pub fn new_quiz_hint(self) -> &'static str {
        self.pick("اكتب /quiz لاختبار جديد.", "Send /quiz for a new one.")
    }

    /// `/me`: the player's statistics, one line each.
    #[allow(clippy::too_many_arguments)]
    pub fn stats(
        self,
        points: i64,
        answered: i64,
        correct: i64,
        accuracy: f64,
        best_streak: i64,
        streak: i64,
        rank: Option<(i64, i64)>,
    ) -> String {
        let rank = rank.map_or_else(|| "—".to_owned(), |(r, of)| format!("{r} / {of}"));
        match self {
            Lang::Ar => format!(
                "📊 <b>إحصاءاتك</b>\nالنقاط: {points}\nالأسئلة المجاب عنها: {answered}\nالإجابات الصحيحة: {correct}\nالدقة: {accuracy:.0}%\nأطول سلسلة: {best_streak} (الحالية: {streak})\nالترتيب: {rank}"
            ),
            Lang::En => format!(
                "📊 <b>Your stats</b>\nPoints: {points}\nQuestions answered: {answered}\nRight answers: {correct}\nAccuracy: {accuracy:.0}%\nBest streak: {best_streak} (now: {streak})\nRank: {rank}"
            ),
        }
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

    /// The confirmation of `/lang` in a group, in the language chosen.
    pub fn group_lang_set(self) -> &'static str {
        self.pick(
            "🌐 لغة المجموعة الآن: العربية.",
            "🌐 The group's language is now English.",
        )
    }

    // ── groups ─────────────────────────────────────────────────────────────

    /// A group quiz begins; `by` is the starter's name, as HTML.
    pub fn group_quiz_started(self, by: &str, total: i64, round_seconds: u32) -> String {
        match self {
            Lang::Ar => format!(
                "🎯 <b>اختبار جماعي</b> بدأه {by}: الأسئلة: {total} · لكل سؤال {round_seconds} ثانية.\nأجيبوا في الاستطلاع؛ الأسرع يكسب نقاطاً أكثر."
            ),
            Lang::En => format!(
                "🎯 <b>Group quiz</b> started by {by}: questions: {total} · {round_seconds} seconds each.\nAnswer in the poll; the faster, the more points."
            ),
        }
    }

    /// A group quiz the group's daily schedule started.
    pub fn scheduled_quiz_started(self, total: i64, round_seconds: u32) -> String {
        match self {
            Lang::Ar => format!(
                "⏰ <b>اختبار المجموعة اليومي</b>: الأسئلة: {total} · لكل سؤال {round_seconds} ثانية.\nأجيبوا في الاستطلاع؛ الأسرع يكسب نقاطاً أكثر."
            ),
            Lang::En => format!(
                "⏰ <b>The group's daily quiz</b>: questions: {total} · {round_seconds} seconds each.\nAnswer in the poll; the faster, the more points."
            ),
        }
    }

    // ── schedules ──────────────────────────────────────────────────────────

    /// The group's schedule: its time (`None`: off) and time zone.
    pub fn schedule(self, time: Option<&str>, tz: &str) -> String {
        match (self, time) {
            (Lang::Ar, Some(t)) => format!(
                "⏰ اختبار المجموعة اليومي عن أحدث مقال: كل يوم على الساعة {t} ({tz}).\nللتغيير: /schedule daily HH:MM · للإيقاف: /schedule off · للمنطقة الزمنية: /schedule tz Africa/Tunis"
            ),
            (Lang::Ar, None) => format!(
                "⏰ لا اختبار يومياً لهذه المجموعة (المنطقة الزمنية: {tz}).\nليبدأ كل يوم: /schedule daily 20:00 · للمنطقة الزمنية: /schedule tz Africa/Tunis"
            ),
            (Lang::En, Some(t)) => format!(
                "⏰ The group's daily quiz on the newest article: every day at {t} ({tz}).\nTo change it: /schedule daily HH:MM · to stop it: /schedule off · time zone: /schedule tz Africa/Tunis"
            ),
            (Lang::En, None) => format!(
                "⏰ This group has no daily quiz (time zone: {tz}).\nTo start one every day: /schedule daily 20:00 · time zone: /schedule tz Africa/Tunis"
            ),
        }
    }

    pub fn schedule_set(self, time: &str, tz: &str) -> String {
        match self {
            Lang::Ar => {
                format!("✅ سيبدأ اختبار المجموعة كل يوم على الساعة {time} ({tz})، عن أحدث مقال.")
            }
            Lang::En => format!(
                "✅ The group's quiz will start every day at {time} ({tz}), on the newest article."
            ),
        }
    }

    pub fn schedule_off(self) -> &'static str {
        self.pick("✅ أُوقف الاختبار اليومي.", "✅ The daily quiz is off.")
    }

    pub fn schedule_tz(self, tz: &str) -> String {
        match self {
            Lang::Ar => format!("✅ المنطقة الزمنية للمجموعة: {tz}."),
            Lang::En => format!("✅ The group's time zone: {tz}."),
        }
    }

    pub fn bad_tz(self, tz: &str) -> String {
        match self {
            Lang::Ar => format!(
                "🙏 لا أعرف المنطقة الزمنية «{tz}»: اكتبها مثل Africa/Tunis أو Asia/Riyadh أو UTC."
            ),
            Lang::En => format!(
                "🙏 I do not know the time zone “{tz}”: write it like Africa/Tunis, Asia/Riyadh or UTC."
            ),
        }
    }

    pub fn schedule_usage(self) -> &'static str {
        self.pick(
            "🙏 الاستعمال: /schedule daily 20:00 · /schedule off · /schedule tz Africa/Tunis · /schedule",
            "🙏 Usage: /schedule daily 20:00 · /schedule off · /schedule tz Africa/Tunis · /schedule",
        )
    }

    pub fn admins_only(self) -> &'static str {
        self.pick(
            "🙏 لا يغيّر هذا إلا مشرفو المجموعة.",
            "🙏 Only the group's admins can change this.",
        )
    }

    pub fn group_only(self) -> &'static str {
        self.pick(
            "هذا الأمر للمجموعات: أضف البوت إلى مجموعة واكتبه فيها.",
            "This command is for groups: add the bot to a group and use it there.",
        )
    }

    /// A second `/quiz` in a group.
    pub fn already_running(self) -> &'static str {
        self.pick(
            "⏳ هناك اختبار جارٍ في هذه المجموعة: انتظروا انتهاءه، أو يوقفه من بدأه أو أحد المشرفين بـ /stop.",
            "⏳ A quiz is already running in this group: wait for it to end, or its starter or an admin can /stop it.",
        )
    }

    /// `/stop` in a group with no quiz running.
    pub fn group_not_running(self) -> &'static str {
        self.pick(
            "لا يوجد اختبار جارٍ في هذه المجموعة.",
            "No quiz is running in this group.",
        )
    }

    /// `/stop` by a member who may not.
    pub fn stop_not_allowed(self) -> &'static str {
        self.pick(
            "🙏 عذراً، لا يوقف الاختبار إلا من بدأه أو أحد مشرفي المجموعة.",
            "🙏 Sorry, only the member who started the quiz or a group admin can stop it.",
        )
    }

    /// `/lang` in a group by a member who is not an admin.
    pub fn lang_admins_only(self) -> &'static str {
        self.pick(
            "🙏 لا يغيّر لغة المجموعة إلا مشرفوها.",
            "🙏 Only the group's admins can change its language.",
        )
    }

    /// A group quiz stopped by `by` (a name, as HTML).
    pub fn group_stopped_by(self, by: &str) -> String {
        match self {
            Lang::Ar => format!("⏹ أوقف {by} الاختبار."),
            Lang::En => format!("⏹ {by} stopped the quiz."),
        }
    }

    /// A group quiz stopped because the bot was down too long.
    pub fn interrupted(self) -> &'static str {
        self.pick(
            "⏹ توقف الاختبار بسبب انقطاع الخدمة.",
            "⏹ The quiz stopped: the service was interrupted.",
        )
    }

    /// A group quiz that cannot go on (its poll was refused).
    pub fn quiz_failed(self) -> &'static str {
        self.pick(
            "⚠️ عذراً، تعذّر إكمال الاختبار.",
            "⚠️ Sorry, the quiz could not go on.",
        )
    }

    /// The head of a round's closing message.
    pub fn round_over(self, n: i64, total: i64) -> String {
        match self {
            Lang::Ar => format!("⏱ <b>انتهى السؤال {n} من {total}</b>"),
            Lang::En => format!("⏱ <b>Question {n} of {total} is over</b>"),
        }
    }

    /// How many answered a round, and how many were right.
    pub fn round_counts(self, answered: i64, right: i64) -> String {
        match self {
            Lang::Ar => format!("👥 أجاب: {answered} · أصاب: {right}"),
            Lang::En => format!("👥 Answered: {answered} · right: {right}"),
        }
    }

    pub fn standings_so_far(self) -> &'static str {
        self.pick("🏅 الترتيب حتى الآن", "🏅 Standings so far")
    }

    pub fn final_result(self) -> &'static str {
        self.pick("🏆 النتيجة النهائية", "🏆 Final result")
    }

    /// A group quiz nobody answered.
    pub fn nobody_answered(self) -> &'static str {
        self.pick("لم يُجب أحد هذه المرة.", "Nobody answered this time.")
    }

    /// After a player's line on the podium: their place on the group's board.
    pub fn group_place(self, rank: i64) -> String {
        match self {
            Lang::Ar => format!(" · المركز {rank} في المجموعة"),
            Lang::En => format!(" · #{rank} in the group"),
        }
    }

    /// Under a group quiz's podium.
    pub fn new_group_quiz_hint(self) -> &'static str {
        self.pick("اكتبوا /quiz لاختبار جديد.", "Send /quiz for a new one.")
    }

    // ── commands ───────────────────────────────────────────────────────────

    /// The commands and what each does, in the menu's order.
    pub fn commands(self) -> [(&'static str, &'static str); 11] {
        match self {
            Lang::Ar => [
                ("start", "ترحيب وقائمة الأوامر"),
                (
                    "quiz",
                    "اختبار جديد عن أحدث مقال: /quiz أو /quiz 10 (من 1 إلى 20 سؤالاً)؛ عن مقال بعينه: /quiz اسم-المقال",
                ),
                ("articles", "المقالات المنشورة، الأحدث أولاً"),
                ("me", "نقاطك وإجاباتك ودقتك وترتيبك"),
                (
                    "top",
                    "أفضل عشرة لاعبين وترتيبك بينهم: /top، /top week لهذا الأسبوع، /top اسم-المقال",
                ),
                ("stop", "إيقاف الاختبار الجاري"),
                (
                    "share",
                    "رابطان لمشاركة اختبار عن أحدث مقال (أو /share اسم-المقال): لصديق أو لمجموعة",
                ),
                ("forget", "حذف كل ما يحفظه البوت عنك، بعد التأكيد"),
                (
                    "schedule",
                    "في مجموعة: اختبار يومي عن أحدث مقال، /schedule daily 20:00 أو off أو tz Africa/Tunis (للمشرفين)",
                ),
                ("help", "هذه المساعدة"),
                (
                    "lang",
                    "لغة الواجهة: /lang ar أو /lang en (في مجموعة: لغتها، يختارها مشرفوها)",
                ),
            ],
            Lang::En => [
                ("start", "Welcome and the list of commands"),
                (
                    "quiz",
                    "A new quiz on the newest article: /quiz or /quiz 10 (1 to 20 questions); on one article: /quiz article-name",
                ),
                ("articles", "The published articles, newest first"),
                ("me", "Your points, answers, accuracy and rank"),
                (
                    "top",
                    "The top ten players and your rank: /top, /top week for this week, /top article-name",
                ),
                ("stop", "Stop the running quiz"),
                (
                    "share",
                    "Two links to share a quiz on the newest article (or /share article-name): with a friend or a group",
                ),
                (
                    "forget",
                    "Delete everything the bot keeps of you, once you confirm",
                ),
                (
                    "schedule",
                    "In a group: a daily quiz on the newest article, /schedule daily 20:00, off, or tz Africa/Tunis (admins)",
                ),
                ("help", "This help"),
                (
                    "lang",
                    "Interface language: /lang ar or /lang en (in a group: the group's, set by its admins)",
                ),
            ],
        }
    }

    /// The head of the help text.
    pub fn commands_title(self) -> &'static str {
        self.pick("الأوامر:", "Commands:")
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

    pub fn welcome_terminal(self, name: &str, total: i64) -> String {
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

    /// A leaderboard's title for one article.
    pub fn article_board_title(self, base: &str, article: &str) -> String {
        match self {
            Lang::Ar => format!("{base} · «{article}»"),
            Lang::En => format!("{base} · “{article}”"),
        }
    }

    // ── sharing and privacy ────────────────────────────────────────────────

    /// The links that start a quiz on an article: in a private chat, and in
    /// a group the bot is added to.
    pub fn share(self, title: &str, private: &str, group: &str) -> String {
        match self {
            Lang::Ar => format!(
                "🔗 اختبار عن «{title}»:\nلصديق: {private}\nلمجموعة (يضيف البوت إليها ويبدأ الاختبار): {group}"
            ),
            Lang::En => format!(
                "🔗 A quiz on “{title}”:\nFor a friend: {private}\nFor a group (adds the bot and starts the quiz): {group}"
            ),
        }
    }

    pub fn forget_ask(self) -> &'static str {
        self.pick(
            "⚠️ سيحذف هذا إجاباتك ونقاطك ومكانك في كل ترتيب وملفك، ولا يمكن التراجع عنه. هل تريد الحذف؟",
            "⚠️ This deletes your answers, your points, your place on every leaderboard and your profile, and cannot be undone. Delete?",
        )
    }

    pub fn forget_yes(self) -> &'static str {
        self.pick("نعم، احذف كل شيء", "Yes, delete everything")
    }

    pub fn forget_no(self) -> &'static str {
        self.pick("لا، أبقِ بياناتي", "No, keep my data")
    }

    pub fn forgotten(self) -> &'static str {
        self.pick(
            "🗑️ حُذفت إجاباتك ونقاطك وملفك. إن كتبت للبوت من جديد فستبدأ من الصفر.",
            "🗑️ Your answers, points and profile are deleted. If you write to the bot again, you start from zero.",
        )
    }

    pub fn forget_kept(self) -> &'static str {
        self.pick("لم يُحذف شيء.", "Nothing was deleted.")
    }

    pub fn private_only(self) -> &'static str {
        self.pick(
            "هذا الأمر في المحادثة الخاصة مع البوت فقط.",
            "This command works only in a private chat with the bot.",
        )
    }

    // ── inline claim checks ────────────────────────────────────────────────

    /// The header of a claim sent inline (the card's words are in the
    /// article's language: the chat it goes to may be anyone's).
    pub fn claim_card_header(self) -> &'static str {
        self.pick("⚖️ صحيح أم خطأ؟", "⚖️ True or false?")
    }

    /// How many checked a claim and how many were right.
    pub fn claim_counts(self, checked: i64, right: i64) -> String {
        match self {
            Lang::Ar => format!("👥 تحقّق {checked} · 🎯 أصاب {right}"),
            Lang::En => format!("👥 {checked} checked · 🎯 {right} right"),
        }
    }

    /// Under a claim: what a press does.
    pub fn claim_card_hint(self) -> &'static str {
        self.pick(
            "اضغط «صحيح» أو «خطأ»: يصلك الحكم والدليل من المقال وحدك.",
            "Press «صحيح» (true) or «خطأ» (false): the verdict and the article's quote come to you alone.",
        )
    }

    /// The line under an inline result: where the claim comes from.
    pub fn claim_result_description(self, label: &str) -> String {
        match self {
            Lang::Ar => format!("من «{label}» · صحيح أم خطأ؟"),
            Lang::En => format!("From “{label}” · true or false?"),
        }
    }

    /// The private verdict on a claim (the quote follows). `answer`: the
    /// right one, said when the claim is false.
    pub fn claim_verdict(self, correct: bool, truth: bool, answer: &str) -> String {
        let mark = if correct { "✅" } else { "❌" };
        match (self, correct, truth) {
            (Lang::Ar, true, true) => format!("{mark} أصبت: العبارة صحيحة."),
            (Lang::Ar, true, false) => format!("{mark} أصبت: العبارة خاطئة، والصواب: {answer}."),
            (Lang::Ar, false, true) => format!("{mark} لم تُصب: العبارة صحيحة."),
            (Lang::Ar, false, false) => {
                format!("{mark} لم تُصب: العبارة خاطئة، والصواب: {answer}.")
            }
            (Lang::En, true, true) => format!("{mark} Right: the claim is true."),
            (Lang::En, true, false) => {
                format!("{mark} Right: the claim is false; it is {answer}.")
            }
            (Lang::En, false, true) => format!("{mark} Not quite: the claim is true."),
            (Lang::En, false, false) => {
                format!("{mark} Not quite: the claim is false; it is {answer}.")
            }
        }
    }

    /// Before the verdict of a claim checked before: the first check stands.
    pub fn claim_checked_before(self) -> &'static str {
        self.pick(
            "سبق أن تحققت من هذه العبارة، ويُحتسب جوابك الأول:",
            "You checked this claim before; your first answer counts:",
        )
    }

    /// A press on a claim the bot does not know.
    pub fn claim_unknown(self, bot: &str) -> String {
        match self {
            Lang::Ar => {
                format!("هذه العبارة لم تعد متاحة. اكتب @{bot} في أي محادثة لعبارات جديدة.")
            }
            Lang::En => {
                format!("This claim is no longer available. Type @{bot} in any chat for new ones.")
            }
        }
    }

    // ── the newsroom's view ────────────────────────────────────────────────

    pub fn no_fact_stats(self) -> &'static str {
        self.pick("لم يُطرح أي سؤال بعد.", "No question has been asked yet.")
    }

    pub fn fact_stats_heading(self) -> &'static str {
        self.pick(
            "الحقيقة · طُرح · إجابات · صحيحة · الخطأ الأكثر اختيارا · الوقت الوسيط",
            "fact · asked · answers · right · wrong option chosen most · median time",
        )
    }

    /// One fact's line of `factquiz stats`.
    pub fn fact_stats_line(
        self,
        fact: &str,
        asked: i64,
        answers: i64,
        right: Option<f64>,
        top_wrong: Option<(&str, i64)>,
        median_ms: Option<i64>,
    ) -> String {
        let right = right.map_or_else(|| "-".to_owned(), |r| format!("{:.0}%", r * 100.0));
        #[allow(clippy::cast_precision_loss, reason = "a time in ms, shown to a tenth")]
        let median = median_ms.map_or_else(
            || "-".to_owned(),
            |ms| format!("{:.1}s", ms as f64 / 1000.0),
        );
        let wrong = match (self, top_wrong) {
            (_, None) => "-".to_owned(),
            (Lang::Ar, Some((text, n))) => format!("«{text}» ({n})"),
            (Lang::En, Some((text, n))) => format!("“{text}” ({n})"),
        };
        format!("{fact} · {asked} · {answers} · {right} · {wrong} · {median}")
    }

    // ── the catalogue ──────────────────────────────────────────────────────

    pub fn articles_title(self) -> &'static str {
        self.pick(
            "📚 المقالات المنشورة، الأحدث أولاً:",
            "📚 The published articles, newest first:",
        )
    }

    /// One article of the catalogue: its title, date, questions, and how many
    /// of them the player has answered.
    pub fn article_line(
        self,
        title: &str,
        date: Option<&str>,
        questions: usize,
        answered: usize,
    ) -> String {
        let date = date.map(|d| format!(" ({d})")).unwrap_or_default();
        match self {
            Lang::Ar => format!("«{title}»{date}: {questions} سؤالاً، أجبت عن {answered}"),
            Lang::En => {
                format!("“{title}”{date}: {questions} questions, {answered} answered by you")
            }
        }
    }

    /// Under the catalogue in a private chat: the buttons start a quiz.
    pub fn articles_pick(self) -> &'static str {
        self.pick(
            "اختر مقالاً لاختبار عنه، أو اكتب /quiz اسم-المقال.",
            "Pick an article for a quiz on it, or type /quiz article-name.",
        )
    }

    /// Under the catalogue in a group: how to start a quiz on one.
    pub fn articles_group_hint(self) -> &'static str {
        self.pick(
            "لاختبار جماعي عن مقال: /quiz اسم-المقال",
            "For a group quiz on one: /quiz article-name",
        )
    }

    pub fn unknown_article(self) -> &'static str {
        self.pick(
            "لا يوجد مقال بهذا الاسم. المقالات المنشورة:",
            "There is no article by that name. The published ones:",
        )
    }

    pub fn no_articles(self) -> &'static str {
        self.pick(
            "لا توجد مقالات منشورة بعد: لا اختبار الآن.",
            "No article is published yet: there is no quiz to play.",
        )
    }

    /// The line of a question that names its article.
    pub fn about_article(self, title: &str) -> String {
        match self {
            Lang::Ar => format!("📰 «{title}»"),
            Lang::En => format!("📰 “{title}”"),
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

/// The name of a Telegram user with no usable name: saved once and shown
/// Whether a word typed after `/top` means "this week", in either
/// language: «week», «أسبوع», «الأسبوع».
pub fn means_week(word: &str) -> bool {
    matches!(
        crate::arabic::normalize(word.trim())
            .to_lowercase()
            .as_str(),
        "week" | "الاسبوع" | "اسبوع" | "اسبوعي"
    )
}

/// in every language, so it is not translated.
pub fn unnamed_player(id: u64) -> String {
    format!("Player {id}")
}

impl std::str::FromStr for Lang {
    type Err = crate::game::UnknownName;

    /// A stored code, exactly `ar` or `en`.
    fn from_str(s: &str) -> Result<Lang, Self::Err> {
        match s {
            "ar" => Ok(Lang::Ar),
            "en" => Ok(Lang::En),
            _ => Err(crate::game::UnknownName {
                what: "language",
                value: s.to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message, in one language.
    fn every_message(l: Lang) -> Vec<String> {
        let mut all: Vec<String> = vec![
            l.question_of(2, 5),
            l.right(110),
            l.wrong().into(),
            l.streak(3),
            l.right_answer().into(),
            l.your_choice().into(),
            l.new_quiz_hint().into(),
            l.stats(300, 4, 3, 75.0, 2, 1, Some((1, 9))),
            l.stats(0, 0, 0, 0.0, 0, 0, None),
            l.source("", 3),
            l.final_score(250, 2, 3, 5),
            l.stopped().into(),
            l.rank(2, 7),
            l.quiz_size_hint().into(),
            l.hint().into(),
            l.welcome().into(),
            l.previous_quiz_stopped().into(),
            l.no_quiz_running().into(),
            l.lang_usage().into(),
            l.stale_button().into(),
            l.already_answered().into(),
            l.not_yours().into(),
            l.quiz_over().into(),
            l.apology().into(),
            l.lang_set().into(),
            l.group_lang_set().into(),
            l.group_quiz_started("Sam", 5, 30),
            l.already_running().into(),
            l.group_not_running().into(),
            l.stop_not_allowed().into(),
            l.lang_admins_only().into(),
            l.group_stopped_by("Sam"),
            l.interrupted().into(),
            l.quiz_failed().into(),
            l.round_over(1, 5),
            l.round_counts(3, 2),
            l.standings_so_far().into(),
            l.final_result().into(),
            l.nobody_answered().into(),
            l.group_place(2),
            l.new_group_quiz_hint().into(),
            l.commands_title().into(),
            l.prompt(4),
            l.not_an_option(4),
            l.welcome_terminal("Sam", 5),
            l.points_short(10),
            l.empty_leaderboard().into(),
            l.your_place(4, 120),
        ];
        for chat in [false, true] {
            for week in [false, true] {
                all.push(l.leaderboard_title(chat, week).into());
            }
        }
        all.extend(l.commands().iter().map(|(_, d)| (*d).to_owned()));
        all
    }

    fn has_arabic(s: &str) -> bool {
        s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
    }

    #[test]
    fn every_message_is_written_in_both_languages() {
        let ar = every_message(Lang::Ar);
        let en = every_message(Lang::En);
        assert_eq!(ar.len(), en.len());
        for (a, e) in ar.iter().zip(&en) {
            assert!(has_arabic(a), "not Arabic: {a}");
            assert!(!has_arabic(e), "Arabic in the English text: {e}");
            assert!(!e.trim().is_empty());
            assert_ne!(a, e);
        }
        assert_eq!(
            Lang::Ar.commands().map(|c| c.0),
            Lang::En.commands().map(|c| c.0),
            "the same commands in both menus"
        );
    }

    #[test]
    fn stored_codes_are_read_strictly() {
        assert_eq!("ar".parse::<Lang>(), Ok(Lang::Ar));
        assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
        assert!("EN".parse::<Lang>().is_err());
        assert!("fr".parse::<Lang>().is_err());
    }

    /// The adapters' sources, without comments and tests: no Arabic, and
    /// no words in a text they format (a `format!`, `write!` or `writeln!`
    /// template holds only placeholders, tags and punctuation), nor a
    /// message sent as a literal.
    #[test]
    fn no_adapter_formats_words_of_its_own() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut files = vec![format!("{root}/terminal.rs")];
        for name in ["render.rs", "private.rs", "group.rs", "commands.rs"] {
            files.push(format!("{root}/telegram/{name}"));
        }
        let mut found = Vec::new();
        for file in &files {
            let source = std::fs::read_to_string(file).expect("a source file");
            let code = source.split("#[cfg(test)]").next().unwrap_or_default();
            let code: Vec<&str> = code
                .lines()
                .map(|l| l.split("//").next().unwrap_or_default())
                .collect();
            for (n, line) in code.iter().enumerate() {
                if has_arabic(line) {
                    found.push(format!("{file}:{}: {}", n + 1, line.trim()));
                }
            }
            let code = code.join("\n");
            for template in templates(&code) {
                if words_in(&template) {
                    found.push(format!("{file}: a template with words: {template:?}"));
                }
            }
            let squashed = code.split_whitespace().collect::<Vec<_>>().join("");
            if squashed.contains("Request::message(chat,\"") {
                found.push(format!("{file}: a message sent as a literal"));
            }
        }
        assert!(
            found.is_empty(),
            "words written in an adapter, not in i18n:\n{}",
            found.join("\n")
        );
        // The check itself finds what it looks for.
        assert!(words_in("Hello {name}"));
        assert!(!words_in("<b>{}</b>\\n{} · {n:.0}%"));
        assert_eq!(
            templates(r#"format!("a {x}", x) writeln!(out, "b")"#),
            ["a {x}", "b"]
        );
    }

    /// The templates of `format!`, `write!` and `writeln!` calls.
    fn templates(code: &str) -> Vec<String> {
        let mut out = Vec::new();
        for mac in ["format!(", "write!(", "writeln!("] {
            let mut rest = code;
            while let Some(at) = rest.find(mac) {
                rest = &rest[at + mac.len()..];
                let Some(open) = rest.find('"') else { break };
                // Only a template that is the first string of the call.
                if rest[..open].contains(')') {
                    continue;
                }
                let body = &rest[open + 1..];
                let mut end = 0;
                let mut escaped = false;
                for (i, c) in body.char_indices() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        end = i;
                        break;
                    }
                }
                out.push(body[..end].to_owned());
                rest = &body[end..];
            }
        }
        out
    }

    /// Whether a template has letters outside its `{…}` placeholders, HTML
    /// tags and escapes.
    fn words_in(template: &str) -> bool {
        let mut depth = 0;
        let mut letters = String::new();
        let mut chars = template.chars();
        while let Some(c) = chars.next() {
            match c {
                '{' | '<' => depth += 1,
                '}' | '>' => depth -= 1,
                '\\' => {
                    chars.next();
                }
                c if depth == 0 && c.is_alphabetic() => letters.push(c),
                _ => {}
            }
        }
        !letters.is_empty()
    }
}
