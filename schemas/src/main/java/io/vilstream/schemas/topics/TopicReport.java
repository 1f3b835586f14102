package io.vilstream.schemas.topics;

import java.util.List;

/**
 * What {@link TopicCreator#ensure} found and did: topics it created, topics that already existed
 * with an acceptable shape, and topics that exist with a shape it will not silently accept.
 */
public record TopicReport(List<String> created, List<String> verified, List<Mismatch> mismatched) {

    /** An existing topic whose shape differs from its spec, and how. */
    public record Mismatch(String topic, String problem) {
    }

    public TopicReport {
        created = List.copyOf(created);
        verified = List.copyOf(verified);
        mismatched = List.copyOf(mismatched);
    }

    /** True when every topic now exists with an acceptable shape. */
    public boolean ok() {
        return mismatched.isEmpty();
    }

    /** One line for people: counts, and each mismatch spelled out. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(created.size()).append(" created, ").append(verified.size()).append(" already present");
        for (Mismatch m : mismatched) {
            sb.append("; MISMATCH ").append(m.topic()).append(": ").append(m.problem());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "created " + created + ", verified " + verified + ", mismatched " + mismatched;
    }
}
