package dev.promptline.api.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of integration tests that run the whole service over real HTTP against its own database on the local
 * PostgreSQL, copied from the migrated template, dropped after the class. The database is created before Spring
 * starts the context and dropped after the context is closed (this extension is registered before Spring's, so its
 * after-all runs later).
 */
@ExtendWith(IsolatedDatabase.Lifecycle.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.server.port=0", "promptline.database.pool.connection-timeout=1s"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class IsolatedDatabase {
    private static volatile String database = "";

    /** The name of this class's database. */
    protected static String database() {
        return database;
    }

    @DynamicPropertySource
    static void databaseProperties(DynamicPropertyRegistry registry) {
        registry.add("promptline.database.url", () -> TestDatabases.url(database));
        registry.add("promptline.database.username", () -> TestDatabases.USER);
        registry.add("promptline.database.password", () -> TestDatabases.PASSWORD);
    }

    /** Marks a test class whose database starts empty instead of migrated. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Empty {}

    static final class Lifecycle implements BeforeAllCallback, AfterAllCallback {
        // @Nested classes run inside their enclosing class's context and database.
        @Override
        public void beforeAll(ExtensionContext context) {
            if (context.getRequiredTestClass().getEnclosingClass() != null) {
                return;
            }
            boolean empty = context.getRequiredTestClass().isAnnotationPresent(Empty.class);
            database = empty ? TestDatabases.createEmpty() : TestDatabases.createMigrated();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            if (context.getRequiredTestClass().getEnclosingClass() != null) {
                return;
            }
            TestDatabases.drop(database);
        }
    }
}
