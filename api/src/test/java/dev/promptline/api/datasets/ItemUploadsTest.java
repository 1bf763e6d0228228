package dev.promptline.api.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ItemUploadsTest {
    private final ItemUploads uploads = new ItemUploads(JsonMapper.builder().build());

    @Test
    void readsJsonlLineByLineSkippingBlankLinesAndCarriageReturns() {
        List<ItemDraft> items = uploads.jsonl(
                bytes("{\"input\": {\"a\": \"1\"}, \"metadata\": {\"n\": 2, \"ok\": false}}\r\n\r\n{\"input\": {}}"));

        assertThat(items).hasSize(2);
        assertThat(items.getFirst().input()).isEqualTo(Map.of("a", "1"));
        assertThat(items.getFirst().metadata()).containsEntry("n", 2).containsEntry("ok", false);
        assertThat(items.get(1).input()).isEmpty();
        assertThat(items.get(1).expectedOutput()).isNull();
    }

    @Test
    void namesTheLineOfARecordThatSpansLines() {
        String csv = "input.a,expectedOutput\n\"one\ntwo\",x\n\"three\",y,extra\n";

        assertThatThrownBy(() -> uploads.csv(bytes(csv))).isInstanceOfSatisfying(PromptlineException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_UPLOAD);
            assertThat(e.properties()).containsEntry("line", 4);
            assertThat(e.getMessage()).isEqualTo("Line 4: has 3 fields but the header has 2. Nothing was imported.");
        });
    }

    @Test
    void readsCsvCellsAsTextWithEmptyOptionalCellsLeftOut() {
        List<ItemDraft> items = uploads.csv(bytes("metadata.tag,input.a,expectedOutput\n,,\nt,x,y\n"));

        assertThat(items).hasSize(2);
        assertThat(items.getFirst().input()).isEqualTo(Map.of("a", ""));
        assertThat(items.getFirst().metadata()).isEmpty();
        assertThat(items.getFirst().expectedOutput()).isNull();
        assertThat(items.get(1).metadata()).isEqualTo(Map.of("tag", "t"));
        assertThat(items.get(1).expectedOutput()).isEqualTo("y");
    }

    @Test
    void refusesMoreItemsThanTheUploadLimit() {
        String line = "{\"input\": {}}\n";

        assertThatThrownBy(() -> uploads.jsonl(bytes(line.repeat(ItemRules.MAX_ITEMS_PER_UPLOAD + 1))))
                .isInstanceOfSatisfying(
                        PromptlineException.class,
                        e -> assertThat(e.properties()).containsEntry("line", ItemRules.MAX_ITEMS_PER_UPLOAD + 1));
    }

    @Test
    void refusesTextThatIsNotUtf8() {
        assertThatThrownBy(() -> uploads.jsonl(new byte[] {'{', (byte) 0xFF, '}'}))
                .isInstanceOfSatisfying(
                        PromptlineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_UPLOAD));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
