-- Alert retention deletes alerts by creation time; without this index every run would scan the whole table.
CREATE INDEX alerts_by_age ON alerts (created_at);
