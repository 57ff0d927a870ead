package io.dlf.dsl.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs a {@link RequiresDataset} class only where its dataset is under {@link TestData#root()}. A
 * class it disables counts each of its tests as skipped (a {@code @BeforeAll} assumption would hide
 * them from Surefire's counts).
 */
final class RequiredDatasets implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return AnnotationSupport.findAnnotation(context.getElement(), RequiresDataset.class)
        .map(required -> evaluate(required.value()))
        .orElse(ConditionEvaluationResult.enabled("needs no dataset"));
  }

  private static ConditionEvaluationResult evaluate(String dataset) {
    Path root = TestData.root();
    if (Files.isDirectory(root.resolve(dataset))) {
      return ConditionEvaluationResult.enabled("dataset '" + dataset + "' is under " + root);
    }
    String absent = "dataset '" + dataset + "' is not under " + root + " (set DLF_DATA to the folder holding "
        + dataset + "/)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true, so the data should be there: " + absent);
    }
    // Surefire counts the skipped tests but does not print why.
    System.out.println("skipped: " + absent);
    return ConditionEvaluationResult.disabled("skipped: " + absent);
  }
}
