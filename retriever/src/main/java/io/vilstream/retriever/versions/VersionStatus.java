package io.vilstream.retriever.versions;

/**
 * One held version as {@code /v1/status} shows it.
 *
 * @param role          served, target (promoted, being built), served+target, or held
 * @param items         searchable items (both halves arrived)
 * @param pendingImages items with only their image embedding so far
 * @param pendingTexts  items with only their text embedding so far
 * @param coverage      fraction of the served version's items this version holds (1.0 for the served one)
 * @param towers        loaded, not loaded, or the loading error
 */
public record VersionStatus(long version, String role, int items, int pendingImages, int pendingTexts,
                            double coverage, String towers) {
}
