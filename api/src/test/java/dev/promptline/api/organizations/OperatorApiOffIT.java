package dev.promptline.api.organizations;

import static dev.promptline.api.testing.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import org.junit.jupiter.api.Test;

/** Without OPERATOR_API_KEY the operator API is off: nothing, not even an empty bearer, gets in. */
class OperatorApiOffIT extends AuthenticatedApi {
    private static final String ORGANIZATIONS = "/operator/v1/organizations";

    @Test
    void everyOperatorRequestIsRefused() {
        for (String bearer :
                new String[] {"Bearer ", "Bearer  ", "Bearer x", acme.owner().bearer()}) {
            var problem = assertProblem(http.get(ORGANIZATIONS, bearer), 401, "UNAUTHENTICATED", ORGANIZATIONS);
            assertThat(problem.get("detail").asString()).contains("OPERATOR_API_KEY");
        }
        assertProblem(
                http.postJson(
                        ORGANIZATIONS,
                        "{\"name\": \"x\", \"slug\": \"x\", \"owner\": {\"email\": \"a@x.test\"}}",
                        "Bearer "),
                401,
                "UNAUTHENTICATED",
                ORGANIZATIONS);
        assertProblem(http.get(ORGANIZATIONS), 401, "UNAUTHENTICATED", ORGANIZATIONS);
    }
}
