package dev.promptline.evaluators.embedding;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.output.Response;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quantized all-MiniLM-L6-v2 sentence model (384 dimensions, unit-length vectors), run in this process by ONNX
 * Runtime, loaded once on first use. Loading reads the 23 MB model out of the jar and starts ONNX Runtime (about a
 * second and 100 MB of native memory, docs/benchmarks.md): a service that never scores by embeddings should not pay
 * that at start-up, so nothing is loaded until the first text is embedded, and then exactly once, whichever thread
 * asks first.
 */
public final class OfflineEmbeddingModel implements EmbeddingModel {
    private static final Logger log = LoggerFactory.getLogger(OfflineEmbeddingModel.class);

    /** The name the model is known by, as {@link #modelName()} reports it. */
    public static final String MODEL_NAME = "all-minilm-l6-v2-q";

    private static final int DIMENSION = 384;

    private final Supplier<EmbeddingModel> loader;
    private volatile @Nullable EmbeddingModel loaded;

    /** The bundled model, loaded on first use. */
    public OfflineEmbeddingModel() {
        // The library's default runs embedAll's texts in parallel on a pool of its own; one caller's texts run on
        // the caller's thread instead, so scoring on many virtual threads does not queue behind a hidden pool.
        this(() -> new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run));
    }

    OfflineEmbeddingModel(Supplier<EmbeddingModel> loader) {
        this.loader = requireNonNull(loader, "loader is null");
    }

    /** Loads the model now (if it is not yet): for a service that prefers to pay at start-up. */
    public void load() {
        model();
    }

    /** Whether the model has been loaded. */
    public boolean isLoaded() {
        return loaded != null;
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
        return model().embedAll(textSegments);
    }

    @Override
    public EmbeddingResponse doEmbed(EmbeddingRequest request) {
        return model().doEmbed(request);
    }

    @Override
    public Response<Embedding> embed(String text) {
        return model().embed(text);
    }

    @Override
    public Response<Embedding> embed(TextSegment textSegment) {
        return model().embed(textSegment);
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
