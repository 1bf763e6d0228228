package dev.promptline.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists exactly the environment variables the service reads: those named in application.yaml
 * and any read directly in code; and, in its own section, those that only the runtime sidecar reads. A new variable
 * without documentation fails here, and so does a stale entry.
 */
class ConfigurationDocumentationTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::[^}]*)?}");
    private static final Pattern GETENV = Pattern.compile("System\\.getenv\\(\"([A-Z][A-Z0-9_]*)\"\\)");
    private static final Pattern DOCUMENTED = Pattern.compile("^\\| `([A-Z][A-Z0-9_]*)` \\|", Pattern.MULTILINE);
    // How the runtime module reads its environment: System.getenv("X"), environment.get("X"), parse(environment, "X").
    private static final Pattern RUNTIME_READS =
            Pattern.compile("(?:getenv\\(|environment\\.get\\(|\\(environment,\\s*)\"([A-Z][A-Z0-9_]*)\"");
    private static final Pattern LOGBACK_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):-");

    @Test
    void everyVariableTheServiceReadsIsDocumentedAndNothingElse() throws IOException {
        Set<String> read = new TreeSet<>();
        read.addAll(matches(
                PLACEHOLDER, withoutComments(Files.readString(MODULE.resolve("src/main/resources/application.yaml")))));
        try (Stream<Path> sources = Files.walk(MODULE.resolve("src/main/java"))) {
            for (Path source :
                    sources.filter(path -> path.toString().endsWith(".java")).toList()) {
                read.addAll(matches(GETENV, Files.readString(source)));
            }
        }
        Set<String> documented = matches(DOCUMENTED, documentationSection("## Service"));

        assertThat(read).as("variables read by the service").isNotEmpty();
        assertThat(documented).as("variables in docs/configuration.md").isEqualTo(read);
    }

    /**
     * The sidecar reads its environment in the runtime's code and in its Logback setup. Variables the service reads
     * too are documented with the service; the section "Runtime sidecar" lists exactly the others.
     */
    @Test
    void everyVariableOnlyTheSidecarReadsIsDocumentedInItsSection() throws IOException {
        Path runtime = MODULE.resolveSibling("runtime").resolve("src/main");
        Set<String> read = new TreeSet<>();
        try (Stream<Path> files = Files.walk(runtime)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file);
                if (file.toString().endsWith(".java")) {
                    read.addAll(matches(RUNTIME_READS, text));
                } else if (file.toString().endsWith(".xml")) {
                    read.addAll(matches(LOGBACK_VARIABLE, text));
                }
            }
        }
        Set<String> documentedWithTheService = matches(DOCUMENTED, documentationSection("## Service"));
        Set<String> sidecarOnly = new TreeSet<>(read);
        sidecarOnly.removeAll(documentedWithTheService);

        assertThat(read).as("variables read by the sidecar").contains("RUNTIME_PORT", "MODEL_ALLOWED_HOSTS");
        assertThat(matches(DOCUMENTED, documentationSection("## Runtime sidecar")))
                .as("variables in docs/configuration.md's Runtime sidecar section")
                .isEqualTo(sidecarOnly);
    }

    private static String documentationSection(String heading) throws IOException {
        String doc = Files.readString(MODULE.resolveSibling("docs").resolve("configuration.md"));
        int start = doc.indexOf(heading);
        assertThat(start)
                .as("docs/configuration.md has a '%s' section", heading)
                .isNotNegative();
        int end = doc.indexOf("\n## ", start + heading.length());
        return end < 0 ? doc.substring(start) : doc.substring(start, end);
    }

    private static String withoutComments(String yaml) {
        return yaml.lines().filter(line -> !line.strip().startsWith("#")).collect(Collectors.joining("\n"));
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
