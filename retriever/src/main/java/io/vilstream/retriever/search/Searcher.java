package io.vilstream.retriever.search;

import java.util.List;
import java.util.function.Supplier;

import io.vilstream.model.image.ImageRejectedException;
import io.vilstream.retriever.index.ScoredId;
import io.vilstream.retriever.versions.Served;
import io.vilstream.retriever.versions.VersionUnavailableException;

/**
 * Answers queries against the served version: reads the served value once, encodes the query
 * with that version's towers and searches that version's index, so an answer never mixes
 * versions even while a switch happens. If the towers are released mid-query (the version was
 * dropped right after a switch) the query is retried once on the version served then.
 */
public final class Searcher {

    private final Supplier<Served> served;
    private final Supplier<String> whyNotServing;

    /**
     * @param served        the served version, or null
     * @param whyNotServing the reason given to clients while nothing is served
     */
    public Searcher(Supplier<Served> served, Supplier<String> whyNotServing) {
        this.served = served;
        this.whyNotServing = whyNotServing;
    }

    /** Text → images. */
    public SearchAnswer byText(String text, int k) {
        return run(s -> s.index().searchImages(s.encoder().encodeText(text), k));
    }

    /** Image → items by their text. */
    public SearchAnswer byImage(byte[] image, int k) throws ImageRejectedException {
        try {
            return run(s -> {
                try {
                    return s.index().searchTexts(s.encoder().encodeImage(image), k);
                } catch (ImageRejectedException e) {
                    throw new Rejected(e);
                }
            });
        } catch (Rejected r) {
            throw r.cause;
        }
    }

    private SearchAnswer run(Query query) {
        for (int attempt = 0; ; attempt++) {
            Served s = served.get();
            if (s == null) {
                throw new VersionUnavailableException("no index is served yet: " + whyNotServing.get());
            }
            long t0 = System.nanoTime();
            try {
                List<ScoredId> hits = query.run(s);
                return new SearchAnswer(s.version(), hits, System.nanoTime() - t0);
            } catch (VersionUnavailableException e) {
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    @FunctionalInterface
    private interface Query {
        List<ScoredId> run(Served s);
    }

    /** Carries a client's bad image through the lambda. */
    private static final class Rejected extends RuntimeException {
        final ImageRejectedException cause;

        Rejected(ImageRejectedException cause) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
        }
    }
}
