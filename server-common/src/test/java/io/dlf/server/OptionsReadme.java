package io.dlf.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command's options against a README's option table (the one whose header starts
 * {@code | option | default |}), so that an option added without its docs fails a test. A row
 * documents an option when its first cell names it ({@code `--port`}, all of
 * an option's names may be listed, {@code `--[no-]batching`} for a negatable one); its second
 * cell holds the default {@code --help} shows, in backticks. Help and version options need no row.
 */
public final class OptionsReadme {
  private static final Pattern NAME = Pattern.compile("`(-[^`\\s]*)`");

  private OptionsReadme() {}

  /** What is wrong, one line each: options without a row, rows of no option, defaults that differ. */
  public static List<String> problems(CommandSpec command, Path readme) throws IOException {
    List<Row> rows = table(Files.readAllLines(readme)).stream().map(Row::of).toList();
    List<String> problems = new ArrayList<>();
    if (rows.isEmpty()) {
      problems.add(readme + ": no option table (a header row | option | default | ... and a row per option)");
    }
    Set<Row> documenting = new HashSet<>();
    for (OptionSpec option : command.options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      List<Row> found = rows.stream().filter(row -> row.names().contains(option.longestName())
          && List.of(option.names()).containsAll(row.names())).toList();
      if (found.size() != 1) {
        problems.add(readme + ": " + found.size() + " rows for " + option.longestName() + ", expected 1");
        continue;
      }
      documenting.add(found.get(0));
      String defaultValue = defaultValue(command, option);
      if (defaultValue != null && !found.get(0).defaultCell().contains("`" + defaultValue + "`")) {
        problems.add(readme + ": the row of " + option.longestName() + " gives the default '"
            + found.get(0).defaultCell() + "', --help says `" + defaultValue + "`");
      }
    }
    rows.stream().filter(row -> !documenting.contains(row))
        .forEach(row -> problems.add(readme + ": the row of " + row.names() + " names no option of " + command.name()));
    return problems;
  }

  /** The rows of the table whose header starts {@code | option | default |}. */
  private static List<String> table(List<String> lines) {
    int header = 0;
    while (header < lines.size() && !lines.get(header).replace(" ", "").startsWith("|option|default|")) {
      header++;
    }
    List<String> rows = new ArrayList<>();
    for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      rows.add(lines.get(i));
    }
    return rows;
  }

  /** What --help shows as the default: the command's default provider first, then the annotation. */
  private static String defaultValue(CommandSpec command, OptionSpec option) {
    IDefaultValueProvider provider = command.defaultValueProvider();
    try {
      String provided = provider == null ? null : provider.defaultValue(option);
      return provided != null ? provided : option.defaultValue();
    } catch (Exception e) {
      throw new IllegalStateException("the default of " + option.longestName() + ": " + e.getMessage(), e);
    }
  }

  /** A table row: the option names of its first cell ({@code [no-]} dropped), and its second cell. */
  private record Row(List<String> names, String defaultCell) {
    static Row of(String line) {
      String[] cells = line.split("(?<!\\\\)\\|");
      List<String> names = new ArrayList<>();
      Matcher m = NAME.matcher(cells[1]);
      while (m.find()) {
        names.add(m.group(1).replace("[no-]", ""));
      }
      return new Row(List.copyOf(names), cells.length > 2 ? cells[2].trim() : "");
    }
  }
}
