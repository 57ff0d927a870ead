package io.dlf.trainer.server.submit;

import io.dlf.dsl.spec.Feature;
import io.dlf.server.GrpcErrors;
import io.dlf.trainer.data.DataException;
import io.dlf.trainer.data.ParsedRow;
import io.dlf.trainer.data.RowReader;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the first rows of every split before a job is accepted, so a wrong format, schema or file
 * is refused at submission instead of failing the job later.
 */
final class DataPreflight {
  static final int ROWS = 100;

  private DataPreflight() {}

  /** @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT naming the file and line */
  static void check(ResolvedDataset dataset, List<Feature> features) {
    RowReader reader = new RowReader(dataset.schema(), features, dataset.badRows());
    for (Path file : dataset.splits().all()) {
      try {
        reader.read(file, new StopAfter(ROWS));
      } catch (Enough enough) {
        // the first rows parse
      } catch (DataException e) {
        throw GrpcErrors.invalidArgument("dataset", e.getMessage());
      }
    }
  }

  /** A row sink that ends the read after a number of rows. */
  private static final class StopAfter implements Consumer<ParsedRow> {
    private final int limit;
    private int seen;

    StopAfter(int limit) {
      this.limit = limit;
    }

    @Override
    public void accept(ParsedRow row) {
      if (++seen >= limit) {
        throw new Enough();
      }
    }
  }

  /** Thrown through the reader to stop it early: the reader has no row limit of its own. */
  private static final class Enough extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Enough() {
      super(null, null, false, false);
    }
  }
}
