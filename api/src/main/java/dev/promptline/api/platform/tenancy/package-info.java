@NullMarked
package dev.promptline.api.platform.tenancy;

import org.jspecify.annotations.NullMarked;
