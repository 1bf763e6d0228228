package dev.promptline.api.organizations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The first start on an empty database leaves a way in: one organization, its owner and a key, printed once. */
@ExtendWith(OutputCaptureExtension.class)
class BootstrapIT extends IsolatedDatabase {
    private static final Pattern KEY = Pattern.compile("pl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Bootstrap bootstrap;

    @Test
    void createsTheDefaultOrganizationOnceAndPrintsAWorkingKey(CapturedOutput output) throws Exception {
        var printed = KEY.matcher(output.getOut());
        assertThat(printed.find()).as("the key is printed at start-up").isTrue();
        String key = printed.group();
        assertThat(printed.find()).as("and only once").isFalse();

        var organization = new Http(port).get("/api/v1/organization", "Bearer " + key);
        assertThat(organization.statusCode()).isEqualTo(200);
        assertThat(Http.json(organization).get("slug").asString()).isEqualTo("default");

        bootstrap.run(new DefaultApplicationArguments());

        assertThat(jdbc.sql("SELECT count(*) FROM organizations")
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM api_keys")
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }
}
