-- The principal that submitted each job (Job.submitted_by; empty where the trainer authenticates
-- nobody), so that ListJobs shows a principal its own jobs without reading every row.
ALTER TABLE jobs ADD COLUMN submitted_by text NOT NULL DEFAULT '';
CREATE INDEX jobs_by_submitter ON jobs (submitted_by, created_nanos DESC, id DESC);
