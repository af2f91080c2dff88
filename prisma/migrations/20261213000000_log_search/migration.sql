-- Log search (searchLogs): every word and quoted phrase of a query is an ILIKE
-- '%term%' on log_lines.text. A trigram GIN index answers those for any substring
-- (OOMKilled inside reason=OOMKilled, code tokens, paths), which full-text search,
-- made of whole dictionary words, cannot; docs/insight.md has the reasoning and the
-- measured cost on ingestion. pg_trgm is a trusted contrib extension (PostgreSQL 13+):
-- the database owner may create it. The timestamp index lets a common word be read
-- newest first instead of collecting every match; which of the two ways is cheaper
-- the planner judges from the column's statistics, so they keep 1,000 sample lines
-- (the default 100 cannot tell a word in 1 line of 500 from one in 1 of 100,000).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "log_lines_text_trgm_idx" ON "log_lines" USING GIN ("text" gin_trgm_ops);

CREATE INDEX "log_lines_timestamp_idx" ON "log_lines" ("timestamp");

ALTER TABLE "log_lines" ALTER COLUMN "text" SET STATISTICS 1000;
