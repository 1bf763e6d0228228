@NullMarked
package dev.promptline.runtime.grpc;

import org.jspecify.annotations.NullMarked;
