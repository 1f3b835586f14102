package io.vilstream.encoder.topology;

/**
 * What a topology built by {@link EncoderTopology} emits besides embeddings. The live encoder
 * does everything; a backfill re-embeds only (its bad input is already in the DLQ from the live
 * pass, and mining belongs to the live stream).
 *
 * @param tags         publish generated object tags
 * @param hardNegatives mine and publish hard negatives
 * @param dlq          route bad input to the DLQ (else skip it, counted)
 * @param skipEmbedded a backfill: skip items whose latest image embedding already has this model
 *                     version (a backfill must not repeat what the live encoder did after its
 *                     swap), and whatever its {@link BackfillScope} says is not its to write
 */
public record EncodeOptions(boolean tags, boolean hardNegatives, boolean dlq, boolean skipEmbedded) {

    public static EncodeOptions live() {
        return new EncodeOptions(true, true, true, false);
    }

    public static EncodeOptions backfill() {
        return new EncodeOptions(true, false, false, true);
    }
}
