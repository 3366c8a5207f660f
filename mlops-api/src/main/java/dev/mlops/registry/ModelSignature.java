package dev.mlops.registry;

import dev.mlops.InvalidInputException;
import java.util.List;
import java.util.Set;

/**
 * The input and output schema of a model, as MLflow's column-based signature. Immutable and
 * thread-safe.
 *
 * @param inputs the input columns, in order
 * @param outputs the output columns, in order (may be empty)
 */
public record ModelSignature(List<Column> inputs, List<Column> outputs) {
  /** The column types MLflow knows. */
  public static final Set<String> TYPES =
      Set.of("boolean", "integer", "long", "float", "double", "string", "binary", "datetime");

  public ModelSignature {
    if (inputs == null || inputs.isEmpty()) {
      throw new InvalidInputException("signature.inputs", inputs, "at least one input column");
    }
    inputs = List.copyOf(inputs);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
  }

  /** A signature with these inputs and outputs. */
  public static ModelSignature of(List<Column> inputs, List<Column> outputs) {
    return new ModelSignature(inputs, outputs);
  }

  /**
   * One column.
   *
   * @param name the column name
   * @param type one of {@link #TYPES}
   */
  public record Column(String name, String type) {
    public Column {
      if (name == null || name.isBlank() || name.length() > 250) {
        throw new InvalidInputException("column", name, "a column name of 1-250 characters");
      }
      if (type == null || !TYPES.contains(type)) {
        throw new InvalidInputException("type", type, "one of " + TYPES);
      }
    }

    /** A column. */
    public static Column of(String name, String type) {
      return new Column(name, type);
    }
  }
}
