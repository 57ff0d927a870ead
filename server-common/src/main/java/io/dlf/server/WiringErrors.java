package io.dlf.server;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import java.util.Collection;
import java.util.stream.Collectors;

/** A server whose wiring failed (a bad option value, an unreadable file), said in one line a person can act on. */
public final class WiringErrors {
  private WiringErrors() {}

  /** The distinct causes of Guice's messages, joined with "; ". */
  public static String describe(Collection<Message> messages) {
    return messages.stream()
        .map(m -> m.getCause() != null ? m.getCause().getMessage() : m.getMessage())
        .distinct()
        .collect(Collectors.joining("; "));
  }

  /** {@link #describe} of a failed injector creation or provision, as an IllegalStateException keeping the cause. */
  public static IllegalStateException of(RuntimeException guice) {
    if (guice instanceof CreationException e) {
      return new IllegalStateException(describe(e.getErrorMessages()), e);
    }
    if (guice instanceof ProvisionException e) {
      return new IllegalStateException(describe(e.getErrorMessages()), e);
    }
    return new IllegalStateException(guice.getMessage(), guice);
  }
}
