package dev.promptline.api.platform.database;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** The database the service talks to: a server named by the environment, or the embedded one it owns and stops. */
final class DatabaseServer implements AutoCloseable {
    private final ConnectionSettings settings;
    private final @Nullable EmbeddedDatabase embedded;

    private DatabaseServer(ConnectionSettings settings, @Nullable EmbeddedDatabase embedded) {
        this.settings = settings;
        this.embedded = embedded;
    }

    static DatabaseServer connect(DatabaseProperties properties) {
        if (properties.isEmbedded()) {
            EmbeddedDatabase embedded = EmbeddedDatabase.start(properties.embedded(), properties.name());
            return new DatabaseServer(embedded.settings(), embedded);
        }
        return new DatabaseServer(ConnectionSettings.from(properties), null);
    }

    ConnectionSettings settings() {
        return settings;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }
}
