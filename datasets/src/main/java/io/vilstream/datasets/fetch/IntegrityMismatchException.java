package io.vilstream.datasets.fetch;

import io.vilstream.datasets.DatasetUnavailableException;

/** A fetched tarball does not hash to its pinned integrity: it is refused and never extracted. */
public final class IntegrityMismatchException extends DatasetUnavailableException {

    private static final long serialVersionUID = 1L;

    private final String packageSpec;
    private final String expected;
    private final String actual;

    public IntegrityMismatchException(PinnedPackage pkg, String actual) {
        super("Refusing " + pkg.spec() + ": its tarball's integrity is " + actual
                + " but the pinned integrity is " + pkg.integrity()
                + ". The package differs from the one the dataset is defined by. "
                + DatasetUnavailableException.FIXTURE_HINT);
        this.packageSpec = pkg.spec();
        this.expected = pkg.integrity();
        this.actual = actual;
    }

    public String packageSpec() {
        return packageSpec;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
