package io.dlf.trainer.server;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A memory size on the command line, in bytes: {@code 6442450944}, {@code 512m}, {@code 6g}, {@code 6GiB} (binary units). */
final class MemorySizeConverter implements ITypeConverter<Long> {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})([kmgt]?)(i?b)?");

  @Override
  public Long convert(String value) {
    Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches() || (m.group(2).isEmpty() && m.group(3) != null && m.group(3).startsWith("i"))) {
      throw new TypeConversionException("'" + value + "' is not a memory size such as 6g, 512m or 6442450944");
    }
    int shift = switch (m.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    try {
      long number = Long.parseLong(m.group(1));
      if (number == 0 || Long.numberOfLeadingZeros(number) <= shift) {
        throw new TypeConversionException("'" + value + "' must be above 0 and below 2^63 bytes");
      }
      return number << shift;
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' must be below 2^63 bytes");
    }
  }
}
