package dev.promptline.api.organizations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The key format: {@code pl_<prefix>_<secret>}. The prefix (12 lower-case letters and digits) is stored and finds the
 * row; the secret (32 random bytes, base64url) is stored only as its SHA-256 hash. A key is long and random, so a
 * fast hash is enough: there is nothing to brute-force that a slow hash would protect.
 */
record ApiKeySecret(String prefix, String secret) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern FORMAT = Pattern.compile("pl_([a-z0-9]{12})_([A-Za-z0-9_-]{43})");

    static ApiKeySecret generate() {
        var prefix = new StringBuilder(12);
        for (int i = 0; i < 12; i++) {
            prefix.append(PREFIX_ALPHABET.charAt(RANDOM.nextInt(PREFIX_ALPHABET.length())));
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new ApiKeySecret(
                prefix.toString(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    static Optional<ApiKeySecret> parse(String token) {
        var matcher = FORMAT.matcher(token);
        return matcher.matches() ? Optional.of(new ApiKeySecret(matcher.group(1), matcher.group(2))) : Optional.empty();
    }

    /** What the caller is given, once. */
    String token() {
        return "pl_" + prefix + "_" + secret;
    }

    byte[] hash() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    boolean matches(byte[] storedHash) {
        return MessageDigest.isEqual(hash(), storedHash);
    }

    @Override
    public String toString() {
        return "ApiKeySecret[prefix=" + prefix + ", secret=(hidden)]";
    }
}
