package io.vilstream.encoder.topology;

/**
 * What a topology built by {@link EncoderTopology} emits besides embeddings. The live encoder
 * does everything; a backfill re-embeds only (its bad input is already in the DLQ from the live
 * pass, and mining belongs to the live stream).
 *
 * @param tags         publish generated object tags
 * @param hardNegatives mine and publish hard negatives
 * @param dlq          route bad input to the DLQ (else skip it, counted)
 */
public record EncodeOptions(boolean tags, boolean hardNegatives, boolean dlq) {

    public static EncodeOptions live() {
        return new EncodeOptions(true, true, true);
    }

    public static EncodeOptions backfill() {
        return new EncodeOptions(true, false, false);
    }
}
