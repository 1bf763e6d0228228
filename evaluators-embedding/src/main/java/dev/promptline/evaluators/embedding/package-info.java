/**
 * The offline embedding model behind the api's {@code embedding_similarity} evaluator: LangChain4j's quantized
 * all-MiniLM-L6-v2 on ONNX Runtime, exposed as a LangChain4j {@link dev.langchain4j.model.embedding.EmbeddingModel}
 * bean by {@link dev.promptline.evaluators.embedding.EmbeddingEvaluatorAutoConfiguration}. The api compiles against
 * that interface only (langchain4j-core); this module, with the model and ONNX Runtime, is on its class path at
 * runtime scope, and a build may leave it out.
 */
@NullMarked
package dev.promptline.evaluators.embedding;

import org.jspecify.annotations.NullMarked;
