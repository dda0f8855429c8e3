package dev.credits.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a dialect's shipped schema files and turns them into statements with the table prefix substituted.
 * The files keep to a subset any runner can split: {@code --} comment lines, statements ending with {@code ;}.
 * Stateless; thread-safe.
 */
final class Schema {

    private Schema() {
    }

    /** @return the statements of every schema version of the dialect, in order, for the table prefix */
    static List<String> statements(Dialect dialect, String tablePrefix) {
        List<String> statements = new ArrayList<>();
        for (String resource : dialect.schemaResources()) {
            statements.addAll(split(read(resource).replace(Dialect.TABLE_PREFIX_PLACEHOLDER, tablePrefix)));
        }
        return statements;
    }

    static String read(String resource) {
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing from the class path: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    static List<String> split(String script) {
        StringBuilder withoutComments = new StringBuilder(script.length());
        for (String line : script.split("\r?\n")) {
            if (!line.trim().startsWith("--")) {
                withoutComments.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : withoutComments.toString().split(";")) {
            String trimmed = statement.trim();
            if (!trimmed.isEmpty()) {
                statements.add(trimmed);
            }
        }
        return statements;
    }
}
