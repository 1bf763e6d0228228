package dev.promptline.api.seed;

import dev.promptline.api.organizations.ApiKeyService;
import dev.promptline.api.organizations.IssuedApiKey;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.UserId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs when the service is started as {@code seed} (see {@code ApiApplication}): after the migrations, loads
 * {@code db/seed/demo.sql} in one transaction and reports what the demo organization holds.
 */
@Component
@Profile(SeedCommand.NAME)
public class SeedCommand implements ApplicationRunner {
    public static final String NAME = "seed";

    private static final Logger log = LoggerFactory.getLogger(SeedCommand.class);
    private static final OrganizationId DEMO_ORGANIZATION =
            new OrganizationId(UUID.fromString("00000000-0000-7000-8000-000000000001"));
    private static final UserId DEMO_OWNER = new UserId(UUID.fromString("00000000-0000-7000-8000-000000000101"));

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ApiKeyService keys;

    SeedCommand(DataSource dataSource, JdbcClient jdbc, TransactionTemplate transactions, ApiKeyService keys) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.keys = keys;
    }

    @Override
    public void run(ApplicationArguments args) {
        Optional<IssuedApiKey> issued = Optional.ofNullable(transactions.execute(status -> {
            new ResourceDatabasePopulator(new ClassPathResource("db/seed/demo.sql")).execute(dataSource);
            return keys.issueIfNone(DEMO_ORGANIZATION, DEMO_OWNER, "demo").orElse(null);
        }));
        // Printed once, on the first seeding: the only way to act as the demo organization.
        issued.ifPresent(key -> log.warn("API key of the demo organization's owner, shown only now: {}", key.token()));
        log.atInfo()
                .setMessage("Demo data loaded: {}")
                .addArgument(this::demoCounts)
                .log();
    }

    private Map<String, Integer> demoCounts() {
        var counts = new LinkedHashMap<String, Integer>();
        for (String table : new String[] {"users", "models", "prompts", "prompt_versions"}) {
            counts.put(
                    table,
                    jdbc.sql("SELECT count(*) FROM " + table + " WHERE organization_id = :organization::uuid")
                            .param("organization", DEMO_ORGANIZATION.value().toString())
                            .query(Integer.class)
                            .single());
        }
        return counts;
    }
}
