package io.vilstream.retriever.versions;

import io.vilstream.model.towers.DualEncoder;

/** Where a version's towers come from (the model store in production, a test's models in tests). */
@FunctionalInterface
public interface EncoderSource {

    /** Loads the towers of {@code version}; the caller owns (closes) the result. */
    DualEncoder load(long version) throws Exception;
}
