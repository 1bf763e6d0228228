package dev.promptline.bench.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.promptline.evaluators.embedding.OfflineEmbeddingModel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What loading the model costs a process that has never loaded it (a fresh JVM per fork): reading the model out of
 * the jar, starting ONNX Runtime and the tokenizer, and embedding a first text. This is what a start-up that loaded
 * the model eagerly would add, and what the first embedding_similarity score pays instead.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 5, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ModelLoadBenchmark {
    @Benchmark
    public Embedding firstEmbeddingInAFreshProcess() {
        return new OfflineEmbeddingModel()
                .embed("The first text this process embeds.")
                .content();
    }
}
