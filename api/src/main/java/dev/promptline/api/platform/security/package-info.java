@NullMarked
package dev.promptline.api.platform.security;

import org.jspecify.annotations.NullMarked;
