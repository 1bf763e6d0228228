package dev.promptline.api;

import dev.promptline.api.seed.SeedCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ApiApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(SeedCommand.NAME)) {
            seed(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication application = new SpringApplication(ApiApplication.class);
        // Installed once the server is up, before start-up tasks run, so a SIGTERM at any time after that drains.
        application.addListeners(
                (ApplicationStartedEvent started) -> exitZeroOnSigterm(started.getApplicationContext()));
        application.run(args);
    }

    /** Loads the demo data and exits: no web server, migrations first. */
    private static void seed(String[] args) {
        SpringApplication application = new SpringApplication(ApiApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setAdditionalProfiles(SeedCommand.NAME);
        System.exit(SpringApplication.exit(application.run(args)));
    }

    /**
     * The JVM exits with 143 on SIGTERM even when shutdown went well, which orchestrators and scripts read as a crash.
     * Closing the context here runs the same graceful shutdown (stop accepting, drain in-flight requests within the
     * grace period, close the pool) and then reports success.
     */
    private static void exitZeroOnSigterm(ConfigurableApplicationContext context) {
        Signal.handle(new Signal("TERM"), signal -> {
            int status = SpringApplication.exit(context);
            System.exit(status);
        });
    }
}
