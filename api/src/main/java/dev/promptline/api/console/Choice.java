package dev.promptline.api.console;

/** One option of a form's list: the value posted and the words shown. */
public record Choice(String value, String label) {}
