package io.dlf.dsl.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that reads a dataset from {@link TestData#root()}: skipped when the dataset is absent,
 * with one line naming it and {@code DLF_DATA}; failed instead under {@code CI=true}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiredDatasets.class)
public @interface RequiresDataset {
  /** The dataset's folder under the data folder, e.g. {@code frappe}. */
  String value();
}
