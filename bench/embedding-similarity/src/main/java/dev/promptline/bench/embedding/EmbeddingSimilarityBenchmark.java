package dev.promptline.bench.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.store.embedding.CosineSimilarity;
import dev.promptline.evaluators.embedding.OfflineEmbeddingModel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One dataset item as {@code embedding_similarity} scores it: the output and the expected output embedded in one call
 * (on the caller's thread, as the evaluator's model does), then their cosine. Texts of three lengths, since the model's
 * cost grows with the tokens. Three cases: both texts new ({@code itemFirstSeen}, the cache off); the expected output
 * seen before, as in every repetition and every later experiment on the dataset version ({@code itemExpectedSeen}, a
 * new output each time); and, for comparison, the library's default of embedding the two texts in parallel on a pool
 * of its own, both new.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class EmbeddingSimilarityBenchmark {
    /** Output and expected output of an item, by length: about 12, 60 and 250 words each. */
    @Param({"sentence", "paragraph", "page"})
    public String size;

    private final OfflineEmbeddingModel uncached = OfflineEmbeddingModel.withCache(0);
    private final OfflineEmbeddingModel cached = new OfflineEmbeddingModel();
    private final EmbeddingModel parallel = new AllMiniLmL6V2QuantizedEmbeddingModel();
    private List<TextSegment> item = List.of();
    private long run;

    @Setup(Level.Trial)
    public void load() {
        item = Texts.item(size);
        uncached.load();
        cached.load();
    }

    @Benchmark
    public double itemFirstSeen() {
        return similarity(uncached.embedAll(item).content());
    }

    @Benchmark
    public double itemExpectedSeen() {
        // A new output every time (the run number changes one token), the same expected output.
        TextSegment output = TextSegment.from(item.get(0).text() + " " + run++);
        return similarity(cached.embedAll(List.of(output, item.get(1))).content());
    }

    @Benchmark
    public double itemOnTheLibrarysPool() {
        return similarity(parallel.embedAll(item).content());
    }

    private static double similarity(List<Embedding> embeddings) {
        return Math.clamp(CosineSimilarity.between(embeddings.get(0), embeddings.get(1)), 0.0, 1.0);
    }
}
