package io.dlf.dsl.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that reads a dataset from {@link TestData#root()}: skipped when the dataset is absent,
 * with one line naming it and {@code DLF_DATA}; failed instead under {@code CI=true}. Such a class is
 * tagged {@code e2e}: the fast lane ({@code mvn -Pfast test}) leaves it out.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("e2e")
@ExtendWith(RequiredDatasets.class)
public @interface RequiresDataset {
  /** The dataset's folder under the data folder, e.g. {@code frappe}. */
  String value();
}
