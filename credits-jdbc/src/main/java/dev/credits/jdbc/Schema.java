package dev.credits.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a dialect's shipped schema files and turns them into statements with the table prefix substituted.
 * The files keep to a subset any runner can split: {@code --} comment lines, statements ending with {@code ;}.
 * Stateless; thread-safe.
 */
final class Schema {

    /** Flyway's naming: {@code V<version>__<description>.sql}, the description's words joined by {@code _}. */
    private static final Pattern FILE_NAME = Pattern.compile("V([1-9][0-9]{0,8})__([A-Za-z0-9_]+)\\.sql");
    private static final Pattern CREATE_TABLE = Pattern.compile("CREATE TABLE IF NOT EXISTS (\\w+) \\(");
    private static final Set<String> NOT_COLUMNS = Set.of("PRIMARY", "KEY", "UNIQUE", "INDEX", "CONSTRAINT");

    private Schema() {
    }

    /**
     * One version of the schema as shipped in the jar.
     *
     * @param number      the version, from the file name ({@code V2__...} is 2)
     * @param description the file name's description with spaces for underscores
     * @param resource    the class-path resource
     * @param script      the file's text, with the prefix placeholder
     * @param checksum    {@link #checksum(String)} of the script
     */
    record Version(int number, String description, String resource, String script, String checksum) {

        /** @return the file name, e.g. {@code V1__credits_schema.sql} */
        String fileName() {
            return resource.substring(resource.lastIndexOf('/') + 1);
        }

        /** @return the statements of this version for the table prefix */
        List<String> statements(String tablePrefix) {
            return split(script.replace(Dialect.TABLE_PREFIX_PLACEHOLDER, tablePrefix));
        }
    }

    /**
     * Loads the versions named by the resources.
     *
     * @throws IllegalStateException if a resource is missing, is not named {@code V<n>__<description>.sql}, or the
     *                               versions are not in strictly increasing order
     */
    static List<Version> versions(List<String> resources) {
        List<Version> versions = new ArrayList<>();
        for (String resource : resources) {
            String fileName = resource.substring(resource.lastIndexOf('/') + 1);
            Matcher name = FILE_NAME.matcher(fileName);
            if (!name.matches()) {
                throw new IllegalStateException("schema file not named V<version>__<description>.sql: " + resource);
            }
            int number = Integer.parseInt(name.group(1));
            if (!versions.isEmpty() && number <= versions.get(versions.size() - 1).number()) {
                throw new IllegalStateException("schema versions out of order: " + resources);
            }
            String script = read(resource);
            versions.add(new Version(number, name.group(2).replace('_', ' '), resource, script, checksum(script)));
        }
        return List.copyOf(versions);
    }

    /** @return the statements of every schema version of the dialect, in order, for the table prefix */
    static List<String> statements(Dialect dialect, String tablePrefix) {
        List<String> statements = new ArrayList<>();
        for (Version version : versions(dialect.schemaResources())) {
            statements.addAll(version.statements(tablePrefix));
        }
        return statements;
    }

    /**
     * The checksum the version table records for a file: SHA-256, in hex, of its text as shipped (with the prefix
     * placeholder), with line endings and a leading byte-order mark normalized away, so a jar built from a checkout
     * with CRLF line endings agrees with one built on Linux.
     */
    static String checksum(String script) {
        String normalized = script.startsWith("\uFEFF") ? script.substring(1) : script;
        normalized = normalized.replace("\r\n", "\n").replace('\r', '\n');
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(normalized.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The tables the statements create, each with its columns in order (index and key clauses left out): what a
     * database must have for the statements to count as applied.
     */
    static Map<String, List<String>> createdColumns(List<String> statements) {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        for (String statement : statements) {
            Matcher create = CREATE_TABLE.matcher(statement);
            if (!create.lookingAt()) {
                continue;
            }
            List<String> columns = new ArrayList<>();
            for (String definition : topLevelParts(statement, create.end())) {
                String first = definition.split("\\s+", 2)[0];
                if (!first.isEmpty() && !NOT_COLUMNS.contains(first.toUpperCase(Locale.ROOT))) {
                    columns.add(first);
                }
            }
            tables.put(create.group(1), List.copyOf(columns));
        }
        return tables;
    }

    /** The comma-separated parts inside the parentheses that open just before {@code start}. */
    private static List<String> topLevelParts(String statement, int start) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int partStart = start;
        for (int i = start; i < statement.length(); i++) {
            char c = statement.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (c == ')' || (c == ',' && depth == 0)) {
                parts.add(statement.substring(partStart, i).trim());
                partStart = i + 1;
                if (c == ')') {
                    break;
                }
            }
        }
        return parts;
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
