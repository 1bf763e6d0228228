package dev.promptline.bench.embedding;

import dev.langchain4j.data.segment.TextSegment;
import java.util.List;

/** An item's output and expected output, in English prose of a given length. */
final class Texts {
    private static final String OUTPUT = "The customer was charged twice for the same order. We checked the payment"
            + " provider's records and confirmed that the second charge was a duplicate created when the checkout page"
            + " timed out and the customer pressed the button again. A refund for the second payment has been issued"
            + " and should appear on the card statement within five business days. We also added a note to the"
            + " account so that support agents can see the history if the customer writes again. ";
    private static final String EXPECTED = "A duplicate payment was taken because the checkout page timed out and"
            + " the order was submitted twice. The duplicate charge has been refunded; the money returns to the"
            + " customer's card in up to five working days. The account carries a note explaining what happened, so"
            + " anyone answering a later message sees the whole story without asking the customer again. ";

    private Texts() {}

    static List<TextSegment> item(String size) {
        return switch (size) {
            case "sentence" ->
                List.of(
                        TextSegment.from("The duplicate charge on your card has been refunded."),
                        TextSegment.from("We refunded the second payment that was taken by mistake."));
            case "paragraph" -> List.of(TextSegment.from(OUTPUT.strip()), TextSegment.from(EXPECTED.strip()));
            case "page" ->
                List.of(
                        TextSegment.from(OUTPUT.repeat(3).strip()),
                        TextSegment.from(EXPECTED.repeat(3).strip()));
            default -> throw new IllegalArgumentException("size is sentence, paragraph or page: " + size);
        };
    }
}
