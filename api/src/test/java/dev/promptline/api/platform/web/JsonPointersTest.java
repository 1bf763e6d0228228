package dev.promptline.api.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonPointersTest {
    @Test
    void propertyPathsBecomePointers() {
        assertThat(JsonPointers.fromPropertyPath("name")).isEqualTo("#/name");
        assertThat(JsonPointers.fromPropertyPath("items[12].label")).isEqualTo("#/items/12/label");
        assertThat(JsonPointers.fromPropertyPath("model.parameters.temperature"))
                .isEqualTo("#/model/parameters/temperature");
    }
}
