@NullMarked
package dev.promptline.api.platform.errors;

import org.jspecify.annotations.NullMarked;
