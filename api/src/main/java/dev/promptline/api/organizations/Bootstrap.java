package dev.promptline.api.organizations;

import dev.promptline.api.ApiApplication;
import dev.promptline.api.platform.database.DatabaseProperties;
import dev.promptline.api.platform.database.SchemaMigrated;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * First start on an empty database: creates the {@code default} organization, its owner and one API key, so the
 * service can be used at all. The key is printed once; in the embedded mode it is also written to a file only the
 * user can read. Replicas starting together serialise on a database lock, so exactly one of them does it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
// Not in the migrate command: its log (and the key printed once) belongs to a short-lived deploy job.
@Profile("!" + ApiApplication.MIGRATE)
class Bootstrap implements ApplicationRunner {
    static final String KEY_FILE = "bootstrap-api-key";
    private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);

    private final OrganizationRepository organizations;
    private final UserRepository users;
    private final ApiKeyService keys;
    private final TransactionTemplate transactions;
    private final DatabaseProperties database;

    Bootstrap(
            OrganizationRepository organizations,
            UserRepository users,
            ApiKeyService keys,
            TransactionTemplate transactions,
            DatabaseProperties database) {
        this.organizations = organizations;
        this.users = users;
        this.keys = keys;
        this.transactions = transactions;
        this.database = database;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        boolean schemaReady;
        try {
            schemaReady = organizations.schemaReady();
        } catch (DataAccessException e) {
            log.info("The database does not answer yet; the first organization is created once it is migrated");
            return;
        }
        if (!schemaReady) {
            // Migrations are left to a deploy job (DATABASE_MIGRATE_ON_START=false) and have not run yet.
            log.info("Schema not migrated yet; the first organization is created once this process has migrated it, "
                    + "or at the next start");
            return;
        }
        createFirstOrganization();
    }

    /** The database was down at start-up and has now been migrated. */
    @EventListener(SchemaMigrated.class)
    void onSchemaMigrated() throws IOException {
        createFirstOrganization();
    }

    private void createFirstOrganization() throws IOException {
        Optional<IssuedApiKey> issued = Optional.ofNullable(transactions.execute(status -> {
            organizations.lockBootstrap();
            if (organizations.anyExists()) {
                return null;
            }
            OrganizationId organization = organizations.insert("Default", "default");
            User owner = users.insert(organization, "owner@localhost", "Owner", Role.OWNER);
            return keys.issue(organization, owner.id(), "bootstrap", null);
        }));
        if (issued.isEmpty()) {
            return;
        }
        // Shown once, deliberately: this is the only way in to a new installation. Revoke it once you have made
        // keys of your own.
        log.warn(
                "Created organization 'default' and its owner owner@localhost. Their API key, shown only now: {}",
                issued.get().token());
        if (database.isEmbedded()) {
            Path file = database.embedded().directory().resolve(KEY_FILE).toAbsolutePath();
            Files.writeString(file, issued.get().token() + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            log.info("The bootstrap API key is also in {} (readable only by you)", file);
        }
    }
}
