/** JMH benchmarks of the offline embedding model behind embedding_similarity (bench/embedding-similarity.sh). */
@NullMarked
package dev.promptline.bench.embedding;

import org.jspecify.annotations.NullMarked;
