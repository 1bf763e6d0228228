@NullMarked
package dev.promptline.runtime.graph;

import org.jspecify.annotations.NullMarked;
