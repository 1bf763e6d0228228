@NullMarked
package dev.promptline.runtime.llm;

import org.jspecify.annotations.NullMarked;
