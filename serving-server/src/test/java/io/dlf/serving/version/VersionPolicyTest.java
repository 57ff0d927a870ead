package io.dlf.serving.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Version policies, labels and selectors in their text forms. */
class VersionPolicyTest {
  private static final List<Long> ON_DISK = List.of(1L, 2L, 4L, 7L);

  @Test
  void policiesSelectFromTheCandidates() {
    assertEquals(List.of(7L), VersionPolicy.parse("latest").select(ON_DISK));
    assertEquals(List.of(4L, 7L), VersionPolicy.parse("latest:2").select(ON_DISK));
    assertEquals(ON_DISK, VersionPolicy.parse("latest:9").select(ON_DISK));
    assertEquals(ON_DISK, VersionPolicy.parse("ALL").select(ON_DISK));
    assertEquals(List.of(2L, 7L), VersionPolicy.parse("specific:7, 2,3").select(ON_DISK));
    assertEquals(List.of(), VersionPolicy.parse("latest:3").select(List.of()));
  }

  @Test
  void policiesPrintAsTheyParse() {
    for (String text : List.of("latest:1", "latest:3", "all", "specific:2,3,10")) {
      assertEquals(text, VersionPolicy.parse(text).text());
    }
  }

  @Test
  void badPoliciesSayWhatIsAccepted() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> VersionPolicy.parse("newest"))
        .getMessage().contains("latest, latest:N, all, specific:V1,V2"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> VersionPolicy.parse("latest:0"))
        .getMessage().contains("at least 1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> VersionPolicy.parse("specific:1,x"))
        .getMessage().contains("bad number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> VersionPolicy.parse("specific:0"))
        .getMessage().contains("at least 1"));
  }

  @Test
  void labelsParseAndRejectNamesThatReadAsNumbers() {
    assertEquals(new LabelAssignment("ctr.v2", "stable", 3), LabelAssignment.parse("ctr.v2:stable=3"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelAssignment.parse("ctr:2=3"))
        .getMessage().contains("starting with a letter"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelAssignment.parse("ctr=3"))
        .getMessage().contains("MODEL:LABEL=VERSION"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelAssignment.parse("ctr:stable=x"))
        .getMessage().contains("no version number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelAssignment.parse("ctr:stable=0"))
        .getMessage().contains("at least 1"));
  }

  @Test
  void selectorsReadVersionsAsNumbersAndAnythingElseAsLabels() {
    assertEquals(VersionSelector.latest(), VersionSelector.parse(""));
    assertEquals(VersionSelector.number(12), VersionSelector.parse("12"));
    assertEquals(VersionSelector.label("canary"), VersionSelector.parse("canary"));
    assertEquals(VersionSelector.label("99999999999999999999"), VersionSelector.parse("99999999999999999999"));
    assertEquals("label 'canary'", VersionSelector.parse("canary").describe());
  }
}
