package io.vilstream.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The one decoding rule of every API: query strings and path segments, strict about escapes. */
class PercentDecodingTest {

    @Test
    void aRepeatedQueryParameterIsA400NamingIt() {
        assertThatThrownBy(() -> QueryParameters.parse("text=cat&k=5&k=6"))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("'k'").hasMessageContaining("more than once");
        // the same name however it is spelled on the wire
        assertThatThrownBy(() -> QueryParameters.parse("k=5&%6B=6")).hasMessageContaining("'k'");
    }

    @Test
    void inAQueryPlusIsASpaceAndPercent2BIsAPlus() {
        QueryParameters q = QueryParameters.parse("text=red+apple&id=a%2Bb&flag&&empty=");
        assertThat(q.get("text")).contains("red apple");
        assertThat(q.get("id")).contains("a+b");
        assertThat(q.get("flag")).contains("");
        assertThat(q.get("empty")).contains("");
        assertThat(q.get("missing")).isEmpty();
        assertThat(QueryParameters.parse("verbose=TRUE").flag("verbose")).isTrue();
        assertThat(QueryParameters.parse(null).asMap()).isEmpty();
    }

    @Test
    void inAPathSegmentPlusIsAPlusAndAnEncodedSlashStaysInside() {
        assertThat(PathSegments.parse("/subjects/a+b/versions")).containsExactly("subjects", "a+b", "versions");
        assertThat(PathSegments.parse("/v1/items/a%2Fb%20c/image")).containsExactly("v1", "items", "a/b c", "image");
        assertThat(PathSegments.parse("//a///b/")).isEqualTo(List.of("a", "b"));
        assertThat(PercentDecoder.pathSegment("%F0%9F%98%80")).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void escapesThatAreNotUtf8OrNotEscapesAre400s() {
        for (String bad : List.of("a=%ff", "a=%C3", "a=%zz", "a=%2", "a=%")) {
            assertThatThrownBy(() -> QueryParameters.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessageContaining("the query");
        }
        assertThatThrownBy(() -> PathSegments.parse("/v1/items/%ff"))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> QueryParameters.parse("=5"))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
