-- Worker hosts that share the tasks of cluster jobs (--cluster-address): the address their tasks are
-- reached at, and the slots they had free at their last heartbeat (a host that leases a cluster job
-- larger than its own free slots counts on them).
ALTER TABLE worker_hosts ADD COLUMN cluster_address text;
ALTER TABLE worker_hosts ADD COLUMN free_cpu_slots integer NOT NULL DEFAULT 0;
ALTER TABLE worker_hosts ADD COLUMN free_gpu_slots integer NOT NULL DEFAULT 0;

-- The tasks of a cluster job spread over several worker hosts, for the attempt of one lease: which
-- host runs each task ("ps:1", "worker:0") and at what host:port. The host that leased the job (its
-- chief's) writes them, its own with their addresses; other sharing hosts claim the open ones. The
-- rows go when the attempt ends; those of an attempt that ended otherwise are never claimed (the
-- job's lease token moved on) and go at the job's next spread lease.
CREATE TABLE cluster_tasks (
  job_id       text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  lease_token  bigint NOT NULL,
  task         text NOT NULL,
  device_kind  text NOT NULL,
  host         text,
  address      text,
  PRIMARY KEY (job_id, lease_token, task)
);
CREATE INDEX cluster_tasks_open ON cluster_tasks (device_kind) WHERE host IS NULL;
