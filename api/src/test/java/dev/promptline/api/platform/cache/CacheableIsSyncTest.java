package dev.promptline.api.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;

/**
 * {@link TwoLevelCache} keeps a read from storing a row a concurrent write replaced only when it gets the loader,
 * which Spring hands over with {@code sync = true}; without it Spring reads, loads and then puts, and the put cannot
 * tell a stale value from a fresh one. So every {@code @Cacheable} in the api says {@code sync = true}.
 */
class CacheableIsSyncTest {
    @Test
    void everyCacheableMethodIsSync() throws ClassNotFoundException {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Component.class));
        List<String> cacheable = new ArrayList<>();
        List<String> notSync = new ArrayList<>();
        for (var candidate : scanner.findCandidateComponents("dev.promptline.api")) {
            Class<?> type =
                    ClassUtils.forName(candidate.getBeanClassName(), CacheableIsSyncTest.class.getClassLoader());
            for (Method method : type.getDeclaredMethods()) {
                Cacheable annotation = method.getAnnotation(Cacheable.class);
                if (annotation != null) {
                    cacheable.add(type.getSimpleName() + "." + method.getName());
                    if (!annotation.sync()) {
                        notSync.add(type.getSimpleName() + "." + method.getName()
                                + Arrays.toString(annotation.cacheNames()));
                    }
                }
            }
        }

        assertThat(cacheable).as("the scan finds the cached reads").contains("PromptRepository.find");
        assertThat(notSync).isEmpty();
    }
}
