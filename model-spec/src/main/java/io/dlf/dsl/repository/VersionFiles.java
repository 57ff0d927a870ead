package io.dlf.dsl.repository;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files of an exported version folder and their JSON (proto3 mapping) form. */
public final class VersionFiles {
  public static final String SAVED_MODEL = "saved_model";
  public static final String SPEC = "spec.json";
  public static final String VOCABULARIES = "vocabularies.json";
  public static final String METRICS = "metrics.json";
  public static final String MANIFEST = "manifest.json";
  public static final int MANIFEST_FORMAT = 1;

  private VersionFiles() {}

  public static void writeJson(Path file, Message message) throws IOException {
    Files.writeString(file, toJson(message), StandardCharsets.UTF_8);
  }

  /** The file's content for {@code message}: its JSON and a newline. */
  public static String toJson(Message message) throws InvalidProtocolBufferException {
    return JsonFormat.printer().preservingProtoFieldNames().print(message) + "\n";
  }

  public static <B extends Message.Builder> B readJson(Path file, B builder) throws IOException {
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(Files.readString(file, StandardCharsets.UTF_8), builder);
      return builder;
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(file + " is not valid: " + e.getMessage(), e);
    }
  }
}
