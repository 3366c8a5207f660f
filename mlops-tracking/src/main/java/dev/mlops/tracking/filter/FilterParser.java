package dev.mlops.tracking.filter;

import dev.mlops.tracking.InvalidFilterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses MLflow's run filter grammar and order clauses into an AST. Stateless and thread-safe.
 *
 * <pre>
 * filter  := clause { AND clause }
 * clause  := ident op value
 * ident   := [type "."] key       type: metrics|params|tags|attributes|datasets and aliases
 * key     := bare | "quoted" | `backticked`
 * value   := number | 'string' | "string" | ( 'a', 'b', ... )
 * </pre>
 */
public final class FilterParser {
  /** Attribute keys and their canonical names. */
  private static final Map<String, String> ATTRIBUTES =
      Map.of(
          "run_id", "run_id",
          "run_name", "run_name",
          "run name", "run_name",
          "status", "status",
          "user_id", "user_id",
          "artifact_uri", "artifact_uri",
          "start_time", "start_time",
          "created", "start_time",
          "end_time", "end_time");

  /** Attributes compared as integers (epoch ms). */
  public static final Set<String> NUMERIC_ATTRIBUTES = Set.of("start_time", "end_time");

  /**
   * MLflow's dataset keys. mlops-java records no dataset context ({@code mlflow.data.context}), so
   * a clause on {@code datasets.context} parses but matches no run, as a clause on a missing key.
   */
  private static final Set<String> DATASET_KEYS = Set.of("name", "digest", "context");

  private final String field;
  private final String text;
  private final List<Token> tokens;
  private int index;

  private FilterParser(String field, String text) {
    this.field = field;
    this.text = text;
    this.tokens = new Lexer(field, text).tokens();
  }

  /** Parses a filter; blank text is the empty filter. */
  public static Filter parseFilter(String filter) {
    if (filter == null || filter.isBlank()) {
      return new Filter(List.of());
    }
    return new FilterParser("filter", filter).filter();
  }

  /** Parses order clauses such as {@code metrics.accuracy DESC}. */
  public static List<OrderKey> parseOrderBy(List<String> clauses) {
    List<OrderKey> keys = new ArrayList<>();
    for (String clause : clauses) {
      if (clause == null || clause.isBlank()) {
        throw new InvalidFilterException(
            "orderBy", clause, 0, "an order clause like 'metrics.x DESC'");
      }
      OrderKey key = new FilterParser("orderBy", clause).orderKey();
      for (OrderKey earlier : keys) {
        if (earlier.identifier().equals(key.identifier())) {
          // as MLflow's SQL store ("order_by contains duplicate fields")
          throw new InvalidFilterException(
              "orderBy",
              clause,
              0,
              "each field at most once, but "
                  + key.identifier()
                  + " is already in the order "
                  + clauses);
        }
      }
      keys.add(key);
    }
    return List.copyOf(keys);
  }

  private Filter filter() {
    List<Comparison> clauses = new ArrayList<>();
    clauses.add(clause());
    while (peek().kind != Kind.EOF) {
      Token t = next();
      if (!t.isWord("AND")) {
        if (t.isWord("OR")) {
          throw error(t, "AND (MLflow's grammar has no OR)");
        }
        throw error(t, "AND or the end of the filter");
      }
      clauses.add(clause());
    }
    return new Filter(clauses);
  }

  private OrderKey orderKey() {
    Identifier id = identifier();
    boolean ascending = true;
    Token t = next();
    if (t.isWord("ASC")) {
      t = next();
    } else if (t.isWord("DESC")) {
      ascending = false;
      t = next();
    }
    if (t.kind != Kind.EOF) {
      throw error(t, "ASC, DESC or the end of the order clause");
    }
    if (id.type() == EntityType.DATASET) {
      throw new InvalidFilterException(field, text, 0, "metrics., params., tags. or attributes.");
    }
    return new OrderKey(id, ascending);
  }

  private Comparison clause() {
    Identifier id = identifier();
    Token opToken = peek();
    Operator op = operator();
    Token valueToken = peek();
    Value value = op.isList() ? list() : scalar();
    check(id, op, value, opToken, valueToken);
    return new Comparison(id, op, value);
  }

  private void check(Identifier id, Operator op, Value value, Token opToken, Token valueToken) {
    switch (id.type()) {
      case METRIC:
        if (!op.isComparison()) {
          throw error(opToken, "a comparison operator (=, !=, >, >=, <, <=) for a metric");
        }
        if (!(value instanceof Value.Numeric)) {
          throw error(valueToken, "a number to compare metric '" + id.key() + "' with");
        }
        return;
      case PARAM:
      case TAG:
        if (op != Operator.EQ && op != Operator.NE && op != Operator.LIKE && op != Operator.ILIKE) {
          throw error(opToken, "=, !=, LIKE or ILIKE for " + id.type().prefix());
        }
        if (!(value instanceof Value.Text)) {
          throw error(valueToken, "a quoted string to compare " + id + " with");
        }
        return;
      case DATASET:
        if (op.isComparison() && op != Operator.EQ && op != Operator.NE) {
          throw error(opToken, "=, !=, LIKE, ILIKE, IN or NOT IN for datasets");
        }
        if (value instanceof Value.Numeric) {
          throw error(valueToken, "a quoted string to compare " + id + " with");
        }
        return;
      case ATTRIBUTE:
      default:
        if (NUMERIC_ATTRIBUTES.contains(id.key())) {
          if (!op.isComparison()) {
            throw error(opToken, "a comparison operator (=, !=, >, >=, <, <=) for " + id);
          }
          if (!(value instanceof Value.Numeric) || !isInteger(((Value.Numeric) value).text())) {
            throw error(valueToken, "an integer (epoch milliseconds) to compare " + id + " with");
          }
          return;
        }
        if (op.isList() && !id.key().equals("run_id")) {
          throw error(opToken, "=, !=, LIKE or ILIKE for " + id + " (IN is for run_id only)");
        }
        if (op.isComparison() && op != Operator.EQ && op != Operator.NE) {
          throw error(opToken, "=, !=, LIKE or ILIKE for " + id);
        }
        if (value instanceof Value.Numeric) {
          throw error(valueToken, "a quoted string to compare " + id + " with");
        }
    }
  }

  private static boolean isInteger(String s) {
    return s.matches("[+-]?\\d{1,18}");
  }

  private Identifier identifier() {
    Token t = next();
    String typeText;
    String key;
    Token keyToken;
    if (t.kind == Kind.WORD) {
      int dot = t.text.indexOf('.');
      if (dot < 0) {
        return attribute(t, t.text);
      }
      typeText = t.text.substring(0, dot);
      key = t.text.substring(dot + 1);
      keyToken = t;
      if (key.isEmpty()) {
        keyToken = next();
        if (keyToken.kind != Kind.QUOTED && keyToken.kind != Kind.BACKTICK) {
          throw error(keyToken, "a key after '" + t.text + "'");
        }
        key = keyToken.text;
      }
    } else if (t.kind == Kind.BACKTICK && peek().kind == Kind.WORD && peek().text.startsWith(".")) {
      typeText = t.text;
      Token rest = next();
      key = rest.text.substring(1);
      keyToken = rest;
      if (key.isEmpty()) {
        keyToken = next();
        if (keyToken.kind != Kind.QUOTED && keyToken.kind != Kind.BACKTICK) {
          throw error(keyToken, "a key after '" + t.text + ".'");
        }
        key = keyToken.text;
      }
    } else if (t.kind == Kind.BACKTICK || t.kind == Kind.QUOTED) {
      return attribute(t, t.text);
    } else {
      throw error(
          t, "an identifier such as metrics.<key>, params.<key>, tags.<key> or attributes.<name>");
    }
    EntityType type =
        EntityType.fromPrefix(typeText)
            .orElseThrow(
                () -> error(t, "a type metrics., params., tags., attributes. or datasets."));
    if (key.isEmpty()) {
      throw error(keyToken, "a non-empty key");
    }
    if (type == EntityType.ATTRIBUTE) {
      return attribute(keyToken, key);
    }
    if (type == EntityType.DATASET && !DATASET_KEYS.contains(key)) {
      throw error(keyToken, "datasets.name, datasets.digest or datasets.context");
    }
    return new Identifier(type, key);
  }

  private Identifier attribute(Token at, String name) {
    String canonical = ATTRIBUTES.get(name.toLowerCase(Locale.ROOT));
    if (canonical == null) {
      throw error(
          at,
          "an attribute (run_id, run_name, status, user_id, artifact_uri, start_time, end_time)"
              + " or a prefixed key (metrics., params., tags.)");
    }
    return new Identifier(EntityType.ATTRIBUTE, canonical);
  }

  private Operator operator() {
    Token t = next();
    if (t.kind == Kind.SYMBOL) {
      switch (t.text) {
        case "=":
        case "==":
          return Operator.EQ;
        case "!=":
        case "<>":
          return Operator.NE;
        case ">":
          return Operator.GT;
        case ">=":
          return Operator.GE;
        case "<":
          return Operator.LT;
        case "<=":
          return Operator.LE;
        default:
          break;
      }
    } else if (t.isWord("LIKE")) {
      return Operator.LIKE;
    } else if (t.isWord("ILIKE")) {
      return Operator.ILIKE;
    } else if (t.isWord("IN")) {
      return Operator.IN;
    } else if (t.isWord("NOT")) {
      Token in = next();
      if (!in.isWord("IN")) {
        throw error(in, "IN after NOT");
      }
      return Operator.NOT_IN;
    }
    throw error(t, "an operator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN)");
  }

  private Value scalar() {
    Token t = next();
    if (t.kind == Kind.NUMBER) {
      return new Value.Numeric(t.text);
    }
    if (t.kind == Kind.QUOTED) {
      return new Value.Text(t.text);
    }
    throw error(t, "a number or a quoted string");
  }

  private Value list() {
    Token open = next();
    if (open.kind != Kind.SYMBOL || !open.text.equals("(")) {
      throw error(open, "a parenthesised list of quoted strings, e.g. ('a', 'b')");
    }
    List<String> values = new ArrayList<>();
    while (true) {
      Token v = next();
      if (!values.isEmpty() && v.kind == Kind.SYMBOL && v.text.equals(")")) {
        // a trailing comma, as MLflow (which reads the list as a Python tuple) allows
        return new Value.TextList(values);
      }
      if (v.kind != Kind.QUOTED) {
        throw error(v, "a quoted string in the list");
      }
      values.add(v.text);
      Token sep = next();
      if (sep.kind == Kind.SYMBOL && sep.text.equals(")")) {
        return new Value.TextList(values);
      }
      if (sep.kind != Kind.SYMBOL || !sep.text.equals(",")) {
        throw error(sep, "',' or ')' in the list");
      }
    }
  }

  private Token peek() {
    return tokens.get(index);
  }

  private Token next() {
    Token t = tokens.get(index);
    if (index < tokens.size() - 1) {
      index++;
    }
    return t;
  }

  private InvalidFilterException error(Token at, String expected) {
    String found = at.kind == Kind.EOF ? "the end" : "'" + at.source(text) + "'";
    return new InvalidFilterException(field, text, at.start, expected + ", found " + found);
  }

  enum Kind {
    WORD,
    NUMBER,
    QUOTED,
    BACKTICK,
    SYMBOL,
    EOF
  }

  static final class Token {
    final Kind kind;
    final String text;
    final int start;
    final int end;

    Token(Kind kind, String text, int start, int end) {
      this.kind = kind;
      this.text = text;
      this.start = start;
      this.end = end;
    }

    boolean isWord(String keyword) {
      return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    String source(String all) {
      return all.substring(start, Math.min(all.length(), Math.max(end, start + 1)));
    }
  }

  private static final class Lexer {
    private final String field;
    private final String s;
    private int pos;

    Lexer(String field, String s) {
      this.field = field;
      this.s = s;
    }

    List<Token> tokens() {
      List<Token> out = new ArrayList<>();
      while (true) {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
          pos++;
        }
        if (pos >= s.length()) {
          out.add(new Token(Kind.EOF, "", s.length(), s.length()));
          return out;
        }
        out.add(token());
      }
    }

    private Token token() {
      int start = pos;
      char c = s.charAt(pos);
      if (c == '\'' || c == '"' || c == '`') {
        return quoted(c);
      }
      if (Character.isDigit(c)
          || ((c == '-' || c == '+' || c == '.')
              && pos + 1 < s.length()
              && (Character.isDigit(s.charAt(pos + 1))
                  || (s.charAt(pos + 1) == '.'
                      && pos + 2 < s.length()
                      && Character.isDigit(s.charAt(pos + 2)))))) {
        if (c != '.' || start == 0 || !isWordChar(s.charAt(start - 1))) {
          return number();
        }
      }
      if (isWordChar(c) || c == '.') {
        while (pos < s.length() && (isWordChar(s.charAt(pos)) || s.charAt(pos) == '.')) {
          pos++;
        }
        return new Token(Kind.WORD, s.substring(start, pos), start, pos);
      }
      for (String sym : new String[] {">=", "<=", "!=", "<>", "==", "=", ">", "<", "(", ")", ","}) {
        if (s.startsWith(sym, pos)) {
          pos += sym.length();
          return new Token(Kind.SYMBOL, sym, start, pos);
        }
      }
      throw new InvalidFilterException(field, s, start, "a valid character, found '" + c + "'");
    }

    private Token number() {
      int start = pos;
      if (s.charAt(pos) == '-' || s.charAt(pos) == '+') {
        pos++;
      }
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      if (pos < s.length() && s.charAt(pos) == '.') {
        pos++;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        int mark = pos;
        pos++;
        if (pos < s.length() && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) {
          pos++;
        }
        int digits = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
        if (pos == digits) {
          pos = mark;
        }
      }
      if (pos < s.length() && isWordChar(s.charAt(pos))) {
        throw new InvalidFilterException(
            field, s, start, "a number, found '" + s.substring(start, pos + 1) + "'");
      }
      return new Token(Kind.NUMBER, s.substring(start, pos), start, pos);
    }

    private Token quoted(char quote) {
      int start = pos;
      pos++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw new InvalidFilterException(
              field, s, start, "a closing " + quote + " for the text that starts here");
        }
        char c = s.charAt(pos);
        if (c == quote) {
          if (pos + 1 < s.length() && s.charAt(pos + 1) == quote) {
            sb.append(quote);
            pos += 2;
            continue;
          }
          pos++;
          break;
        }
        sb.append(c);
        pos++;
      }
      Kind kind = quote == '`' ? Kind.BACKTICK : Kind.QUOTED;
      return new Token(kind, sb.toString(), start, pos);
    }

    private static boolean isWordChar(char c) {
      return Character.isLetterOrDigit(c) || c == '_';
    }
  }
}
