package io.dlf.trainer.data;

/** Whether a delimited file starts with a header line. */
public enum HeaderMode {
  NONE,
  PRESENT,
  /** Skip the first line only if it lists the schema's column names (Avazu: only train.csv has one). */
  DETECT
}
