package dev.credits.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every ```java block of the project's READMEs is compiled by the build, with its imports: its code (the lines
 * after its imports) is, verbatim, a tagged region ({@code // tag::name[]} ... {@code // end::name[]}) of a source
 * file the build compiles, and it shows, in the block or in an imports-only block just before it in the same section,
 * the import of every type (and static member) that source file imports and the code names. An imports-only block
 * serves every block after it in its section.
 */
class ReadmeSnippetsTest {

    private static final Path ROOT = Path.of("..");
    private static final List<String> READMES = List.of("README.md", "credits-jdbc/README.md",
            "credits-stripe/README.md");
    private static final List<String> SOURCE_ROOTS = List.of("credits-core/src", "credits-jdbc/src",
            "credits-stripe/src", "examples/src");
    private static final Pattern TAG = Pattern.compile("(?m)^[ \\t]*// tag::([A-Za-z0-9_.-]+)\\[]$");
    private static final Pattern IMPORT = Pattern.compile("import\\s+(static\\s+)?([\\w.]+)(\\.\\*)?;");

    /**
     * A tagged region of a source file, with the imports its code needs: the file's own, and one for each public type
     * of the file's package (main sources) that it names without an import.
     */
    private record Region(Path file, String name, String code, List<String> fileImports) {
    }

    /** A ```java block of a README, with the imports it shows (its own and its imports-only predecessor's). */
    private record Block(String readme, int line, List<String> imports, String code) {
    }

    @Test
    void everyJavaBlockIsATaggedRegionOfCompiledSourceWithItsImports() {
        List<Region> regions = regions();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (String readme : READMES) {
            for (Block block : blocks(readme)) {
                if (block.code().isBlank()) {
                    continue;   // an imports-only block: checked with the block it precedes
                }
                checked++;
                List<Region> matches = regions.stream().filter(region -> region.code().equals(block.code())).toList();
                if (matches.isEmpty()) {
                    problems.add(block.readme() + ":" + block.line() + ": no tagged region of compiled source is "
                            + "this code verbatim:\n" + block.code());
                    continue;
                }
                Region region = matches.get(0);
                Set<String> missing = new LinkedHashSet<>();
                for (String needed : importsUsed(region)) {
                    if (!block.imports().contains(needed)) {
                        missing.add(needed);
                    }
                }
                if (!missing.isEmpty()) {
                    problems.add(block.readme() + ":" + block.line() + " (" + region.file().getFileName() + " tag "
                            + region.name() + "): the block does not show " + missing);
                }
            }
        }
        assertTrue(checked >= 20, "found only " + checked + " java blocks: is the README parsed?");
        assertEquals(List.of(), problems, String.join("\n\n", problems));
    }

    /** @return the imports of the region's file whose simple name (or static member) the region's code uses */
    private static List<String> importsUsed(Region region) {
        Set<String> words = new LinkedHashSet<>();
        Matcher word = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*").matcher(stripCommentsAndStrings(region.code()));
        while (word.find()) {
            words.add(word.group());
        }
        List<String> used = new ArrayList<>();
        for (String line : region.fileImports()) {
            Matcher m = IMPORT.matcher(line);
            if (!m.matches() || m.group(3) != null) {
                continue;
            }
            String name = m.group(2);
            String simple = name.substring(name.lastIndexOf('.') + 1);
            if (words.contains(simple)) {
                used.add(line);
            }
        }
        return used;
    }

    private static String stripCommentsAndStrings(String code) {
        return code.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"").replaceAll("//[^\n]*", "");
    }

    private static List<Block> blocks(String readme) {
        List<String> lines;
        try {
            lines = Files.readAllLines(ROOT.resolve(readme));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        List<String> pendingImports = List.of();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#")) {
                pendingImports = List.of();   // imports shown in another section do not count
            }
            if (!line.equals("```java")) {
                continue;
            }
            int start = i + 1;
            int end = start;
            while (!lines.get(end).equals("```")) {
                end++;
            }
            List<String> body = lines.subList(start, end);
            List<String> imports = new ArrayList<>();
            int codeStart = 0;
            while (codeStart < body.size() && (body.get(codeStart).startsWith("import ")
                    || body.get(codeStart).isBlank())) {
                if (!body.get(codeStart).isBlank()) {
                    imports.add(body.get(codeStart).strip());
                }
                codeStart++;
            }
            String code = String.join("\n", body.subList(codeStart, body.size()));
            if (code.isBlank()) {
                pendingImports = imports;
            } else {
                List<String> shown = new ArrayList<>(imports);
                shown.addAll(pendingImports);
                blocks.add(new Block(readme, start, shown, code));
            }
            i = end;
        }
        return blocks;
    }

    private static List<Region> regions() {
        List<Region> regions = new ArrayList<>();
        for (String root : SOURCE_ROOTS) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(root))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file);
                    if (!text.contains("// tag::")) {
                        continue;
                    }
                    List<String> fileImports = new ArrayList<>(text.lines().map(String::strip)
                            .filter(l -> l.startsWith("import ")).toList());
                    fileImports.addAll(samePackageImports(text));
                    Map<String, String> tagged = tagged(text);
                    tagged.forEach((name, code) -> regions.add(new Region(file, name, code, fileImports)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return regions;
    }

    /**
     * @return an import line for every type of the file's package in main sources: a README block shown outside that
     * package needs them as much as the file's own imports
     */
    private static List<String> samePackageImports(String text) {
        Matcher declared = Pattern.compile("(?m)^package\\s+([\\w.]+);").matcher(text);
        if (!declared.find()) {
            return List.of();
        }
        String packageName = declared.group(1);
        List<String> imports = new ArrayList<>();
        for (String root : SOURCE_ROOTS) {
            Path directory = ROOT.resolve(root).resolve("main/java").resolve(packageName.replace('.', '/'));
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try (Stream<Path> files = Files.list(directory)) {
                files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".java") && !n.equals(
                        "package-info.java")).sorted().forEach(n -> imports.add("import " + packageName + "."
                        + n.substring(0, n.length() - ".java".length()) + ";"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return imports;
    }

    /** @return each tag's region, dedented, without the tag lines of regions nested in it */
    private static Map<String, String> tagged(String text) {
        Map<String, String> regions = new LinkedHashMap<>();
        Matcher tag = TAG.matcher(text);
        while (tag.find()) {
            String name = tag.group(1);
            int from = text.indexOf('\n', tag.end()) + 1;
            Matcher end = Pattern.compile("(?m)^[ \\t]*// end::" + Pattern.quote(name) + "\\[]$").matcher(text);
            int endTag = end.find(from) ? end.start() : -1;
            if (endTag < 0) {
                throw new IllegalStateException("tag " + name + " has no end");
            }
            int to = Math.max(from - 1, endTag - 1);
            String region = to < from ? "" : text.substring(from, to);
            regions.put(name, dedent(region.lines().filter(l -> !l.strip().startsWith("// tag::")
                    && !l.strip().startsWith("// end::")).collect(Collectors.joining("\n"))));
        }
        return regions;
    }

    private static String dedent(String block) {
        List<String> lines = block.lines().collect(Collectors.toList());
        int indent = lines.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return lines.stream().map(line -> line.isBlank() ? "" : line.substring(indent))
                .collect(Collectors.joining("\n"));
    }
}
