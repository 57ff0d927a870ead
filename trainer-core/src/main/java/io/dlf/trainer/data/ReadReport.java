package io.dlf.trainer.data;

import java.util.List;

/**
 * What reading one file found.
 *
 * @param firstProblems up to {@link RowReader#PROBLEMS_KEPT} skipped rows' problems, with file and line
 */
public record ReadReport(String file, long rows, long skipped, List<String> firstProblems) {

  public ReadReport {
    firstProblems = List.copyOf(firstProblems);
  }
}
