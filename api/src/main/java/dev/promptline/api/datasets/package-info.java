/**
 * Datasets for evaluations. Owns {@code datasets}, {@code dataset_versions} and {@code dataset_items}: a dataset is a
 * named list of items of an organization (the variables to run a prompt with, an optional expected output and flat
 * metadata), and every change to it (items added one by one, uploaded as JSONL or CSV, made from recorded executions,
 * or removed) is a new immutable numbered version that an experiment can pin. Items are stored once with the range of
 * versions they belong to, so a version is never a copy.
 */
@NullMarked
package dev.promptline.api.datasets;

import org.jspecify.annotations.NullMarked;
