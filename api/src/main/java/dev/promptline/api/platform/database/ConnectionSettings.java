package dev.promptline.api.platform.database;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A JDBC URL and the credentials to use with it. {@link #toString()} never shows the password, so it is safe to log.
 */
record ConnectionSettings(
        String jdbcUrl, @Nullable String username, @Nullable String password) {
    ConnectionSettings {
        requireNonNull(jdbcUrl, "jdbcUrl is null");
    }

    /** From the environment: a URL in either notation, or host, port and name. */
    static ConnectionSettings from(DatabaseProperties properties) {
        if (!DatabaseProperties.isBlank(properties.url())) {
            return fromUrl(requireNonNull(properties.url()), properties.username(), properties.password());
        }
        return new ConnectionSettings(
                "jdbc:postgresql://%s:%d/%s".formatted(properties.host(), properties.port(), properties.name()),
                properties.username(),
                properties.password());
    }

    /**
     * Accepts JDBC URLs as they are, and the {@code postgres://user:password@host:port/name?options} form that hosting
     * platforms hand out; explicit credentials win over ones embedded in the URL.
     */
    static ConnectionSettings fromUrl(String url, @Nullable String username, @Nullable String password) {
        if (url.startsWith("jdbc:")) {
            return new ConnectionSettings(url, username, password);
        }
        URI uri = URI.create(url);
        if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
            throw new IllegalArgumentException(
                    "DATABASE_URL must start with jdbc:postgresql://, postgres:// or postgresql://");
        }
        String user = username;
        String secret = password;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = DatabaseProperties.isBlank(user) ? decode(parts[0]) : user;
            secret = DatabaseProperties.isBlank(secret) && parts.length == 2 ? decode(parts[1]) : secret;
        }
        String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new ConnectionSettings(
                "jdbc:postgresql://" + uri.getHost() + port + uri.getRawPath() + query, user, secret);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ConnectionSettings[jdbcUrl=%s, username=%s, password=%s]"
                .formatted(jdbcUrl, username, password == null ? "(none)" : "(set)");
    }
}
