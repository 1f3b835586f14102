package io.vilstream.model.loss;

import ai.djl.ndarray.NDArray;

/**
 * The L2-normalised embeddings of one batch's views, row-aligned by item ({@code [N, d]} each),
 * plus the hard negatives' embeddings ({@code [M, d]}; M may be 0). A view that no enabled
 * pair needs may be null.
 *
 * @param image   I: the image view matched against text
 * @param image2  I′: the second image view
 * @param text    T: a caption
 * @param text2   T′: a second caption or an augmented T
 * @param taggedImage I of the rows that have a T_tag view ({@code [K, d]}, K ≤ N)
 * @param tags    T_tag: the object-tag sequences of those rows
 * @param negImages hard negatives' images
 * @param negTexts  hard negatives' captions
 * @param negTags   hard negatives' tag sequences
 */
public record ViewEmbeddings(NDArray image, NDArray image2, NDArray text, NDArray text2,
                             NDArray taggedImage, NDArray tags,
                             NDArray negImages, NDArray negTexts, NDArray negTags) {
}
