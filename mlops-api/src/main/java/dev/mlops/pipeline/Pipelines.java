package dev.mlops.pipeline;

/**
 * Reproducible pipelines: runs only the stages whose code, deps or params changed, and keeps {@code
 * dvc.lock}. Get it from {@code Mlops.pipelines()}. Thread-safe.
 */
public interface Pipelines {}
