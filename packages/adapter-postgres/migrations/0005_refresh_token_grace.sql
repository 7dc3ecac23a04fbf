-- The refresh-token reuse grace window (two tabs refreshing at once both stay logged in). A
-- rotation records on the used token what it issued: the successor's hash and the answer sealed
-- with a key derived from the used token itself (which is never stored, only its hash) and the
-- server's secret, so these columns alone recover no token. `replayed_at` marks the one repeat a
-- used token may answer inside the window; a second repeat, or one after the window, revokes the
-- family as before.
ALTER TABLE refresh_tokens
  ADD COLUMN successor_hash text,
  ADD COLUMN successor_sealed text,
  ADD COLUMN replayed_at timestamptz;
