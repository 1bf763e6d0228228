@NullMarked
package dev.promptline.api.platform.database;

import org.jspecify.annotations.NullMarked;
