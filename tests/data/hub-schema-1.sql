-- A hub database of schema 1 (before the heartbeat's software block was stored), as
-- kiosk/hub/store.py created it, {id_column} spelt as each backend spells an auto-increment.
-- One terminal with one report, and a county user.
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS terminals (
    id TEXT PRIMARY KEY,
    village TEXT NOT NULL,
    token_hash TEXT UNIQUE,
    token_issued_at BIGINT,
    created_at BIGINT NOT NULL,
    last_heartbeat_id BIGINT,
    last_seen BIGINT,
    last_error TEXT,
    last_error_at BIGINT
);
CREATE INDEX IF NOT EXISTS terminals_by_village ON terminals (village);
CREATE TABLE IF NOT EXISTS heartbeats (
    id {id_column},
    terminal_id TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    software_version TEXT NOT NULL,
    uptime_s BIGINT NOT NULL,
    system_uptime_s BIGINT,
    disk_free_bytes BIGINT,
    data_version BIGINT,
    data_generated_at BIGINT,
    data_expires_at BIGINT,
    data_stale INTEGER NOT NULL,
    sync_outcome TEXT,
    sync_message TEXT,
    sync_at BIGINT,
    sync_version BIGINT,
    dropped_periods BIGINT NOT NULL,
    dropped_views BIGINT NOT NULL,
    periods_new INTEGER NOT NULL,
    periods_repeated INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS heartbeats_by_terminal ON heartbeats (terminal_id, received_at);
CREATE INDEX IF NOT EXISTS heartbeats_by_time ON heartbeats (received_at);
CREATE TABLE IF NOT EXISTS periods (
    terminal_id TEXT NOT NULL,
    id TEXT NOT NULL,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (terminal_id, id)
);
CREATE INDEX IF NOT EXISTS periods_by_time ON periods (received_at);
CREATE TABLE IF NOT EXISTS usage (
    terminal_id TEXT NOT NULL,
    day TEXT NOT NULL,
    screen TEXT NOT NULL,
    item TEXT NOT NULL,
    views BIGINT NOT NULL,
    PRIMARY KEY (terminal_id, day, screen, item)
);
CREATE INDEX IF NOT EXISTS usage_by_day ON usage (day);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    township TEXT NOT NULL,
    failures INTEGER NOT NULL,
    locked_until BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('schema', '1');
INSERT INTO terminals (id, village, token_hash, token_issued_at, created_at, last_seen) VALUES ('T-OLD', '431322199206', NULL, 1742200000, 1742200000, 1742286600);
INSERT INTO heartbeats (terminal_id, received_at, sent_at, software_version, uptime_s, system_uptime_s, disk_free_bytes, data_version,
    data_generated_at, data_expires_at, data_stale, sync_outcome, sync_message, sync_at, sync_version, dropped_periods, dropped_views,
    periods_new, periods_repeated)
    VALUES ('T-OLD', 1742286600, 1742286600, '0.0.9', 600, NULL, 10000000000, 3, 1742200200, 1744792200, 0, 'up_to_date', 'up to date v3',
    1742286540, 3, 0, 0, 0, 0);
UPDATE terminals SET last_heartbeat_id = (SELECT MAX(id) FROM heartbeats) WHERE id = 'T-OLD';
INSERT INTO users (name, password_hash, township, failures, locked_until, created_at) VALUES ('old-user', 'x', '', 0, 0, 1742200000);
