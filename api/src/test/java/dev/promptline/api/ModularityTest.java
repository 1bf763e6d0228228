package dev.promptline.api;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Feature packages only use each other's public API, and there are no cycles between them. */
class ModularityTest {
    @Test
    void modulesRespectTheirBoundaries() {
        ApplicationModules.of(ApiApplication.class).verify();
    }
}
