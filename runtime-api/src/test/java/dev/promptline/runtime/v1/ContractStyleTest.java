package dev.promptline.runtime.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The contract follows the Buf STANDARD style (there is no buf binary here, so this is the floor the style guide
 * asks for): versioned package, Service suffix, Request/Response names, lower_snake_case fields, plural repeated
 * fields, prefixed enum values with an UNSPECIFIED zero, and a comment on every declaration.
 */
class ContractStyleTest {
    private static final FileDescriptor FILE = AgentRuntimeServiceProto.getDescriptor();
    private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

    @Test
    void packageIsVersionedAndJavaFilesAreSeparate() {
        assertThat(FILE.getPackage()).isEqualTo("promptline.runtime.v1");
        assertThat(FILE.getOptions().getJavaMultipleFiles()).isTrue();
        assertThat(FILE.getOptions().getJavaPackage()).isEqualTo("dev.promptline.runtime.v1");
    }

    @Test
    void servicesAndMethodsAreNamedByTheirRole() {
        assertThat(FILE.getServices()).allSatisfy(service -> {
            assertThat(service.getName()).endsWith("Service");
            assertThat(service.getMethods()).allSatisfy(method -> {
                assertThat(method.getInputType().getName()).isEqualTo(method.getName() + "Request");
                assertThat(method.getOutputType().getName()).isEqualTo(method.getName() + "Response");
            });
        });
    }

    @Test
    void fieldsAreSnakeCaseAndRepeatedOnesPlural() {
        assertThat(allMessages())
                .allSatisfy(message -> assertThat(message.getFields()).allSatisfy(field -> {
                    assertThat(field.getName()).as(field.getFullName()).matches(SNAKE);
                    if (field.isRepeated() && !field.isMapField()) {
                        assertThat(field.getName()).as(field.getFullName()).endsWith("s");
                    }
                }));
    }

    @Test
    void enumValuesArePrefixedAndZeroIsUnspecified() {
        for (EnumDescriptor enumType : FILE.getEnumTypes()) {
            String prefix = upperSnake(enumType.getName()) + "_";
            assertThat(enumType.getValues().getFirst().getName()).isEqualTo(prefix + "UNSPECIFIED");
            assertThat(enumType.getValues().getFirst().getNumber()).isZero();
            assertThat(enumType.getValues())
                    .allSatisfy(value -> assertThat(value.getName()).startsWith(prefix));
        }
    }

    @Test
    void timesAreWellKnownTypesNotNumbers() {
        List<FieldDescriptor> timeLike = new ArrayList<>();
        for (Descriptor message : allMessages()) {
            for (FieldDescriptor field : message.getFields()) {
                if (field.getName().endsWith("_at")
                        || field.getName().contains("timeout")
                        || field.getName().startsWith("time_")) {
                    timeLike.add(field);
                }
            }
        }
        assertThat(timeLike)
                .isNotEmpty()
                .allSatisfy(field -> assertThat(field.getMessageType().getFullName())
                        .isIn("google.protobuf.Timestamp", "google.protobuf.Duration"));
    }

    @Test
    void everyDeclarationIsCommented() throws IOException {
        List<String> lines =
                Files.readAllLines(Path.of("src/main/proto/promptline/runtime/v1/agent_runtime_service.proto"));
        Pattern declaration = Pattern.compile(
                "\\s*(message|enum|service|rpc|oneof)\\s.*|\\s*(optional |repeated )?[A-Za-z0-9_.]+ [a-z0-9_]+ = \\d+;.*"
                        + "|\\s*[A-Z0-9_]+ = \\d+;.*");
        List<String> uncommented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!declaration.matcher(line).matches()
                    || line.contains("_UNSPECIFIED = 0")
                    || line.strip().startsWith("oneof")) {
                continue;
            }
            String previous = i == 0 ? "" : lines.get(i - 1).strip();
            if (!previous.startsWith("//") && !line.contains("//")) {
                uncommented.add((i + 1) + ": " + line.strip());
            }
        }
        assertThat(uncommented).isEmpty();
    }

    private static List<Descriptor> allMessages() {
        List<Descriptor> messages = new ArrayList<>();
        for (Descriptor message : FILE.getMessageTypes()) {
            collect(message, messages);
        }
        return messages;
    }

    private static void collect(Descriptor message, List<Descriptor> into) {
        into.add(message);
        message.getNestedTypes().forEach(nested -> collect(nested, into));
    }

    private static String upperSnake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
