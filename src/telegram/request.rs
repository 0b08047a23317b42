//! Requests for the sender: where each goes, the Bot API method and its
//! JSON body (built from teloxide's payload types), and what its answer is
//! recorded for. They are kept in the outbox until sent.

use serde::Serialize;
use teloxide::payloads::{
    EditMessageText, EditMessageTextInline, EditMessageTextInlineSetters, EditMessageTextSetters,
    SendMessage, SendMessageSetters, SendPoll, SendPollSetters, StopPoll,
};
use teloxide::types::{
    ChatId, InlineKeyboardMarkup, InputPollOption, MessageId, ParseMode, PollType, Recipient,
};

use crate::store::{NewRequest, OutboxRow};

/// The methods the sender posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    SendMessage,
    EditMessageText,
    SendPoll,
    StopPoll,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::SendMessage => "sendMessage",
            Method::EditMessageText => "editMessageText",
            Method::SendPoll => "sendPoll",
            Method::StopPoll => "stopPoll",
        }
    }

    pub fn parse(name: &str) -> Option<Method> {
        [
            Method::SendMessage,
            Method::EditMessageText,
            Method::SendPoll,
            Method::StopPoll,
        ]
        .into_iter()
        .find(|m| m.name() == name)
    }

    /// A new message in the chat (what Telegram's per-chat limits count),
    /// not a change to one already there.
    pub fn is_new_message(self) -> bool {
        matches!(self, Method::SendMessage | Method::SendPoll)
    }
}

/// What a request's answer is recorded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Nothing,
    /// The poll of a group round: its message and poll ids open the round.
    RoundPoll {
        served_id: i64,
    },
}

impl Purpose {
    fn code(self) -> (i64, Option<i64>) {
        match self {
            Purpose::Nothing => (0, None),
            Purpose::RoundPoll { served_id } => (1, Some(served_id)),
        }
    }

    fn from_code(code: i64, ref_id: Option<i64>) -> Purpose {
        match (code, ref_id) {
            (1, Some(served_id)) => Purpose::RoundPoll { served_id },
            _ => Purpose::Nothing,
        }
    }
}

/// A request to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub chat: i64,
    pub method: Method,
    pub body: String,
    pub purpose: Purpose,
}

fn json(payload: &impl Serialize) -> String {
    // The payloads are plain data: encoding them cannot fail.
    serde_json::to_string(payload).unwrap_or_default()
}

impl Request {
    /// An HTML message, with buttons or not.
    pub fn message(chat: i64, html: String, keyboard: Option<InlineKeyboardMarkup>) -> Request {
        let mut payload =
            SendMessage::new(Recipient::Id(ChatId(chat)), html).parse_mode(ParseMode::Html);
        if let Some(k) = keyboard {
            payload = payload.reply_markup(k);
        }
        Request {
            chat,
            method: Method::SendMessage,
            body: json(&payload),
            purpose: Purpose::Nothing,
        }
    }

    /// A message edited in place into new HTML and buttons (none: the
    /// buttons go).
    pub fn edit(
        chat: i64,
        message_id: i32,
        html: String,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> Request {
        let mut payload =
            EditMessageText::new(Recipient::Id(ChatId(chat)), MessageId(message_id), html)
                .parse_mode(ParseMode::Html);
        if let Some(k) = keyboard {
            payload = payload.reply_markup(k);
        }
        Request {
            chat,
            method: Method::EditMessageText,
            body: json(&payload),
            purpose: Purpose::Nothing,
        }
    }

    /// An inline message (sent by a user through the bot, in a chat the
    /// bot need not be in) edited into new HTML and buttons. It queues on
    /// its own: one message's edits keep their order and hold no chat.
    pub fn edit_inline(
        inline_message_id: &str,
        html: String,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> Request {
        let mut payload =
            EditMessageTextInline::new(inline_message_id, html).parse_mode(ParseMode::Html);
        if let Some(k) = keyboard {
            payload = payload.reply_markup(k);
        }
        Request {
            chat: inline_queue(inline_message_id),
            method: Method::EditMessageText,
            body: json(&payload),
            purpose: Purpose::Nothing,
        }
    }

    /// The native quiz poll of a group round.
    pub fn round_poll(chat: i64, served_id: i64, poll: RoundPoll) -> Request {
        let options = poll.options.into_iter().map(InputPollOption::new);
        let payload = SendPoll::new(Recipient::Id(ChatId(chat)), poll.question, options)
            .type_(PollType::Quiz)
            .is_anonymous(false)
            .correct_option_id(poll.correct)
            .explanation(poll.explanation)
            .open_period(poll.open_period);
        Request {
            chat,
            method: Method::SendPoll,
            body: json(&payload),
            purpose: Purpose::RoundPoll { served_id },
        }
    }

    /// Closes a poll before its time.
    pub fn stop_poll(chat: i64, message_id: i32) -> Request {
        Request {
            chat,
            method: Method::StopPoll,
            body: json(&StopPoll::new(
                Recipient::Id(ChatId(chat)),
                MessageId(message_id),
            )),
            purpose: Purpose::Nothing,
        }
    }

    /// An edit whose message is gone, as a new message with the same text
    /// and buttons.
    pub fn edit_as_message(&self) -> Option<Request> {
        if self.method != Method::EditMessageText {
            return None;
        }
        let mut body: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&self.body).ok()?;
        if body.contains_key("inline_message_id") {
            // An inline message is in a chat the bot may not write to.
            return None;
        }
        body.remove("message_id");
        Some(Request {
            chat: self.chat,
            method: Method::SendMessage,
            body: serde_json::Value::Object(body).to_string(),
            purpose: self.purpose,
        })
    }

    /// As the outbox keeps it.
    pub fn stored(&self) -> NewRequest<'_> {
        let (purpose, ref_id) = self.purpose.code();
        NewRequest {
            chat_id: self.chat,
            method: self.method.name(),
            body: &self.body,
            purpose,
            ref_id,
        }
    }

    /// From the outbox; `None` for a method this version does not send.
    pub fn from_stored(row: &OutboxRow) -> Option<Request> {
        Some(Request {
            chat: row.chat_id,
            method: Method::parse(&row.method)?,
            body: row.body.clone(),
            purpose: Purpose::from_code(row.purpose, row.ref_id),
        })
    }
}

/// The sender's queue of an inline message's edits: one per message, far
/// below every chat id and poll lane.
pub fn inline_queue(inline_message_id: &str) -> i64 {
    INLINE_QUEUES - super::receive::hash48(inline_message_id)
}

const INLINE_QUEUES: i64 = -(1 << 61);

/// What a round's poll shows, within Telegram's limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundPoll {
    pub question: String,
    pub options: Vec<String>,
    pub correct: u8,
    pub explanation: String,
    pub open_period: u16,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inline_edit_names_its_message_queues_apart_and_never_becomes_a_message() {
        let edit = Request::edit_inline("AAE-xyz", "<b>x</b>".into(), None);
        let body: serde_json::Value = serde_json::from_str(&edit.body).expect("json");
        assert_eq!(body["inline_message_id"], "AAE-xyz");
        assert!(body.get("chat_id").is_none() && body.get("message_id").is_none());
        assert_eq!(edit.method, Method::EditMessageText);
        assert_eq!(edit.edit_as_message(), None, "its chat is not the bot's");
        assert!(!super::super::receive::is_chat_lane(edit.chat));
        assert_ne!(edit.chat, super::super::receive::poll_lane("AAE-xyz"));
        assert_eq!(edit.chat, inline_queue("AAE-xyz"));
        let chat_edit = Request::edit(5, 9, "x".into(), None);
        assert!(chat_edit.edit_as_message().is_some());
    }
}
