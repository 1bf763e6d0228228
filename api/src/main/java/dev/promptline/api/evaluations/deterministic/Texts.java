package dev.promptline.api.evaluations.deterministic;

/** Short quotes of texts for reasoning lines, which must stay readable however long the output. */
final class Texts {
    private static final int QUOTE_LENGTH = 80;

    static String quote(String text) {
        String shown = text.length() <= QUOTE_LENGTH ? text : text.substring(0, QUOTE_LENGTH) + "…";
        return "'" + shown + "'";
    }

    /** The index of the first character where the two texts differ, or the shorter length. */
    static int firstDifference(String a, String b) {
        int length = Math.min(a.length(), b.length());
        for (int i = 0; i < length; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return i;
            }
        }
        return length;
    }

    private Texts() {}
}
