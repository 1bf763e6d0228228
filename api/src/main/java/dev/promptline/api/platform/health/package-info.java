@NullMarked
package dev.promptline.api.platform.health;

import org.jspecify.annotations.NullMarked;
