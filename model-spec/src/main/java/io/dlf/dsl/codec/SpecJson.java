package io.dlf.dsl.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.SpecException;
import io.dlf.dsl.spec.Violation;
import java.util.List;

/**
 * The JSON form of a model spec: the proto3 JSON mapping of {@code dlf.spec.v1.ModelSpec} with
 * snake_case field names. Readers accept snake_case or lowerCamelCase and reject unknown fields.
 */
public final class SpecJson {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private SpecJson() {}

  public static String toJson(ModelSpec spec) {
    try {
      return PRINTER.print(SpecProtos.toProto(spec));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a valid spec always prints", e);
    }
  }

  /** Parses and validates; malformed JSON and broken rules both throw {@link SpecException}. */
  public static ModelSpec fromJson(String json) {
    return SpecProtos.fromProto(parse(json));
  }

  /** Parses JSON into the proto form without validating the model rules. */
  public static io.dlf.proto.spec.v1.ModelSpec parse(String json) {
    io.dlf.proto.spec.v1.ModelSpec.Builder builder = io.dlf.proto.spec.v1.ModelSpec.newBuilder();
    try {
      PARSER.merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new SpecException("", List.of(new Violation("json", "not a dlf.spec.v1.ModelSpec: " + e.getMessage())));
    }
    return builder.build();
  }
}
