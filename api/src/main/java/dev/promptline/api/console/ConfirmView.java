package dev.promptline.api.console;

/**
 * The confirmation before a change that cannot be undone (removing a user, revoking a key, removing a cap): what it
 * will do, in words, and the one button that does it.
 */
public record ConfirmView(String title, String consequence, String action, String button, String cancelUrl) {}
