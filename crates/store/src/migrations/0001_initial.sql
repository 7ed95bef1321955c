-- Interdict store schema, version 1. Times are milliseconds since the Unix epoch (UTC).
CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations(id),
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE api_keys (
    key_id      TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    secret_hash TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

-- One row per imported version of a list; `active` marks the version in force (at most one per list).
CREATE TABLE list_versions (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations(id),
    list         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    format       TEXT NOT NULL,
    entity_count INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    active       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, list, version)
);
CREATE UNIQUE INDEX list_versions_one_active ON list_versions (org_id, list) WHERE active = 1;

CREATE TABLE list_entities (
    version_id  INTEGER NOT NULL REFERENCES list_versions(id),
    entity_id   TEXT NOT NULL,
    digest      TEXT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (version_id, entity_id)
) WITHOUT ROWID;

CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations(id),
    created_at   INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    query_id     TEXT NOT NULL,
    query        TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    caption      TEXT NOT NULL,
    score        REAL NOT NULL,
    explanation  TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open',
    case_id      INTEGER
);
CREATE INDEX alerts_by_org ON alerts (org_id, status, id);

CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    alert_id    INTEGER NOT NULL REFERENCES alerts(id),
    org_id      INTEGER NOT NULL REFERENCES organisations(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    decision    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    decided_at  INTEGER NOT NULL
);
CREATE INDEX decisions_by_alert ON decisions (alert_id, id);

CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations(id),
    title       TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open',
    created_at  INTEGER NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users(id)
);

-- Passenger data (PNR, API). `personal` holds the personal fields until masking moves them to `sealed`.
CREATE TABLE passenger_records (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations(id),
    kind        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    flight      TEXT NOT NULL,
    personal    TEXT,
    sealed      TEXT,
    masked_at   INTEGER,
    other       TEXT NOT NULL
);
CREATE INDEX passenger_records_age ON passenger_records (kind, received_at);

CREATE TABLE repersonalisation_requests (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations(id),
    record_id    INTEGER NOT NULL REFERENCES passenger_records(id),
    requested_by INTEGER NOT NULL REFERENCES users(id),
    reason       TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    approved_by  INTEGER REFERENCES users(id),
    approved_at  INTEGER
);

-- Append-only, hash-chained audit log. `audit_head` holds the last sequence number and hash so that deleting
-- the newest records is detected too.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    org_id      INTEGER,
    actor       TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    returned    TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_by_org ON audit_log (org_id, seq);

CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);
