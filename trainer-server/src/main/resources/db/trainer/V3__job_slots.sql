-- How many job slots of one device a job takes while it runs: one per task of a cluster job
-- (training.cluster: workers + parameter servers, all on the host that leases it), else one.
-- A worker host leases a job only when that many slots of the device are free.
ALTER TABLE jobs ADD COLUMN slots integer NOT NULL DEFAULT 1 CHECK (slots >= 1);
