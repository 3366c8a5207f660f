package dev.mlops.pipeline.internal;

import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The output of one stage: every line goes to SLF4J (logger {@code
 * dev.mlops.pipeline.stage.<name>}) and is kept in memory (the last 1 MiB) for {@code
 * PipelineRun.log}. Thread-safe.
 */
final class StageLog {
  private static final int MAX_CHARS = 1 << 20;

  private final String stage;
  private final Logger logger;
  private final StringBuilder text = new StringBuilder();

  StageLog(String pipeline, String stage) {
    this.stage = stage;
    this.logger = org.slf4j.LoggerFactory.getLogger("dev.mlops.pipeline.stage." + stage);
  }

  /** A line of process output. */
  void line(String line) {
    logger.info("[{}] {}", stage, line);
    keep(line);
  }

  synchronized void keep(String line) {
    text.append(line).append('\n');
    if (text.length() > MAX_CHARS) {
      text.delete(0, text.length() - MAX_CHARS);
    }
  }

  synchronized String text() {
    return text.toString();
  }

  /** A logger for Java stages that also keeps what it logs. */
  Logger logger() {
    return new Capturing();
  }

  private final class Capturing extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    Capturing() {
      this.name = logger.getName();
    }

    @Override
    public boolean isTraceEnabled() {
      return true;
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable t) {
      String msg = MessageFormatter.basicArrayFormat(pattern, args);
      if (level.toInt() >= Level.INFO.toInt()) {
        keep(level + " " + msg + (t == null ? "" : " (" + t + ")"));
      }
      switch (level) {
        case ERROR:
          logger.error(msg, t);
          break;
        case WARN:
          logger.warn(msg, t);
          break;
        case INFO:
          logger.info(msg, t);
          break;
        case DEBUG:
          logger.debug(msg, t);
          break;
        default:
          logger.trace(msg, t);
      }
    }
  }
}
