-- Hash banks (digital fingerprints of violent extremist content): one row per bank and organisation, holding
-- the bank's CSV as uploaded (replaced whole, atomically, on each upload).
CREATE TABLE hash_banks (
    org_id      INTEGER NOT NULL REFERENCES organisations(id),
    bank        TEXT NOT NULL,
    entries     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT NOT NULL,
    PRIMARY KEY (org_id, bank)
);
