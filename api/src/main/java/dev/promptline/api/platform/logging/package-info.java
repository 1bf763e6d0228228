/** How the service's log lines look: JSON for machines by default, plain text for a person at a terminal. */
@NullMarked
package dev.promptline.api.platform.logging;

import org.jspecify.annotations.NullMarked;
