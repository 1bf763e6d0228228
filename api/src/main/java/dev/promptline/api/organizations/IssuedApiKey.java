package dev.promptline.api.organizations;

import static java.util.Objects.requireNonNull;

/** A newly created key and its secret token, which exists only in this object and the response that carries it. */
public record IssuedApiKey(ApiKey key, String token) {
    public IssuedApiKey {
        requireNonNull(key, "key is null");
        requireNonNull(token, "token is null");
    }

    @Override
    public String toString() {
        return "IssuedApiKey[key=" + key + ", token=(hidden)]";
    }
}
