@NullMarked
package dev.promptline.api.platform.web;

import org.jspecify.annotations.NullMarked;
