package dev.promptline.evaluators.embedding;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.output.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quantized all-MiniLM-L6-v2 sentence model (384 dimensions, unit-length vectors), run in this process by ONNX
 * Runtime, loaded once on first use. Loading reads the 23 MB model out of the jar and starts ONNX Runtime (about a
 * second and 135 MB of native memory, docs/benchmarks.md): a service that never scores by embeddings should not pay
 * that at start-up, so nothing is loaded until the first text is embedded, and then exactly once, whichever thread
 * asks first.
 *
 * <p>{@link #embedAll} keeps the embeddings of recent texts (up to {@value #CACHE_BYTES} bytes of text and vectors,
 * the most used kept first): an experiment embeds each dataset item's expected output once, not once per repetition
 * and per prompt version, which halves the cost of an item (docs/benchmarks.md).
 */
public final class OfflineEmbeddingModel implements EmbeddingModel {
    private static final Logger log = LoggerFactory.getLogger(OfflineEmbeddingModel.class);

    /** The name the model is known by, as {@link #modelName()} reports it. */
    public static final String MODEL_NAME = "all-minilm-l6-v2-q";

    private static final int DIMENSION = 384;
    private static final String DJL_CACHE_DIR = "DJL_CACHE_DIR";
    /** 16 MiB: some 8,000 embeddings of short texts. */
    static final long CACHE_BYTES = 16L * 1024 * 1024;

    private final Supplier<EmbeddingModel> loader;
    /** Null when nothing is kept (a size of 0: Caffeine would keep an entry until its next maintenance). */
    private final @Nullable Cache<String, Embedding> recent;

    private volatile @Nullable EmbeddingModel loaded;

    /** The bundled model, loaded on first use. */
    public OfflineEmbeddingModel() {
        this(OfflineEmbeddingModel::loadBundled, CACHE_BYTES);
    }

    OfflineEmbeddingModel(Supplier<EmbeddingModel> loader) {
        this(loader, CACHE_BYTES);
    }

    /** The bundled model, keeping at most {@code cacheBytes} of recent embeddings (0: none, for measurements). */
    public static OfflineEmbeddingModel withCache(long cacheBytes) {
        return new OfflineEmbeddingModel(OfflineEmbeddingModel::loadBundled, cacheBytes);
    }

    private OfflineEmbeddingModel(Supplier<EmbeddingModel> loader, long cacheBytes) {
        this.loader = requireNonNull(loader, "loader is null");
        this.recent = cacheBytes <= 0
                ? null
                : Caffeine.newBuilder()
                        .maximumWeight(cacheBytes)
                        .<String, Embedding>weigher((text, embedding) -> weight(text, embedding))
                        .build();
    }

    /** Roughly the bytes an entry holds: the text's characters and the vector's floats, and their headers. */
    private static int weight(String text, Embedding embedding) {
        return (int) Math.min(Integer.MAX_VALUE, 2L * text.length() + 4L * embedding.dimension() + 96);
    }

    private static EmbeddingModel loadBundled() {
        useTemporaryNativeCacheUnlessSet();
        // The library's default runs embedAll's texts in parallel on a pool of its own; one caller's texts run on
        // the caller's thread instead, so that scoring on many virtual threads does not queue behind a hidden pool
        // and an item costs one core's time (docs/benchmarks.md).
        return new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
    }

    /**
     * The tokenizer's native library is unpacked into DJL's cache, by default {@code ~/.djl.ai}; the image runs with a
     * read-only root file system and a writable {@code /tmp} only, so unless {@code DJL_CACHE_DIR} says otherwise the
     * cache goes under {@code java.io.tmpdir} (ONNX Runtime unpacks its own library there too).
     */
    static void useTemporaryNativeCacheUnlessSet() {
        if (System.getenv(DJL_CACHE_DIR) == null && System.getProperty(DJL_CACHE_DIR) == null) {
            System.setProperty(
                    DJL_CACHE_DIR,
                    Path.of(System.getProperty("java.io.tmpdir"), "djl").toString());
        }
    }

    /** Loads the model now (if it is not yet): for a service that prefers to pay at start-up. */
    public void load() {
        model();
    }

    /** Whether the model has been loaded. */
    public boolean isLoaded() {
        return loaded != null;
    }

    /** The texts' embeddings, in their order; texts embedded recently are not embedded again. */
    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
        var embeddings = new Embedding[textSegments.size()];
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        for (int i = 0; i < embeddings.length; i++) {
            String text = textSegments.get(i).text();
            Embedding known = recent == null ? null : recent.getIfPresent(text);
            if (known != null) {
                embeddings[i] = known;
            } else {
                missing.computeIfAbsent(text, _ -> new ArrayList<>()).add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<Embedding> fresh = model().embedAll(
                            missing.keySet().stream().map(TextSegment::from).toList())
                    .content();
            int next = 0;
            for (var entry : missing.entrySet()) {
                Embedding embedding = fresh.get(next++);
                if (recent != null) {
                    recent.put(entry.getKey(), embedding);
                }
                entry.getValue().forEach(index -> embeddings[index] = embedding);
            }
        }
        return Response.from(Arrays.asList(embeddings));
    }

    @Override
    public EmbeddingResponse doEmbed(EmbeddingRequest request) {
        return model().doEmbed(request);
    }

    @Override
    public Response<Embedding> embed(String text) {
        return embed(TextSegment.from(text));
    }

    @Override
    public Response<Embedding> embed(TextSegment textSegment) {
        return Response.from(embedAll(List.of(textSegment)).content().getFirst());
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public String modelName() {
        return MODEL_NAME;
    }

    private EmbeddingModel model() {
        EmbeddingModel model = loaded;
        if (model != null) {
            return model;
        }
        synchronized (this) {
            if (loaded == null) {
                long start = System.nanoTime();
                loaded = loader.get();
                log.atInfo()
                        .setMessage("Loaded the embedding model {} in {} ms")
                        .addArgument(MODEL_NAME)
                        .addArgument((System.nanoTime() - start) / 1_000_000)
                        .log();
            }
            return requireNonNull(loaded);
        }
    }
}
