package io.dlf.dsl.cluster;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.tensorflow.DeviceSpec;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * The tasks of one job on TensorFlow's distributed runtime: the {@code host:port} of each parameter
 * server ({@code /job:ps/task:i}) and of each worker ({@code /job:worker/task:k}), in task order.
 */
public record ClusterLayout(List<String> parameterServers, List<String> workers) {
  public static final String PS = "ps";
  public static final String WORKER = "worker";

  public ClusterLayout {
    parameterServers = List.copyOf(parameterServers);
    workers = List.copyOf(workers);
    if (parameterServers.isEmpty() || workers.isEmpty()) {
      throw new IllegalArgumentException("a cluster needs at least one parameter server and one worker, got "
          + parameterServers.size() + " and " + workers.size());
    }
    for (String address : concat(parameterServers, workers)) {
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || !address.substring(colon + 1).matches("[0-9]{1,5}")) {
        throw new IllegalArgumentException("a task address is host:port, got '" + address + "'");
      }
    }
  }

  /** Comma-separated {@code host:port} lists, as a task process takes them on its command line. */
  public static ClusterLayout parse(String parameterServers, String workers) {
    return new ClusterLayout(split(parameterServers), split(workers));
  }

  private static List<String> split(String addresses) {
    return Arrays.stream(addresses.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }

  public ClusterDef clusterDef() {
    return ClusterDef.newBuilder().addJob(job(PS, parameterServers)).addJob(job(WORKER, workers)).build();
  }

  private static JobDef job(String name, List<String> addresses) {
    JobDef.Builder job = JobDef.newBuilder().setName(name);
    for (int i = 0; i < addresses.size(); i++) {
      job.putTasks(i, addresses.get(i));
    }
    return job.build();
  }

  /** What the server of task {@code task} of job {@code job} ({@link #PS} or {@link #WORKER}) is started with. */
  public ServerDef serverDef(String job, int task) {
    address(job, task);
    return ServerDef.newBuilder().setCluster(clusterDef()).setJobName(job).setTaskIndex(task).setProtocol("grpc")
        .build();
  }

  /** The {@code host:port} of task {@code task} of job {@code job}. */
  public String address(String job, int task) {
    List<String> tasks = switch (job) {
      case PS -> parameterServers;
      case WORKER -> workers;
      default -> throw new IllegalArgumentException("a job is " + PS + " or " + WORKER + ", got '" + job + "'");
    };
    if (task < 0 || task >= tasks.size()) {
      throw new IllegalArgumentException("job " + job + " has tasks 0 to " + (tasks.size() - 1) + ", got " + task);
    }
    return tasks.get(task);
  }

  /** The session target of worker {@code task}: its server is the master of the steps it runs. */
  public String target(int task) {
    return "grpc://" + workers.get(task);
  }

  /** The CPU of parameter server {@code task}. */
  public DeviceSpec parameterServer(int task) {
    return cpu(PS, task);
  }

  /** The CPU of worker {@code task}. */
  public DeviceSpec worker(int task) {
    return cpu(WORKER, task);
  }

  private static DeviceSpec cpu(String job, int task) {
    return DeviceSpec.newBuilder().job(job).task(task).deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(0).build();
  }
}
