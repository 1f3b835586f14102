package io.vilstream.runtime.http;

import java.util.Arrays;

/** The methods a resource accepts: anything else is a 405 with {@code Allow} listing them. */
public final class AllowedMethods {

    private AllowedMethods() {
    }

    /** Throws a 405 unless the request's method is one of {@code allowed} (case-sensitive, as HTTP is). */
    public static void require(String method, String... allowed) {
        if (!Arrays.asList(allowed).contains(method)) {
            throw HttpException.methodNotAllowed(method, allowed);
        }
    }
}
