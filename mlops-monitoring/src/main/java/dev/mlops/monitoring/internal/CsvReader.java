package dev.mlops.monitoring.internal;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.mlops.InvalidInputException;
import dev.mlops.StoreException;
import dev.mlops.monitoring.ColumnMapping;
import dev.mlops.monitoring.Table;
import dev.mlops.monitoring.TableCsvReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads CSV with jackson-dataformat-csv (registered for {@link Table#readCsv}). A header row is
 * required; an empty field is missing; a short row is padded with missing values; a longer row is
 * an error. Columns are typed: numeric when every non-empty field is a number (nan/inf included),
 * boolean when every one is true/false (any case), datetime when every one is ISO-8601, else
 * categorical. Thread-safe.
 */
public final class CsvReader implements TableCsvReader {
  private static final CsvMapper MAPPER = new CsvMapper();

  @Override
  public Table read(Path file, ColumnMapping mapping) {
    List<String[]> rows = new ArrayList<>();
    String[] header;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      BufferedReader br = (BufferedReader) reader;
      br.mark(1);
      if (br.read() != '\uFEFF') {
        br.reset();
      }
      try (MappingIterator<String[]> it =
          MAPPER
              .readerFor(String[].class)
              .with(CsvParser.Feature.WRAP_AS_ARRAY)
              .with(CsvParser.Feature.SKIP_EMPTY_LINES)
              .readValues(br)) {
        if (!it.hasNextValue()) {
          throw new InvalidInputException(
              "csv", file.toString(), "a CSV file with a header row (the file is empty)");
        }
        header = it.nextValue();
        checkHeader(file, header);
        while (it.hasNextValue()) {
          String[] row = it.nextValue();
          if (row.length > header.length) {
            throw new InvalidInputException(
                "csv line " + it.getCurrentLocation().getLineNr(),
                String.join(",", row),
                "at most " + header.length + " fields, like the header");
          }
          rows.add(row);
        }
      }
    } catch (NoSuchFileException e) {
      throw new StoreException("no such file: " + file, e);
    } catch (RuntimeJsonMappingException e) {
      throw new InvalidInputException("csv", file.toString(), "valid CSV: " + e.getMessage(), e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvalidInputException(
          "csv", file.toString(), "valid CSV: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Table.Builder b = Table.builder();
    int n = rows.size();
    for (int c = 0; c < header.length; c++) {
      String[] values = new String[n];
      for (int r = 0; r < n; r++) {
        String[] row = rows.get(r);
        String v = c < row.length ? row[c] : null;
        values[r] = v == null || v.isEmpty() ? null : v;
      }
      addColumn(b, header[c], values, mapping);
    }
    if (header.length > 0 && n == 0) {
      return b.build();
    }
    return b.build().withMapping(mapping);
  }

  private static void checkHeader(Path file, String[] header) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < header.length; i++) {
      String h = header[i];
      if (h == null || h.isEmpty()) {
        throw new InvalidInputException(
            "csv header",
            String.join(",", header),
            "a name for every column (column "
                + (i + 1)
                + " of "
                + file.getFileName()
                + " is empty)");
      }
      if (!seen.add(h)) {
        throw new InvalidInputException("csv header", h, "unique column names");
      }
    }
  }

  private static void addColumn(Table.Builder b, String name, String[] v, ColumnMapping mapping) {
    boolean forceCategorical = mapping.categorical().contains(name);
    if (!forceCategorical) {
      double[] nums = new double[v.length];
      boolean allNumbers = true;
      for (int i = 0; i < v.length && allNumbers; i++) {
        if (v[i] == null) {
          nums[i] = Double.NaN;
        } else {
          Double d = Table.parseNumber(v[i]);
          if (d == null) {
            allNumbers = false;
          } else {
            nums[i] = d;
          }
        }
      }
      if (allNumbers) {
        b.numeric(name, nums);
        return;
      }
      if (!mapping.numeric().contains(name)) {
        if (all(v, CsvReader::isBoolean)) {
          List<Boolean> bools = new ArrayList<>(v.length);
          for (String s : v) {
            bools.add(s == null ? null : Boolean.valueOf(s.trim().toLowerCase(Locale.ROOT)));
          }
          b.bool(name, bools);
          return;
        }
        List<Instant> times = new ArrayList<>(v.length);
        boolean allTimes = true;
        for (int i = 0; i < v.length && allTimes; i++) {
          Instant t = v[i] == null ? null : parseInstant(v[i]);
          if (v[i] != null && t == null) {
            allTimes = false;
          }
          times.add(t);
        }
        if (allTimes) {
          b.datetime(name, times);
          return;
        }
      }
    }
    b.categorical(name, java.util.Arrays.asList(v));
  }

  private static boolean all(String[] v, java.util.function.Predicate<String> p) {
    for (String s : v) {
      if (s != null && !p.test(s)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBoolean(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    return t.equals("true") || t.equals("false");
  }

  private static Instant parseInstant(String s) {
    String t = s.trim();
    if (t.length() < 10 || !Character.isDigit(t.charAt(0))) {
      return null;
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return LocalDate.parse(t).atStartOfDay().toInstant(java.time.ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
