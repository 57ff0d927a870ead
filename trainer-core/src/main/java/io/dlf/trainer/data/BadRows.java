package io.dlf.trainer.data;

/** What to do with a row that does not parse. */
public enum BadRows {
  /** Stop at the first bad row with an error naming file and line. */
  FAIL,
  /** Skip it, count it and keep the first few problems for the report. */
  SKIP
}
