package io.dlf.trainer.server;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code all}, {@code control-plane} or {@code worker-host}: a {@link TrainerRole} as the command line writes it. */
final class RoleConverter implements ITypeConverter<TrainerRole> {

  @Override
  public TrainerRole convert(String value) {
    for (TrainerRole role : TrainerRole.values()) {
      if (name(role).equals(value)) {
        return role;
      }
    }
    throw new TypeConversionException("'" + value + "' is not a role: all, control-plane or worker-host");
  }

  static String name(TrainerRole role) {
    return role.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
