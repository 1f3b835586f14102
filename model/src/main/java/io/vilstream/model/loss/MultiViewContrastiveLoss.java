package io.vilstream.model.loss;

import java.util.EnumMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.vilstream.model.towers.Scalars;

/**
 * ERNIE-ViL 2.0's multi-view contrastive loss (docs/LEARNING.md), written with NDArray ops:
 *
 * <pre>
 * s_ab(k,l) = exp(t_ab) · ⟨z_a^k, z_b^l⟩
 * L_a→b     = −(1/N) Σ_k log( exp s_ab(k,k) / Σ_l exp s_ab(k,l) )
 * L(a,b)    = ½ (L_a→b + L_b→a)
 * L         = Σ_{(a,b)∈P} λ_ab L(a,b) + λ_tag · BCE(tagger)
 * </pre>
 *
 * Hard negatives are extra columns: in the a→b direction the candidates are the batch's b
 * views plus the negatives' b-modality embeddings; their rows are never anchors.
 */
public final class MultiViewContrastiveLoss {

    private final LossWeights weights;
    private final boolean sharedScale;

    public MultiViewContrastiveLoss(LossWeights weights, boolean sharedScale) {
        this.weights = weights;
        this.sharedScale = sharedScale;
    }

    public LossWeights weights() {
        return weights;
    }

    /**
     * The loss of one batch.
     *
     * @param v          the views' embeddings
     * @param logScales  learned log inverse temperatures, {@code [P]} or {@code [1]}
     * @param tagLogits  tagger logits of view I, {@code [N, V]}, or null
     * @param tagTargets multi-hot targets {@code [N, V]}, or null
     * @param tagRowMask 1 for rows whose item has producer tags, {@code [N]}, or null
     */
    public Result compute(ViewEmbeddings v, NDArray logScales, NDArray tagLogits, NDArray tagTargets, NDArray tagRowMask) {
        Map<ViewPair, NDArray> terms = new EnumMap<>(ViewPair.class);
        NDArray total = null;
        for (ViewPair p : ViewPair.values()) {
            if (!weights.enabled(p) || !available(p, v)) {
                continue; // switched off, or this batch lacks the views (e.g. no item has tags)
            }
            NDArray logScale = logScales.get(sharedScale ? 0 : p.scaleIndex());
            // the slice would belong to the parameter's (long-lived) manager; the batch owns it
            logScale.attach(v.text() != null ? v.text().getManager() : v.image().getManager());
            NDArray scale = logScale.exp();
            NDArray term = switch (p) {
                case IMAGE_TEXT -> captionInfoNce(v.image(), v.text(), v.negTexts(), v.negImages(), scale);
                case IMAGE_TAGS -> symmetricInfoNce(v.taggedImage(), v.tags(), v.negTags(), v.negImages(), scale);
                case IMAGE_IMAGE -> symmetricInfoNce(v.image(), v.image2(), v.negImages(), v.negImages(), scale);
                case TEXT_TEXT -> symmetricInfoNce(v.text(), v.text2(), v.negTexts(), v.negTexts(), scale);
                case IMAGE2_TEXT -> captionInfoNce(v.image2(), v.text(), v.negTexts(), v.negImages(), scale);
            };
            terms.put(p, term);
            NDArray weighted = term.mul(Scalars.of(term, weights.weight(p)));
            total = total == null ? weighted : total.add(weighted);
        }
        NDArray tagLoss = null;
        if (weights.tagger() > 0 && tagLogits != null) {
            tagLoss = bceWithLogits(tagLogits, tagTargets, tagRowMask);
            NDArray weighted = tagLoss.mul(Scalars.of(tagLoss, weights.tagger()));
            total = total == null ? weighted : total.add(weighted);
        }
        if (total == null) {
            throw new IllegalStateException("every loss term is switched off");
        }
        return new Result(total, terms, tagLoss);
    }

    private static boolean available(ViewPair p, ViewEmbeddings v) {
        return switch (p) {
            case IMAGE_TEXT -> v.image() != null && v.text() != null;
            case IMAGE_TAGS -> v.taggedImage() != null && v.tags() != null;
            case IMAGE_IMAGE -> v.image() != null && v.image2() != null;
            case TEXT_TEXT -> v.text() != null && v.text2() != null;
            case IMAGE2_TEXT -> v.image2() != null && v.text() != null;
        };
    }

    /** An image–caption term: one-hot InfoNCE, or with soft targets from the captions' similarities. */
    private NDArray captionInfoNce(NDArray image, NDArray text, NDArray negTexts, NDArray negImages, NDArray scale) {
        if (weights.softTargets() <= 0) {
            return symmetricInfoNce(image, text, negTexts, negImages, scale);
        }
        NDArray targets = softTargets(text, weights.softTargets());
        NDArray sum = directed(image, text, negTexts, scale, targets).add(directed(text, image, negImages, scale, targets));
        return sum.mul(Scalars.of(sum, 0.5f));
    }

    /**
     * {@code [N, N]} targets: (1 − α) on the diagonal, α spread over each row's other captions by
     * softmax of their similarity (no gradient flows into the targets).
     */
    static NDArray softTargets(NDArray text, float alpha) {
        NDArray t = text.stopGradient();
        int n = (int) t.getShape().get(0);
        NDArray eye = t.getManager().eye(n);
        // the diagonal pushed far down so the softmax spreads α over the others only
        NDArray sim = t.matMul(t.transpose()).mul(LossWeights.SOFT_TARGET_SCALE).sub(eye.mul(1e4f));
        NDArray others = sim.softmax(1).mul(alpha);
        return others.add(eye.mul(1f - alpha));
    }

    /**
     * ½ (L_a→b + L_b→a) with optional extra candidate columns for each direction.
     *
     * @param za     anchors of view a, {@code [N, d]}
     * @param zb     anchors of view b, {@code [N, d]}
     * @param extraB extra b-side candidates for a→b, {@code [M, d]} or null
     * @param extraA extra a-side candidates for b→a, {@code [M, d]} or null
     * @param scale  exp(t), a scalar array
     */
    public static NDArray symmetricInfoNce(NDArray za, NDArray zb, NDArray extraB, NDArray extraA, NDArray scale) {
        NDArray sum = directed(za, zb, extraB, scale).add(directed(zb, za, extraA, scale));
        return sum.mul(Scalars.of(sum, 0.5f));
    }

    /** L_a→b: cross-entropy of each anchor against its own b view among all candidates. */
    static NDArray directed(NDArray za, NDArray zb, NDArray extra, NDArray scale) {
        return directed(za, zb, extra, scale, null);
    }

    /**
     * L_a→b with {@code [N, N]} targets over the anchors' b views (null: one-hot on the
     * diagonal); extra candidate columns have target 0.
     */
    static NDArray directed(NDArray za, NDArray zb, NDArray extra, NDArray scale, NDArray targets) {
        NDArray candidates = extra == null || extra.getShape().get(0) == 0 ? zb : NDArrays.concat(new NDList(zb, extra), 0);
        NDArray logits = za.matMul(candidates.transpose()).mul(scale);      // [N, N+M]
        long n = za.getShape().get(0);
        long cols = candidates.getShape().get(0);
        NDArray q;
        if (targets == null) {
            q = za.getManager().eye((int) n, (int) cols, 0, DataType.FLOAT32);
        } else if (cols > n) {
            q = NDArrays.concat(new NDList(targets, za.getManager().zeros(new Shape(n, cols - n))), 1);
        } else {
            q = targets;
        }
        NDArray total = logits.logSoftmax(1).mul(q).sum();
        return total.div(Scalars.of(total, -n));
    }

    /** Mean binary cross-entropy over the labelled rows: softplus(x) − x·y. */
    static NDArray bceWithLogits(NDArray logits, NDArray targets, NDArray rowMask) {
        NDArray perEntry = Activation.softPlus(logits).sub(logits.mul(targets));   // [N, V]
        NDArray perRow = perEntry.mean(new int[] {1});                               // [N]
        if (rowMask == null) {
            return perRow.mean();
        }
        return perRow.mul(rowMask).sum().div(rowMask.sum().maximum(1f));
    }

    /** The weighted total and each term (unweighted), all scalar arrays. */
    public record Result(NDArray total, Map<ViewPair, NDArray> terms, NDArray tagger) {
    }
}
