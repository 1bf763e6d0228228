package dev.promptline.api;

import dev.promptline.api.models.ReencryptCredentialsCommand;
import dev.promptline.api.seed.SeedCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ApiApplication {
    /** The command, and the profile it runs with, that applies pending migrations and exits. */
    public static final String MIGRATE = "migrate";

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals(SeedCommand.NAME) || args[0].equals(ReencryptCredentialsCommand.NAME))) {
            command(args[0], Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals(MIGRATE)) {
            migrate(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication application = new SpringApplication(ApiApplication.class);
        // Installed once the server is up, before start-up tasks run, so a SIGTERM at any time after that drains.
        // A class, not a lambda: a lambda's event type cannot be resolved, so Spring would call it with every
        // event (one per request) and swallow a ClassCastException each time.
        application.addListeners(new ExitZeroOnSigterm());
        run(application, args);
    }

    /** Runs the application; a start-up failure (already reported by a failure analyzer) exits with its code. */
    private static ConfigurableApplicationContext run(SpringApplication application, String[] args) {
        try {
            return application.run(args);
        } catch (RuntimeException e) {
            System.exit(StartupFailure.exitCode(e));
            throw e;
        }
    }

    /**
     * Runs a command and exits: no web server; the profile of the command's name enables its runner. {@code seed}
     * loads the demo data (migrations first); {@code reencrypt-credentials} moves stored credentials to the current
     * CREDENTIALS_ENCRYPTION_KEY.
     */
    private static void command(String name, String[] args) {
        SpringApplication application = new SpringApplication(ApiApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setAdditionalProfiles(name);
        System.exit(SpringApplication.exit(run(application, args)));
    }

    /**
     * Applies pending migrations and exits, whatever DATABASE_MIGRATE_ON_START says: the deploy job's command, so that
     * replicas can start with migrations off. No web server; a failed migration exits non-zero.
     */
    private static void migrate(String[] args) {
        SpringApplication application = new SpringApplication(ApiApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setAdditionalProfiles(MIGRATE);
        String[] migrateOnStart = Arrays.copyOf(args, args.length + 1);
        // A command-line property outranks the environment variable.
        migrateOnStart[args.length] = "--promptline.database.migrate-on-start=true";
        System.exit(SpringApplication.exit(run(application, migrateOnStart)));
    }

    /**
     * The JVM exits with 143 on SIGTERM even when shutdown went well, which orchestrators and scripts read as a crash.
     * Closing the context here runs the same graceful shutdown (stop accepting, drain in-flight requests within the
     * grace period, close the pool) and then reports success.
     */
    private static final class ExitZeroOnSigterm implements ApplicationListener<ApplicationStartedEvent> {
        @Override
        public void onApplicationEvent(ApplicationStartedEvent started) {
            ConfigurableApplicationContext context = started.getApplicationContext();
            Signal.handle(new Signal("TERM"), signal -> System.exit(SpringApplication.exit(context)));
        }
    }
}
