-- The job store and queue that trainer control planes and worker hosts share.

-- One row per job. `job` is the dlf.trainer.v1.Job message (protobuf binary), the record clients
-- see; the other columns are what the queue needs to find, lease and fence jobs.
CREATE TABLE jobs (
  id              text PRIMARY KEY,
  -- Submission order: the queue is first in, first out per device kind.
  seq             bigserial NOT NULL UNIQUE,
  request_id      text UNIQUE,
  state           text NOT NULL,
  device_kind     text NOT NULL,
  created_nanos   bigint NOT NULL,
  job             bytea NOT NULL,
  -- When the job last entered QUEUED (for the queue-wait metric).
  queued_at       timestamptz NOT NULL DEFAULT now(),
  -- The worker host running it, and its lease: every write of a running job names the token it was
  -- leased with, so a host that lost its lease cannot write over the job.
  lease_owner     text,
  lease_token     bigint NOT NULL DEFAULT 0,
  lease_expires   timestamptz,
  -- The newest event of this job in job_events (a watch starts after it).
  last_event_seq  bigint NOT NULL DEFAULT 0
);
CREATE INDEX jobs_queued ON jobs (device_kind, seq) WHERE state = 'QUEUED';
CREATE INDEX jobs_leased ON jobs (lease_expires) WHERE lease_owner IS NOT NULL;
CREATE INDEX jobs_newest_first ON jobs (created_nanos DESC, id DESC);

CREATE SEQUENCE lease_tokens;

-- What WatchJob streams: each job's events (dlf.trainer.v1.JobEvent, protobuf binary) in order.
-- Only a job's latest progress event is kept.
CREATE TABLE job_events (
  seq       bigserial PRIMARY KEY,
  job_id    text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  progress  boolean NOT NULL,
  event     bytea NOT NULL
);
CREATE INDEX job_events_by_job ON job_events (job_id, seq);

-- Worker hosts that are up: their slots, and until when they count as alive.
CREATE TABLE worker_hosts (
  name       text PRIMARY KEY,
  cpu_slots  integer NOT NULL,
  gpu_slots  integer NOT NULL,
  expires    timestamptz NOT NULL
);
