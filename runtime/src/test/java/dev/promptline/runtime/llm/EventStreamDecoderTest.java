package dev.promptline.runtime.llm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.http.client.sse.DefaultServerSentEventParser;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamDecoderTest {
    private static final String OPENAI = """
            data: {"id":"chatcmpl-1","choices":[{"delta":{"content":"Hello"}}]}

            data: {"id":"chatcmpl-1","choices":[{"delta":{"content":" wörld ✓"}}]}

            data: [DONE]

            """;

    private static final String ANTHROPIC = """
            event: message_start
            data: {"type":"message_start"}

            event:  content_block_delta \r
            data: {"type":"content_block_delta",\r
            data:"delta":{"text":"Hi"}}\r
            \r
            : a comment
            id: 7
            retry: 1000
            event: message_stop
            data: {"type":"message_stop"}

            """;

    @Test
    void decodesAnOpenAiStreamAsLangChain4jDoes() {
        assertThat(decode(OPENAI)).isEqualTo(langChain4j(OPENAI)).hasSize(3);
    }

    @Test
    void decodesNamedMultiLineEventsCommentsAndCrLfAsLangChain4jDoes() {
        List<ServerSentEvent> events = decode(ANTHROPIC);

        assertThat(events).isEqualTo(langChain4j(ANTHROPIC));
        assertThat(events.get(1).event()).isEqualTo("content_block_delta");
        assertThat(events.get(1).data()).isEqualTo("{\"type\":\"content_block_delta\",\n\"delta\":{\"text\":\"Hi\"}}");
    }

    @Test
    void aLoneCarriageReturnEndsALine() {
        String stream = "data: one\r\rdata: two\r\r";

        assertThat(decode(stream)).isEqualTo(langChain4j(stream)).hasSize(2);
    }

    @Test
    void dispatchesDataLeftAtTheEndOfTheStream() {
        String stream = "data: complete\n\ndata: cut short";

        assertThat(decode(stream))
                .isEqualTo(langChain4j(stream))
                .extracting(ServerSentEvent::data)
                .containsExactly("complete", "cut short");
    }

    @Test
    void givesTheSameEventsWhereverTheChunksSplitTheBytes() {
        for (String stream : List.of(OPENAI, ANTHROPIC)) {
            byte[] bytes = stream.getBytes(UTF_8);
            List<ServerSentEvent> whole = langChain4j(stream);
            for (int split = 0; split <= bytes.length; split++) {
                List<ServerSentEvent> events = new ArrayList<>();
                var decoder = new EventStreamDecoder(events::add);
                decoder.feed(ByteBuffer.wrap(bytes, 0, split));
                decoder.feed(ByteBuffer.wrap(bytes, split, bytes.length - split));
                decoder.finish();
                assertThat(events).as("split at byte %d", split).isEqualTo(whole);
            }
        }
    }

    @Test
    void dispatchesEachEventAsSoonAsItsBlankLineArrives() {
        List<ServerSentEvent> events = new ArrayList<>();
        var decoder = new EventStreamDecoder(events::add);

        decoder.feed(ByteBuffer.wrap("data: first\n".getBytes(UTF_8)));
        assertThat(events).isEmpty();
        decoder.feed(ByteBuffer.wrap("\ndata: sec".getBytes(UTF_8)));
        assertThat(events).extracting(ServerSentEvent::data).containsExactly("first");
    }

    @Test
    void growsForLongLines() {
        String stream = "data: " + "x".repeat(10_000) + "\n\n";

        assertThat(decode(stream)).isEqualTo(langChain4j(stream));
    }

    private static List<ServerSentEvent> decode(String stream) {
        List<ServerSentEvent> events = new ArrayList<>();
        var decoder = new EventStreamDecoder(events::add);
        for (byte b : stream.getBytes(UTF_8)) {
            decoder.feed(ByteBuffer.wrap(new byte[] {b}));
        }
        decoder.finish();
        return events;
    }

    private static List<ServerSentEvent> langChain4j(String stream) {
        List<ServerSentEvent> events = new ArrayList<>();
        new DefaultServerSentEventParser()
                .parse(new ByteArrayInputStream(stream.getBytes(UTF_8)), new ServerSentEventListener() {
                    @Override
                    public void onEvent(ServerSentEvent event, ServerSentEventContext context) {
                        events.add(event);
                    }

                    @Override
                    public void onError(Throwable error) {
                        throw new AssertionError(error);
                    }
                });
        return events;
    }
}
