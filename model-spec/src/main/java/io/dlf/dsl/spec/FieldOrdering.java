package io.dlf.dsl.spec;

/**
 * How MGDIN orders the fields before chunking them into groups (dlf-model-reference §13.3 step 1).
 * Either way a group's information is the mean of its fields' (see {@link #INFORMATION}), which the
 * {@link MaskSchedule#GROUP} schedule ranks groups by.
 */
public enum FieldOrdering {
  /** The backbone's input order, as the public re-implementation groups ([HINT]). */
  NATIVE,
  /**
   * Most informative first, so each group is density-homogeneous ([RECON]). A field's information is
   * the log of its vocabulary size from the training split (log |V| bounds its entropy, and both the
   * trainer and an exported model know it); a numeric field has none (0). Ties keep the input order.
   */
  INFORMATION
}
