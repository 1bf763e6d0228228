package dev.promptline.api.console;

/** A refusal or failure, in words: the title of its error and the detail a problem would carry. */
public record ErrorView(int status, String title, String detail) {}
