package io.dlf.server;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.rpc.ErrorDetailsProto;
import com.google.rpc.StatusProto;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.util.List;

/**
 * What a DLF server registers for server reflection: {@code grpc.reflection.v1}, {@code grpc.reflection.v1alpha},
 * and the {@code google.rpc} error-detail protos.
 */
final class ServerReflection {
  /** Lists as a service with no methods; it only carries the error-detail files into reflection. */
  static final String ERROR_DETAILS_SERVICE = "dlf.server.ErrorDetails";

  private ServerReflection() {}

  static List<ServerServiceDefinition> services() {
    return List.of(ProtoReflectionServiceV1.newInstance().bindService(), v1alpha(), errorDetails());
  }

  // grpc-java deprecates v1alpha in favour of v1, but ghz speaks only v1alpha.
  @SuppressWarnings("deprecation")
  private static ServerServiceDefinition v1alpha() {
    return ProtoReflectionService.newInstance().bindService();
  }

  /**
   * grpc-java's reflection serves only the files reachable from registered services, and no DLF service's proto
   * imports google/rpc/error_details.proto: {@link GrpcErrors} attaches {@code google.rpc.BadRequest} to a status at
   * run time. A file importing error_details.proto and status.proto, behind a service with no methods, makes
   * grpcurl print the field violations of an error instead of "google.rpc.BadRequest is not recognized".
   */
  private static ServerServiceDefinition errorDetails() {
    FileDescriptor[] imports = {ErrorDetailsProto.getDescriptor(), StatusProto.getDescriptor()};
    FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder()
        .setName("dlf/server/error_details.proto")
        .setPackage("dlf.server")
        .setSyntax("proto3")
        .addService(ServiceDescriptorProto.newBuilder().setName("ErrorDetails"));
    for (FileDescriptor imported : imports) {
      file.addDependency(imported.getName());
    }
    FileDescriptor descriptor;
    try {
      descriptor = FileDescriptor.buildFrom(file.build(), imports);
    } catch (DescriptorValidationException e) {
      throw new IllegalStateException("the error-details reflection file does not validate", e);
    }
    return ServerServiceDefinition.builder(ServiceDescriptor.newBuilder(ERROR_DETAILS_SERVICE)
        .setSchemaDescriptor((ProtoFileDescriptorSupplier) () -> descriptor)
        .build()).build();
  }
}
