package dev.promptline.api.datasets;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an uploaded file of items, all of it or nothing: the first bad line is a 400 ({@link ErrorCode#INVALID_UPLOAD})
 * whose detail and {@code line} and {@code field} members name it, and no item of the file is kept.
 *
 * <ul>
 *   <li>JSONL ({@code application/x-ndjson}): one item object per line, {@code {"input": {...}, "expectedOutput":
 *       "...", "metadata": {...}}}; blank lines are skipped.
 *   <li>CSV ({@code text/csv}, RFC 4180): a header row naming the columns {@code input.<variable>},
 *       {@code expectedOutput} and {@code metadata.<key>}; then one item per record. An empty {@code expectedOutput}
 *       or metadata cell means none; an empty input cell is empty text.
 * </ul>
 *
 * Lines are counted from 1 as a text editor counts them; a CSV record with a quoted line break is named by the line it
 * starts on.
 */
final class ItemUploads {
    static final String JSONL = "application/x-ndjson";
    static final String CSV = "text/csv";

    private static final Set<String> ITEM_FIELDS = Set.of("input", "expectedOutput", "metadata");

    private final JsonMapper json;

    ItemUploads(JsonMapper json) {
        this.json = json;
    }

    List<ItemDraft> jsonl(byte[] body) {
        String text = utf8(body);
        List<ItemDraft> items = new ArrayList<>();
        int line = 0;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            line++;
            String content = text.substring(start, end);
            start = end + 1;
            if (content.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readerFor(JsonNode.class)
                        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .readValue(content);
            } catch (JacksonException e) {
                throw bad(line, null, "is not valid JSON (" + e.getOriginalMessage() + ")");
            }
            items.add(limit(item(node, line), items.size(), line));
        }
        return items;
    }

    List<ItemDraft> csv(byte[] body) {
        String text = utf8(body);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // the byte order mark spreadsheet programs write
        }
        CSVFormat format = CSVFormat.RFC4180.builder().get();
        List<ItemDraft> items = new ArrayList<>();
        try (CSVParser parser = CSVParser.builder()
                .setReader(new StringReader(text))
                .setFormat(format)
                .get()) {
            List<Column> columns = null;
            var lines = new LineCounter(text);
            int linesRead = 0;
            try {
                for (CSVRecord record : parser) {
                    int line = lines.lineAt(record.getCharacterPosition());
                    linesRead = (int) parser.getCurrentLineNumber();
                    if (columns == null) {
                        columns = header(record);
                        continue;
                    }
                    if (record.size() == 1 && record.get(0).isEmpty()) {
                        continue; // a blank line
                    }
                    if (record.size() != columns.size()) {
                        throw bad(
                                line,
                                null,
                                "has %d fields but the header has %d".formatted(record.size(), columns.size()));
                    }
                    items.add(limit(row(columns, record, line), items.size(), line));
                }
            } catch (UncheckedIOException e) {
                // The record that does not parse starts on the line after the last one that did.
                throw bad(
                        linesRead + 1, null, "is not valid CSV (" + e.getCause().getMessage() + ")");
            }
            if (columns == null) {
                throw bad(1, null, "must be a header row naming the columns");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        return items;
    }

    private record Column(String kind, String name) {}

    private static List<Column> header(CSVRecord record) {
        List<Column> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String title : record) {
            if (!seen.add(title)) {
                throw bad(1, title, "is a column named twice");
            }
            if (title.equals("expectedOutput")) {
                columns.add(new Column("expectedOutput", ""));
            } else if (title.startsWith("input.")) {
                columns.add(new Column("input", title.substring("input.".length())));
            } else if (title.startsWith("metadata.")) {
                columns.add(new Column("metadata", title.substring("metadata.".length())));
            } else {
                throw bad(1, title, "is not a column: use input.<variable>, expectedOutput or metadata.<key>");
            }
        }
        return columns;
    }

    private static ItemDraft row(List<Column> columns, CSVRecord record, int line) {
        Map<String, String> input = new LinkedHashMap<>();
        Map<String, Object> metadata = new LinkedHashMap<>();
        String expected = null;
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            String value = record.get(i);
            switch (column.kind()) {
                case "input" -> input.put(column.name(), value);
                case "metadata" -> {
                    if (!value.isEmpty()) {
                        metadata.put(column.name(), value);
                    }
                }
                default -> expected = value.isEmpty() ? null : value;
            }
        }
        return checked(new ItemDraft(input, expected, metadata, null), line);
    }

    private ItemDraft item(JsonNode node, int line) {
        if (!node.isObject()) {
            throw bad(line, null, "must be a JSON object with input, expectedOutput and metadata");
        }
        for (String field : node.propertyNames()) {
            if (!ITEM_FIELDS.contains(field)) {
                throw bad(line, field, "is not a field of an item (input, expectedOutput, metadata)");
            }
        }
        JsonNode inputNode = node.get("input");
        if (inputNode == null || !inputNode.isObject()) {
            throw bad(line, "input", "must be an object of variable name to text");
        }
        Map<String, String> input = new LinkedHashMap<>();
        for (var variable : inputNode.properties()) {
            if (!variable.getValue().isString()) {
                throw bad(line, "input." + variable.getKey(), "must be text");
            }
            input.put(variable.getKey(), variable.getValue().asString());
        }
        JsonNode expectedNode = node.get("expectedOutput");
        if (expectedNode != null && !expectedNode.isNull() && !expectedNode.isString()) {
            throw bad(line, "expectedOutput", "must be text");
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        JsonNode metadataNode = node.get("metadata");
        if (metadataNode != null && !metadataNode.isNull()) {
            if (!metadataNode.isObject()) {
                throw bad(line, "metadata", "must be an object");
            }
            for (var entry : metadataNode.properties()) {
                JsonNode value = entry.getValue();
                Object scalar = value.isString()
                        ? value.asString()
                        : value.isNumber() ? value.numberValue() : value.isBoolean() ? value.asBoolean() : null;
                if (scalar == null) {
                    throw bad(line, "metadata." + entry.getKey(), "must be text, a number or a boolean");
                }
                metadata.put(entry.getKey(), scalar);
            }
        }
        String expected = expectedNode == null || expectedNode.isNull() ? null : expectedNode.asString();
        return checked(new ItemDraft(input, expected, metadata, null), line);
    }

    private static ItemDraft checked(ItemDraft item, int line) {
        ItemRules.Violation violation = ItemRules.check(item);
        if (violation != null) {
            throw bad(line, violation.dotted(), violation.detail());
        }
        return item;
    }

    private static ItemDraft limit(ItemDraft item, int before, int line) {
        if (before >= ItemRules.MAX_ITEMS_PER_UPLOAD) {
            throw bad(line, null, "is past the limit of %d items per upload".formatted(ItemRules.MAX_ITEMS_PER_UPLOAD));
        }
        return item;
    }

    /** Line numbers of ascending character positions, in one pass over the text. */
    private static final class LineCounter {
        private final String text;
        private int position;
        private int line = 1;

        LineCounter(String text) {
            this.text = text;
        }

        int lineAt(long characterPosition) {
            while (position < characterPosition && position < text.length()) {
                if (text.charAt(position) == '\n') {
                    line++;
                }
                position++;
            }
            return line;
        }
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new PromptlineException(
                    ErrorCode.INVALID_UPLOAD, "The upload is not UTF-8 text; nothing was imported.");
        }
    }

    private static PromptlineException bad(int line, @Nullable String field, String detail) {
        String where = field == null ? "Line %d".formatted(line) : "Line %d, %s".formatted(line, field);
        var problem = new PromptlineException(
                        ErrorCode.INVALID_UPLOAD, "%s: %s. Nothing was imported.".formatted(where, detail))
                .with("line", line);
        return field == null ? problem : problem.with("field", field);
    }
}
