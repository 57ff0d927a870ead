package io.dlf.serving.version;

/** Where a version is in its life on the server. */
public enum VersionState {
  /** Being loaded and warmed up; not answering yet. */
  LOADING,
  /** Answering requests. */
  AVAILABLE,
  /** No longer wanted: finishing its last requests before its session is closed. */
  UNLOADING,
  /** Could not be loaded; never answers and never replaces a serving version. */
  FAILED
}
