-- A chat's interface language: a group's is chosen by an admin with /lang
-- (Arabic until then); a player's own language is in players.
ALTER TABLE chats ADD COLUMN lang TEXT NOT NULL DEFAULT 'ar' CHECK (lang IN ('ar', 'en'));
