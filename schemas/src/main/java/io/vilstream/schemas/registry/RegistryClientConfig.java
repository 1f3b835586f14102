package io.vilstream.schemas.registry;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a schema registry: base URLs (tried in turn), optional Basic credentials,
 * timeouts and the bounded retry policy (Confluent's {@code max.retries},
 * {@code retries.wait.ms}, {@code retries.max.wait.ms}: exponential from the first wait,
 * capped by the max wait).
 *
 * <p>A single {@code mock://scope} URL selects the in-memory registry of that scope.
 */
public record RegistryClientConfig(
        List<URI> urls,
        Optional<String> userInfo,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration retryWait,
        Duration maxRetryWait) {

    public static final String MOCK_SCHEME = "mock";

    public RegistryClientConfig {
        urls = List.copyOf(urls);
        Objects.requireNonNull(userInfo, "userInfo");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retryWait, "retryWait");
        Objects.requireNonNull(maxRetryWait, "maxRetryWait");
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("at least one schema registry URL is needed");
        }
        long mocks = urls.stream().filter(u -> MOCK_SCHEME.equals(u.getScheme())).count();
        if (mocks > 0 && urls.size() > 1) {
            throw new IllegalArgumentException("a mock:// URL cannot be combined with other URLs: " + urls);
        }
        for (URI url : urls) {
            String scheme = url.getScheme();
            if (!MOCK_SCHEME.equals(scheme) && !"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("unsupported schema registry URL " + url + " (use http://, https:// or mock://)");
            }
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0");
        }
    }

    /** Defaults for one URL: Confluent's retry defaults, 10 s connect and 30 s request timeouts. */
    public static RegistryClientConfig of(String url) {
        return new RegistryClientConfig(List.of(URI.create(url)), Optional.empty(), Duration.ofSeconds(10),
                Duration.ofSeconds(30), 3, Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    public RegistryClientConfig withUserInfo(String userInfo) {
        return new RegistryClientConfig(urls, Optional.of(userInfo), connectTimeout, requestTimeout,
                maxRetries, retryWait, maxRetryWait);
    }

    public RegistryClientConfig withRetries(int maxRetries, Duration retryWait, Duration maxRetryWait) {
        return new RegistryClientConfig(urls, userInfo, connectTimeout, requestTimeout,
                maxRetries, retryWait, maxRetryWait);
    }

    public RegistryClientConfig withTimeouts(Duration connectTimeout, Duration requestTimeout) {
        return new RegistryClientConfig(urls, userInfo, connectTimeout, requestTimeout,
                maxRetries, retryWait, maxRetryWait);
    }

    /** The scope of a {@code mock://scope} URL, if that is what is configured. */
    public Optional<String> mockScope() {
        URI first = urls.get(0);
        if (!MOCK_SCHEME.equals(first.getScheme())) {
            return Optional.empty();
        }
        // mock://scope parses with the scope as the authority; mock:scope as the scheme-specific part
        String scope = first.getAuthority() != null ? first.getAuthority() : first.getSchemeSpecificPart();
        return Optional.of(scope == null ? "" : scope);
    }

    /**
     * Credentials written into the URLs ({@code http://user:pass@host}), for
     * {@code basic.auth.credentials.source=URL}; the first URL that has any wins.
     */
    public Optional<String> userInfoFromUrls() {
        return urls.stream().map(URI::getRawUserInfo).filter(Objects::nonNull).findFirst()
                .map(info -> URLDecoder.decode(info.replace("+", "%2B"), StandardCharsets.UTF_8));
    }

    /** The URLs without any user info, as requests are sent to them. */
    public List<URI> baseUrls() {
        List<URI> out = new ArrayList<>();
        for (URI u : urls) {
            String s = u.toString();
            if (u.getRawUserInfo() != null) {
                s = s.replace(u.getRawUserInfo() + "@", "");
            }
            out.add(URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s));
        }
        return out;
    }
}
